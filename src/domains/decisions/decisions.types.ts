import { z } from 'zod';
import { idSchema, objectRefSchema, timestampSchema } from '../shared/index.ts';

/**
 * Every decision explains itself: what was chosen, why, from which inputs, under which policy
 * version — whether a rule or a model made it (DESIGN §2.6).
 */
export const decisionSchema = z
  .object({
    id: idSchema,
    kind: z.enum(['credit', 'sourcing', 'substitution', 'transfer', 'backorder', 'pricing', 'replenishment', 'return_disposition', 'prediction']),
    subject: objectRefSchema,
    outcome: z.string().min(1).max(64),
    reasons: z
      .array(
        z
          .object({
            code: z.string().min(1).max(64),
            message: z.string().max(500),
            contribution: z.number().optional().describe('For model decisions: the feature’s share of the score'),
          })
          .strict(),
      )
      .min(1),
    inputs: z.record(z.string(), z.unknown()),
    policyId: z.string().min(1),
    policyVersion: z.number().int().min(0).describe('0 when the kind’s built-in defaults were in force'),
    madeBy: z.enum(['rule', 'model', 'person']),
    modelVersion: z.string().optional(),
    appliedAutomatically: z.boolean(),
    madeAt: timestampSchema,
  })
  .strict();
export type Decision = z.infer<typeof decisionSchema>;

/** A decision as a caller hands it to `record`: the service assigns the id. */
export type NewDecision = Omit<Decision, 'id'>;

export type DecisionKind = Decision['kind'];
export type DecisionSubject = Decision['subject'];

/** Filters for the decision list; newest first, keyset-paged. */
export interface DecisionQuery {
  kind?: DecisionKind | undefined;
  outcome?: string | undefined;
  /** Only decisions about this object. */
  subject?: DecisionSubject | undefined;
  /** Only decisions about this order and its lines. */
  orderId?: string | undefined;
  /** ISO 8601 time: only decisions made at or after it. */
  since?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}
