import { z } from 'zod';
import { roleSchema, type Principal } from '../../platform/auth/roles.ts';
import { customerTiers } from '../catalog/index.ts';
import { dateSchema, idSchema, moneySchema, objectRefSchema, timeZoneSchema, timestampSchema, type ObjectRef } from '../shared/index.ts';

/** The exception types of DESIGN §7; `exceptions.registry.ts` gives each an owner, SLA, escalation and actions. */
export const exceptionTypes = [
  'credit_hold',
  'stock_shortage',
  'substitution_approval',
  'pricing_variance',
  'invalid_order',
  'short_shipment',
  'shipment_delay',
  'invoice_mismatch',
  'integration_failure',
  'inventory_drift',
  'sequence_gap',
  'adjustment_anomaly',
  'supplier_delay',
  'return_inspection',
] as const;
export const exceptionTypeSchema = z.enum(exceptionTypes);
export type ExceptionType = (typeof exceptionTypes)[number];

/**
 * What a person may do about an exception. `resolve` and `dismiss` are built in; every other action
 * runs a domain command through a handler that orchestration registers (`registerActionHandler`).
 */
export const exceptionActions = [
  'release_hold',
  'keep_hold',
  'approve_substitution',
  'reject_substitution',
  'resource_line',
  'cancel_line',
  'accept_short_ship',
  'change_promise_date',
  'edit_and_replay',
  'retry_dead_letter',
  'discard_dead_letter',
  'accept_drift',
  'resend_invoice',
  'accept_erp_amount',
  'resolve',
  'dismiss',
] as const;
export const exceptionActionSchema = z.enum(exceptionActions);
export type ExceptionAction = (typeof exceptionActions)[number];
export const builtinActions: readonly ExceptionAction[] = ['resolve', 'dismiss'];

/**
 * `open` and `claimed` are the live states (at most one per subject and type); `resolved` (the
 * condition cleared, or an action fixed it) and `dismissed` (a person judged it needs nothing) are final.
 */
export const exceptionStates = ['open', 'claimed', 'resolved', 'dismissed'] as const;
export const exceptionStateSchema = z.enum(exceptionStates);
export type ExceptionState = (typeof exceptionStates)[number];
export const isClosed = (state: ExceptionState): boolean => state === 'resolved' || state === 'dismissed';

/** Who did something: an API key (its id and name) or the hub itself (`system`: rules, timers, conditions clearing). */
export const exceptionActorSchema = z.object({ kind: z.enum(['key', 'system']), keyId: z.string().nullable(), name: z.string() }).strict();
export type ExceptionActor = z.infer<typeof exceptionActorSchema>;
export const systemActor: ExceptionActor = { kind: 'system', keyId: null, name: 'system' };
export const keyActor = (principal: { keyId: string; name: string }): ExceptionActor => ({ kind: 'key', keyId: principal.keyId, name: principal.name });

/** A role that can own work: `viewer` reads only, so it can never own or be escalated to. */
export const workingRoleSchema = roleSchema.refine((role) => role !== 'viewer', 'viewer is read-only and cannot own exceptions');

/** One step of an escalation chain: `afterBreachMinutes` after the SLA was breached, the exception moves to `role`. */
export const escalationStepSchema = z
  .strictObject({
    role: workingRoleSchema.describe('The role whose queue the exception moves to at this step'),
    afterBreachMinutes: z.number().int().min(0).max(60 * 24 * 90).describe('Minutes after the SLA breach at which this step applies (0: at the breach)'),
  })
  .describe('An escalation step');
export type EscalationStep = z.infer<typeof escalationStepSchema>;

export const escalationChainSchema = z
  .array(escalationStepSchema)
  .max(5)
  .refine((steps) => steps.every((s, i) => i === 0 || s.afterBreachMinutes > steps[i - 1]!.afterBreachMinutes), 'steps must come in strictly increasing afterBreachMinutes')
  .describe('Ordered escalation steps; level n is the n-th step');

