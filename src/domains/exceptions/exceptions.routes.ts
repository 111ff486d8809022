import { z } from 'zod';
import { access, roleSchema, type Role } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { idSchema } from '../shared/index.ts';
import { actionSpecs, inputNeeds } from './action-inputs.rules.ts';
import type { ExceptionService } from './exceptions.service.ts';
import {
  auditEntrySchema,
  escalationStepSchema,
  exceptionActionSchema,
  exceptionViewSchema,
  exceptionTypeSchema,
  listExceptionsQuerySchema,
  type ExceptionAction,
  type ExceptionCaller,
} from './exceptions.types.ts';

const tags = ['exceptions'];
/** Every role that can work an exception; whether it may work a given one depends on its queue, checked per exception. */
const workers: Role[] = ['integration', 'customer_service', 'planner', 'warehouse', 'finance', 'procurement'];
const idParams = z.object({ id: idSchema });
const errors = { 400: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema, 409: errorResponseSchema };

const callerOf = (request: Parameters<typeof principalOf>[0]): ExceptionCaller => principalOf(request);

const detailSchema = exceptionViewSchema.extend({ audit: z.array(auditEntrySchema).describe('The latest audit lines, oldest first; the whole trail is at /audit') });
const changeAnswer = (results: [string, ...string[]]) => z.object({ result: z.enum(results), exception: exceptionViewSchema });
const actionResultSchema = z.object({ outcome: z.string(), resolves: z.boolean(), message: z.string().optional(), data: z.record(z.string(), z.unknown()).optional() });

const inputNeedSchema = z.enum(inputNeeds);
const actionDetailSchema = z
  .object({
    name: exceptionActionSchema,
    title: z.string().describe('A short label for a button'),
    inputs: z
      .object({
        reason: inputNeedSchema.describe('body.reason: required, or optional (always accepted, for the audit trail)'),
        promiseDate: inputNeedSchema.optional().describe('body.params.promiseDate (YYYY-MM-DD), when the action takes it'),
        payload: inputNeedSchema.optional().describe('body.params.payload (the corrected message as text), when the action takes it'),
      })
      .describe('What the action takes; the hub validates every request of the action against this same declaration'),
    danger: z.boolean().describe('True when it undoes work or gives something up'),
  })
  .describe('One allowed action and what it takes');

const typeDefinitionSchema = z.object({
  type: exceptionTypeSchema,
  title: z.string(),
  clearsWhen: z.string(),
  ownerRole: roleSchema,
  slaMinutes: z.number().int(),
  escalation: z.array(escalationStepSchema),
  basePriority: z.number().int(),
  actions: z.array(exceptionActionSchema).describe('The names of the allowed actions'),
  actionDetails: z.array(actionDetailSchema).describe('The same actions, in the same order, with what each takes'),
});

