import { z } from 'zod';
import { roleSchema } from '../../platform/auth/roles.ts';
import { definePolicyKind, type PolicyKind } from './policies.types.ts';

/**
 * The policy kinds the hub ships with. Each is a schema (every field described, unknown fields
 * refused) and the defaults that apply until an administrator activates a version. Domains read
 * them through `PolicyService.activeOf(creditPolicy)` and record the version in their decisions.
 * Kinds owned elsewhere (sourcing, from the orders domain) are registered at composition time.
 * Substitutions have no kind of their own: when a substitute needs approval is the sourcing policy's
 * `substitution` section, and who owns the approval hold and its SLA is the `holds` policy's.
 */

const ratio = (description: string) => z.number().min(0).max(1).describe(description);
const slaHours = (description: string) => z.number().int().min(1).max(24 * 90).describe(description);

export const creditPolicy = definePolicyKind({
  kind: 'credit',
  description: 'When an order goes on credit hold and how the hold is released.',
  schema: z.strictObject({
    exposureToleranceRatio: ratio(
      'How far open AR + open orders + this order may exceed the credit limit, as a share of the limit, before a hold (0.05 = 5 % over)',
    ),
    holdSlaHours: slaHours('Hours finance has to work a credit hold before it is overdue'),
    autoReleaseOnPayment: z.boolean().describe('Release a credit hold by itself when a payment brings exposure back within tolerance'),
    honourErpHoldFlag: z.boolean().describe("Hold every order of a customer the ERP flags as on hold, whatever the exposure"),
  }),
  defaults: { exposureToleranceRatio: 0, holdSlaHours: 4, autoReleaseOnPayment: true, honourErpHoldFlag: true },
});

export const pricingPolicy = definePolicyKind({
  kind: 'pricing',
  description: 'How far an ordered price may differ from the contract price before a pricing hold.',
  schema: z.strictObject({
    varianceToleranceRatio: ratio('Largest accepted difference between the ordered and the contract unit price, as a share of the contract price'),
    holdSlaHours: slaHours('Hours customer service has to resolve a pricing hold before it is overdue'),
  }),
  defaults: { varianceToleranceRatio: 0.01, holdSlaHours: 8 },
});

const holdRouting = (what: string) =>
  z
    .strictObject({
      ownerRole: roleSchema.describe(`The role whose queue owns ${what} holds`),
      slaHours: slaHours(`Hours before a ${what} hold is overdue and escalates`),
    })
    .describe(`Who owns ${what} holds and how long they may stay open`);

export const holdsPolicy = definePolicyKind({
  kind: 'holds',
  description: 'The owning role and SLA of each hold type, as the exception queues apply them.',
  schema: z.strictObject({
    credit: holdRouting('credit'),
    substitution: holdRouting('substitution'),
    pricing: holdRouting('pricing'),
    compliance: holdRouting('compliance'),
  }),
  defaults: {
    credit: { ownerRole: 'finance', slaHours: 4 },
    substitution: { ownerRole: 'customer_service', slaHours: 4 },
    pricing: { ownerRole: 'customer_service', slaHours: 8 },
    compliance: { ownerRole: 'customer_service', slaHours: 24 },
  },
});

export const invoicingPolicy = definePolicyKind({
  kind: 'invoicing',
  description: 'When invoices are raised for shipped quantities.',
  schema: z.strictObject({
    mode: z
      .enum(['per_shipment', 'on_completion'])
      .describe('per_shipment: invoice each confirmed shipment; on_completion: one invoice once the order has shipped in full or closed'),
  }),
  defaults: { mode: 'per_shipment' },
});

export const shortShipPolicy = definePolicyKind({
  kind: 'short_ship',
  description: 'What happens to the quantity a warehouse confirms it did not ship.',
  schema: z.strictObject({
    remainder: z
      .enum(['resource', 'backorder', 'cancel'])
      .describe('resource: source it again from other locations; backorder: wait for supply; cancel: cancel the remaining quantity'),
  }),
  defaults: { remainder: 'backorder' },
});

const reasonCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case code such as DAMAGED')
  .describe('A return reason code');

export const returnsPolicy = definePolicyKind({
  kind: 'returns',
  description: 'Which returns are accepted and how returned goods are checked before restocking.',
  schema: z.strictObject({
    windowDays: z.number().int().min(0).max(3650).describe('Days after delivery within which a return authorisation (RMA) is granted'),
    reasonCodes: z
      .array(reasonCodeSchema)
      .min(1)
      .max(100)
      .refine((codes) => new Set(codes).size === codes.length, 'reason codes must be unique')
      .describe('Reason codes an RMA may give'),
    restockInspectionRequired: z.boolean().describe('Returned goods go to quarantine for inspection before they can be restocked'),
  }),
  defaults: { windowDays: 30, reasonCodes: ['DAMAGED', 'DEFECTIVE', 'WRONG_ITEM', 'NOT_NEEDED'], restockInspectionRequired: true },
});

/** Every built-in kind, registered by the app at start-up. */
export const builtinPolicyKinds: readonly PolicyKind<any>[] = [
  creditPolicy,
  pricingPolicy,
  holdsPolicy,
  invoicingPolicy,
  shortShipPolicy,
  returnsPolicy,
];