/** What the priority rule weighs (DESIGN §7: customer tier, value, promise date, risk). All optional. */
export const priorityInputsSchema = z
  .strictObject({
    customerTier: z.enum(customerTiers).optional(),
    orderValue: moneySchema.optional().describe('Value at stake, e.g. the order or line value'),
    promiseDate: z.union([dateSchema, timestampSchema]).optional().describe('When the customer was promised delivery; a date means the end of that day, in promiseTimeZone or else UTC'),
    promiseTimeZone: timeZoneSchema.optional().describe('Where the goods arrive (IANA), such as America/Los_Angeles: a bare promise date ends at midnight there'),
    risk: z.union([z.number().min(0).max(1), z.enum(['low', 'medium', 'high'])]).optional().describe('How likely the exception harms the customer or the books'),
  })
  .describe('Inputs of the priority rule');
export type PriorityInputs = z.infer<typeof priorityInputsSchema>;

export const rootCauseSchema = z.strictObject({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a snake_case code such as credit_limit_exceeded'),
  message: z.string().min(1).max(500),
});
export type RootCause = z.infer<typeof rootCauseSchema>;

/**
 * What a domain hands to `raiseIn`. A bad input is a bug in the raiser, so `raiseIn` throws a plain
 * Error rather than an AppError.
 */
export const raiseInputSchema = z.strictObject({
  type: exceptionTypeSchema,
  subject: objectRefSchema.describe('The one thing this exception is about; one live exception per subject and type'),
  related: z.array(objectRefSchema).max(50).default([]),
  /** Plain JSON facts the summary is built from and a person reads: quantities, numbers, codes. */
  facts: z.record(z.string(), z.unknown()).default({}),
  rootCause: rootCauseSchema,
  /** One sentence of what happened; built from the type and subject when absent. */
  headline: z.string().min(1).max(300).optional(),
  priorityInputs: priorityInputsSchema.default({}),
  /** The trading partner whose data this is; partner-scoped keys see only their own. */
  partnerCode: z.string().min(1).max(100).nullable().default(null),
  /** Overrides of the registry for this one exception, e.g. a hold that carries its own owner and SLA. */
  ownerRole: workingRoleSchema.optional(),
  slaDueAtMs: z.number().int().min(0).optional(),
  /**
   * Names the occurrence being raised, e.g. the id of the event or message that revealed it. A raise
   * with the same key as the last one applied changes nothing, even if its facts carry volatile values.
   */
  dedupeKey: z.string().min(1).max(200).optional(),
  /** Carried on the raised or updated event: the business conversation, and the message or event that caused it. */
  correlationId: z.string().min(1).max(200).optional(),
  causationId: z.string().min(1).max(200).optional(),
});
export type RaiseInput = z.input<typeof raiseInputSchema>;
export type ParsedRaiseInput = z.output<typeof raiseInputSchema>;

/** How an exception ended. */
export const resolutionSchema = z.strictObject({
  outcome: z.enum(['resolved', 'dismissed']),
  by: z.enum(['condition', 'action']).describe('condition: the cause cleared by itself (payment arrived, stock arrived); action: a person acted'),
  action: exceptionActionSchema.nullable(),
  reason: z.string(),
  actor: exceptionActorSchema,
  at: timestampSchema,
});
export type Resolution = z.infer<typeof resolutionSchema>;

export const summarySchema = z.strictObject({
  what: z.string().describe('What happened'),
  why: z.string().describe('The root cause'),
  impact: z.string().describe('Impact on the customer and the value at stake'),
  options: z.array(z.strictObject({ action: exceptionActionSchema, description: z.string() })).describe('What may be done: the allowed actions'),
});
export type ExceptionSummary = z.infer<typeof summarySchema>;

export const linkSchema = z.strictObject({ ref: objectRefSchema, href: z.string().nullable().describe('Where the API shows the object; null when it has no route') });
export type ExceptionLink = z.infer<typeof linkSchema>;