export function registerExceptionRoutes(app: HttpApp, exceptions: ExceptionService): void {
  app.get(
    '/v1/exceptions',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'A queue of exceptions: by role, type and state, sorted by priority, age or SLA due time',
        description:
          'queue=<role> lists what sits in that role’s queue (the role of each exception’s current escalation level). Without state, the live ' +
          'exceptions (open and claimed). Keyset-paged: pass nextCursor as cursor with the same sort. A partner-scoped key sees only its partner’s.',
        querystring: listExceptionsQuerySchema.extend(pageQuerySchema.shape).strict(),
        response: { 200: pageSchema(exceptionViewSchema), 400: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => {
      const { subjectType, subjectId } = request.query;
      if ((subjectType === undefined) !== (subjectId === undefined)) {
        const missing = subjectType === undefined ? 'querystring.subjectType' : 'querystring.subjectId';
        throw new AppError('validation_failed', `${missing}: required with ${missing.endsWith('Id') ? 'subjectType' : 'subjectId'}`, [{ path: missing, message: 'subjectType and subjectId go together' }]);
      }
      return exceptions.list(request.query, principalOf(request));
    },
  );

  app.get(
    '/v1/exception-types',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'The exception registry in force: owner role, SLA, escalation chain, base priority and actions of every type, with what each action takes',
        response: { 200: z.object({ policyVersion: z.number().int(), items: z.array(typeDefinitionSchema) }) },
      },
    },
    async () => {
      const { policyVersion, registry } = await exceptions.registry();
      const detailOf = (name: ExceptionAction) => ({ name, title: actionSpecs[name].title, inputs: { ...actionSpecs[name].inputs }, danger: actionSpecs[name].danger });
      return { policyVersion, items: Object.values(registry).map((d) => ({ ...d, escalation: [...d.escalation], actions: [...d.actions], actionDetails: d.actions.map(detailOf) })) };
    },
  );

  app.get(
    '/v1/exceptions/summary',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'Live exceptions at a glance: per queue by state and SLA standing (on track, at risk, breached), and per type',
        description:
          'Counts the live exceptions (open and claimed) by the slaState each shows at the same instant. Breached: a breach is recorded or it is past due ' +
          '(as the crossdock_exceptions_open gauge counts it, before the SLA timer records the breach); ' +
          'at risk: a quarter or less of the SLA window (raised → due) left; else on track. ' +
          'A partner-scoped key counts only its partner’s.',
        response: {
          200: z.object({
            generatedAt: z.string(),
            total: z.number().int(),
            byQueue: z.array(z.object({ queue: roleSchema, open: z.number().int(), claimed: z.number().int(), onTrack: z.number().int(), atRisk: z.number().int(), breached: z.number().int() })),
            byType: z.array(z.object({ type: z.string(), count: z.number().int() })),
          }),
        },
      },
    },
    async (request) => exceptions.summary(principalOf(request)),
  );

  app.get(
    '/v1/exceptions/:id',
    {
      config: { access: access.anyRole },
      schema: { tags, summary: 'One exception with its context (summary, links, options) and latest audit lines', params: idParams, response: { 200: detailSchema, 400: errorResponseSchema, 404: errorResponseSchema } },
    },
    async (request) => exceptions.get(request.params.id, principalOf(request)),
  );

  app.get(
    '/v1/exceptions/:id/audit',
    {
      config: { access: access.anyRole },
      schema: {
        tags,
        summary: 'The audit trail of one exception, oldest first: who did what, when, before and after',
        params: idParams,
        querystring: pageQuerySchema.strict(),
        response: { 200: pageSchema(auditEntrySchema), 400: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => exceptions.audit(request.params.id, principalOf(request), request.query),
  );

  app.post(
    '/v1/exceptions/:id/claim',
    {
      config: { access: access.roles(...workers) },
      schema: {
        tags,
        summary: 'Take an exception for yourself (the role of its current level, or admin); claiming your own claim again changes nothing',
        params: idParams,
        body: z.object({}).strict().nullish().describe('No body, or an empty object'),
        response: { 200: changeAnswer(['claimed', 'unchanged']), ...errors },
      },
    },
    async (request) => exceptions.claim(request.params.id, callerOf(request)),
  );

  app.post(
    '/v1/exceptions/:id/assign',
    {
      config: { access: access.roles(...workers) },
      schema: {
        tags,
        summary: 'Assign an exception to a key or user name, or unassign it with null (the role of its current level, or admin)',
        params: idParams,
        body: z
          .object({
            assignee: z.string().trim().min(1).max(200).nullable().describe('The key or user name to assign to; null unassigns'),
            reason: z.string().trim().min(1).max(500).optional(),
          })
          .strict(),
        response: { 200: changeAnswer(['assigned', 'unassigned', 'unchanged']), ...errors },
      },
    },
    async (request) => exceptions.assign(request.params.id, callerOf(request), request.body.assignee, request.body.reason ?? null),
  );

  app.post(
    '/v1/exceptions/:id/actions/:action',
    {
      config: { access: access.roles(...workers), idempotency: { required: false } },
      schema: {
        tags,
        summary: 'Act on an exception: run the domain command behind the action (allowed for its type, by the role of its current level or admin); the result is recorded',
        description:
          'What each action takes (a reason required or optional, params) is answered by GET /v1/exception-types as actionDetails, and a request is ' +
          'validated against that same declaration (400 naming the field). An action whose command ' +
          'clears the condition resolves the exception. 422 action_not_allowed when the type does not allow the action; 409 when it is closed.',
        params: z.object({ id: idSchema, action: exceptionActionSchema }),
        headers: z.object({ 'idempotency-key': z.string().max(200).optional().describe('Same key and body: the stored answer again') }).passthrough(),
        body: z
          .object({
            reason: z.string().trim().min(1).max(500).optional().describe('Why; required for the actions whose actionDetails say so (resolve, dismiss, keep_hold, …)'),
            params: z.record(z.string(), z.unknown()).optional().describe('The action’s input, e.g. a new promise date'),
          })
          .strict(),
        response: { 200: z.object({ exception: exceptionViewSchema, result: actionResultSchema }), ...errors, 422: errorResponseSchema },
      },
    },
    async (request) => exceptions.act(request.params.id, request.params.action, request.body, callerOf(request)),
  );
}
