import { z } from 'zod';
import { definePolicyKind } from '../policies/index.ts';
import { escalationChainSchema, exceptionTypes, workingRoleSchema, type ExceptionType } from './exceptions.types.ts';

const typeOverrideSchema = z
  .strictObject({
    ownerRole: workingRoleSchema.optional().describe('The role whose queue owns exceptions of this type'),
    slaMinutes: z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 90)
      .optional()
      .describe('Minutes the owner has before the SLA is breached'),
    escalation: escalationChainSchema.optional(),
    basePriority: z.number().int().min(0).max(300).optional().describe('The type’s own weight in the priority rule'),
  })
  .describe('Overrides of the built-in definition of one type; absent fields keep the built-in value');

const typeOverridesShape = Object.fromEntries(exceptionTypes.map((type) => [type, typeOverrideSchema.optional()])) as Record<ExceptionType, z.ZodOptional<typeof typeOverrideSchema>>;

const points = (what: string) => z.number().int().min(0).max(300).describe(what);

export const priorityWeightsSchema = z
  .strictObject({
    tierPoints: z
      .strictObject({
        strategic: points('Points for a strategic customer'),
        key: points('Points for a key customer'),
        standard: points('Points for a standard customer'),
        occasional: points('Points for an occasional customer'),
        unknown: points('Points when the customer tier is not known'),
      })
      .describe('Points by customer tier'),
    orderValuePoints: points('Points at or above orderValueFullPointsMinor; fewer, on a log scale, below it'),
    orderValueFullPointsMinor: z.number().int().min(100).describe('Value (minor units) that earns the full value points'),
    promisePoints: points('Points when the promise date has passed; fewer the further away it is'),
    promiseHorizonHours: z.number().int().min(1).max(24 * 90).describe('A promise date further away than this earns no points'),
    riskPoints: points('Points at risk 1 (high); in proportion below'),
  })
  .describe('How the priority (0–1000) is weighed: base priority of the type + tier + value + promise date + risk');
export type PriorityWeights = z.infer<typeof priorityWeightsSchema>;

export const defaultPriorityWeights: PriorityWeights = {
  tierPoints: { strategic: 250, key: 180, standard: 100, occasional: 40, unknown: 80 },
  orderValuePoints: 200,
  orderValueFullPointsMinor: 10_000_000,
  promisePoints: 150,
  promiseHorizonHours: 72,
  riskPoints: 100,
};

/**
 * The exceptions policy: per-type owner role, SLA, escalation chain and base priority, and the
 * priority weights. Absent types keep their built-in definitions (exceptions.registry.ts).
 */
export const exceptionsPolicyKind = definePolicyKind({
  kind: 'exceptions',
  description: 'Who owns each exception type, its SLA, its escalation chain and how exceptions are prioritised.',
  schema: z.strictObject({
    types: z.strictObject(typeOverridesShape).describe('Overrides per exception type'),
    priority: priorityWeightsSchema,
  }),
  defaults: { types: {}, priority: defaultPriorityWeights },
});
export type ExceptionsPolicy = z.infer<typeof exceptionsPolicyKind.schema>;