/** A work item for a person: owned, on an SLA clock, with the facts needed to act (DESIGN §2.7, §7). */
export const exceptionSchema = z.strictObject({
  id: idSchema,
  type: exceptionTypeSchema,
  subject: objectRefSchema,
  related: z.array(objectRefSchema),
  state: exceptionStateSchema,
  partnerCode: z.string().nullable(),
  ownerRole: roleSchema.describe('The role that owns the exception before any escalation'),
  queueRole: roleSchema.describe('The role whose queue holds it now: the owner, or the role of the current escalation level'),
  escalationLevel: z.number().int().min(0),
  escalation: z.array(escalationStepSchema).describe('The escalation chain in force when it was raised'),
  assignee: z.strictObject({ keyId: z.string().nullable(), name: z.string() }).nullable(),
  priority: z.number().int().min(0).max(1000),
  priorityInputs: priorityInputsSchema,
  rootCause: rootCauseSchema,
  facts: z.record(z.string(), z.unknown()),
  summary: summarySchema,
  links: z.array(linkSchema),
  allowedActions: z.array(exceptionActionSchema),
  raisedAt: timestampSchema,
  updatedAt: timestampSchema,
  slaDueAt: timestampSchema,
  slaBreachedAt: timestampSchema.nullable(),
  breachCount: z.number().int().min(0),
  nextEscalationAt: timestampSchema.nullable(),
  policyVersion: z.number().int().min(0).describe('Version of the exceptions policy the registry was read from; 0 for the built-in defaults'),
  lastRaiseKey: z.string().nullable().describe('The dedupe key of the last raise applied, if it gave one'),
  version: z.number().int().min(1),
  closedAt: timestampSchema.nullable(),
  resolution: resolutionSchema.nullable(),
});
export type CrossdockException = z.infer<typeof exceptionSchema>;

/** Where a live exception stands on its SLA clock as a person reads it; `sla.rules.ts` (`slaStateAt`) decides. */
export const slaStates = ['on_track', 'at_risk', 'breached'] as const;
export const slaStateSchema = z.enum(slaStates);
export type SlaState = (typeof slaStates)[number];

/**
 * An exception as the API answers it: the stored exception plus its SLA state at the moment of the
 * read (on the hub's injected clock). The state is not stored nor put on events, since it changes with
 * time alone; it is computed at each read so every client shows the same thing.
 */
export const exceptionViewSchema = exceptionSchema.extend({
  slaState: slaStateSchema
    .nullable()
    .describe(
      'At the time of the read: breached when a breach is recorded or it is past due; at_risk when a quarter or less of the SLA window (raised → due) is left; else on_track. Null once closed',
    ),
});
export type ExceptionView = z.infer<typeof exceptionViewSchema>;

export const auditWhats = ['raised', 'updated', 'claimed', 'assigned', 'unassigned', 'sla_breached', 'escalated', 'action', 'action_failed', 'resolved', 'dismissed'] as const;
export type AuditWhat = (typeof auditWhats)[number];

export const auditEntrySchema = z.strictObject({
  seq: z.number().int(),
  exceptionId: idSchema,
  at: timestampSchema,
  actor: exceptionActorSchema,
  what: z.enum(auditWhats),
  action: exceptionActionSchema.nullable(),
  detail: z.record(z.string(), z.unknown()).describe('The reason, the action’s input and result, the escalation step'),
  before: z.unknown().nullable().describe('The exception before, null when it was raised'),
  after: z.unknown().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const exceptionSorts = ['priority', 'age', 'slaDue'] as const;
export type ExceptionSort = (typeof exceptionSorts)[number];

export const listExceptionsQuerySchema = z.object({
  queue: roleSchema.optional().describe('Only exceptions in this role’s queue (the role of their current escalation level)'),
  type: exceptionTypeSchema.optional(),
  state: exceptionStateSchema.optional().describe('Default: the live ones, open and claimed'),
  assignee: z.string().min(1).max(200).optional().describe('Only those assigned to this key or user name'),
  subjectType: objectRefSchema.shape.type.optional().describe('With subjectId: only exceptions about this object'),
  subjectId: z.string().min(1).max(200).optional(),
  sort: z.enum(exceptionSorts).default('priority').describe('priority: highest first; age: oldest first; slaDue: earliest SLA due first'),
});
export type ListExceptionsQuery = z.infer<typeof listExceptionsQuerySchema> & { limit: number; cursor?: string | undefined };

/** Whom a request acts for: a key scoped to a trading partner sees only that partner's exceptions. */
export interface ExceptionScope {
  partnerCode: string | null;
}

/**
 * The caller of a command: the API key's principal. Roles decide what it may do, the name and id go
 * into the audit trail; action handlers pass it on to the domain commands they run.
 */
export type ExceptionCaller = Principal;

export type { ObjectRef };
