import { z } from 'zod';
import {
  codeSchema,
  idSchema,
  lineNumberSchema,
  positiveQuantitySchema,
  quantitySchema,
  signedQuantitySchema,
  skuSchema,
  timestampSchema,
  unitCodeSchema,
} from '../shared/index.ts';

/** The buckets a SKU × location position is made of. ATP is derived from them, never stored. */
export const buckets = ['on_hand', 'reserved', 'quarantined', 'in_transit', 'damaged'] as const;
export const bucketSchema = z.enum(buckets);

export const movementTypes = [
  'receipt',
  'pick',
  'ship',
  'adjustment',
  'cycle_count',
  'transfer_out',
  'transfer_in',
  'return_receipt',
  'disposition',
  'reservation_create',
  'reservation_commit',
  'reservation_release',
  'reservation_expire',
  'correction',
] as const;
export const movementTypeSchema = z.enum(movementTypes);

/** The effect of one movement on each bucket, in base units; absent buckets are unchanged. */
export const bucketDeltaSchema = z.partialRecord(bucketSchema, signedQuantitySchema);

/**
 * One immutable ledger entry. Its (source, sourceSequence) pair is its identity from the sender's
 * side, so a duplicate is recognised and answered `exists`.
 */
export const inventoryMovementSchema = z
  .object({
    id: idSchema,
    sku: skuSchema,
    locationCode: codeSchema,
    type: movementTypeSchema,
    deltas: bucketDeltaSchema,
    reasonCode: z.string().max(64).optional(),
    source: codeSchema,
    sourceSequence: z.number().int().min(0),
    occurredAt: timestampSchema,
    receivedAt: timestampSchema,
    reservationId: idSchema.optional(),
    correctsMovementId: idSchema.optional(),
    reference: z.string().max(200).optional().describe('Order, shipment, receipt or document number that caused it'),
  })
  .strict();
export type InventoryMovement = z.infer<typeof inventoryMovementSchema>;

/** An inventory event as a warehouse, 3PL or ERP sends it; quantity is in `unit`, converted at intake. */
export const inventoryEventSchema = z
  .object({
    source: codeSchema,
    sequence: z.number().int().min(0),
    type: z.enum(['receipt', 'pick', 'ship', 'adjustment', 'cycle_count', 'transfer_out', 'transfer_in', 'return_receipt', 'disposition']),
    sku: skuSchema,
    locationCode: codeSchema,
    quantity: signedQuantitySchema,
    unit: unitCodeSchema.default('EA'),
    bucket: bucketSchema.optional().describe('For adjustments and dispositions: which bucket moves'),
    reasonCode: z.string().max(64).optional(),
    occurredAt: timestampSchema,
    reference: z.string().max(200).optional(),
  })
  .strict();
export type InventoryEvent = z.infer<typeof inventoryEventSchema>;

/** An absolute count as of a time: a legacy WMS's periodic file or an 846. */
export const inventorySnapshotSchema = z
  .object({
    source: codeSchema,
    locationCode: codeSchema,
    asOf: timestampSchema,
    complete: z.boolean().default(false).describe('True when the file lists every SKU at the location: unlisted SKUs count as zero'),
    counts: z
      .array(z.object({ sku: skuSchema, onHand: quantitySchema, unit: unitCodeSchema.default('EA') }).strict())
      .min(1)
      .max(100_000),
  })
  .strict();
export type InventorySnapshot = z.infer<typeof inventorySnapshotSchema>;

export const reservationStates = ['pending', 'committed', 'released', 'expired'] as const;

/** Stock held for an order line at a location; two-phase, and it resolves at most once (I4). */
export const reservationSchema = z
  .object({
    id: idSchema,
    orderId: idSchema,
    lineNumber: lineNumberSchema,
    sku: skuSchema,
    locationCode: codeSchema,
    quantity: positiveQuantitySchema,
    state: z.enum(reservationStates),
    createdAt: timestampSchema,
    expiresAt: timestampSchema.optional(),
    resolvedAt: timestampSchema.optional(),
  })
  .strict();
export type Reservation = z.infer<typeof reservationSchema>;
