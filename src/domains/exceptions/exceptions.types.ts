import { z } from 'zod';
import { roleSchema } from '../../platform/auth/roles.ts';
import { idSchema, objectRefSchema, timestampSchema } from '../shared/index.ts';

/** The exception types of DESIGN §7; the registry giving each an owner, SLA and actions comes later. */
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

/** A work item for a person: owned, on an SLA clock, with the facts needed to act. */
export const exceptionSchema = z
  .object({
    id: idSchema,
    type: exceptionTypeSchema,
    subject: objectRefSchema.describe('The one thing this exception is about; one open exception per subject and type'),
    state: z.enum(['open', 'claimed', 'resolved', 'cancelled']),
    ownerRole: roleSchema,
    assignee: z.string().optional(),
    priority: z.number().int().min(0).max(1000),
    rootCause: z.string().max(200),
    summary: z.string().max(4000),
    related: z.array(objectRefSchema),
    raisedAt: timestampSchema,
    slaDueAt: timestampSchema,
    escalationLevel: z.number().int().min(0),
    resolvedAt: timestampSchema.optional(),
    resolution: z.string().max(2000).optional(),
  })
  .strict();
export type CrossdockException = z.infer<typeof exceptionSchema>;
