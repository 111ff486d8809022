import { z } from 'zod';

/**
 * A policy kind: what a document of this kind must look like and what applies before anyone has
 * activated a version. The domain knows no kind by itself; kinds are registered at composition time
 * (see builtin-kinds.ts and `PolicyService.registerPolicyKind`).
 */
export interface PolicyKind<T = unknown> {
  /** Lower-case name used in URLs and decisions, such as `credit` or `short_ship`. */
  kind: string;
  /** One sentence for operators: what the policy governs. */
  description: string;
  /** Validates a proposed document; document every field with `.describe()`. */
  schema: z.ZodType<T>;
  /** What applies while no version is active; validated against `schema` at registration. */
  defaults: T;
}

/** Declares a kind with its types inferred from the schema; pass the result to `registerPolicyKind`. */
export function definePolicyKind<T>(definition: { kind: string; description: string; schema: z.ZodType<T>; defaults: NoInfer<T> }): PolicyKind<T> {
  return definition;
}

export const policyKindNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a policy kind: lower-case letters, digits and underscores, starting with a letter')
  .describe('Policy kind, such as credit or short_ship');

export const policyStatuses = ['draft', 'active', 'retired'] as const;
export type PolicyStatus = (typeof policyStatuses)[number];

/** Who did something: the API key's id and name (or a system actor for the CLI and tests). */
export const actorSchema = z.object({ keyId: z.string(), name: z.string() });
export type Actor = z.infer<typeof actorSchema>;

/** One stored version of a kind's document, with its history. */
export const policyVersionSchema = z.object({
  kind: z.string(),
  version: z.number().int().min(1),
  status: z.enum(policyStatuses),
  document: z.unknown(),
  comment: z.string().nullable(),
  createdAt: z.string(),
  createdBy: actorSchema,
  activatedAt: z.string().nullable(),
  activatedBy: actorSchema.nullable(),
  retiredAt: z.string().nullable(),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

/**
 * The policy in force for a kind. Version 0 with status `default` means no version was ever
 * activated and the registered defaults apply; decisions record the version either way.
 */
export const activePolicySchema = z.object({
  kind: z.string(),
  version: z.number().int().min(0),
  status: z.enum(['active', 'default']),
  document: z.unknown(),
  activatedAt: z.string().nullable(),
});
export interface ActivePolicy<T = unknown> {
  kind: string;
  version: number;
  status: 'active' | 'default';
  document: T;
  activatedAt: string | null;
}

/** One changed leaf between two documents; arrays compare as whole values. */
export const policyChangeSchema = z.object({
  path: z.string().describe('Dotted JSON path, such as holds.credit.slaHours; empty for the whole document'),
  change: z.enum(['added', 'removed', 'changed']),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type PolicyChange = z.infer<typeof policyChangeSchema>;

export const policyDiffSchema = z.object({
  kind: z.string(),
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  changes: z.array(policyChangeSchema),
});
export type PolicyDiff = z.infer<typeof policyDiffSchema>;

export const policyKindSummarySchema = z.object({
  kind: z.string(),
  description: z.string(),
  active: activePolicySchema,
});
export type PolicyKindSummary = z.infer<typeof policyKindSummarySchema>;
