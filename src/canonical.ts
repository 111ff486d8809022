import { z } from 'zod';
import { catalogEntitySchemas } from './domains/catalog/index.ts';
import { decisionSchema } from './domains/decisions/index.ts';
import { exceptionSchema } from './domains/exceptions/index.ts';
import { creditMemoSchema, invoiceSchema } from './domains/finance/index.ts';
import { fulfillmentRequestSchema, shipmentSchema } from './domains/fulfillment/index.ts';
import { inventoryEventSchema, inventoryMovementSchema, inventorySnapshotSchema, reservationSchema } from './domains/inventory/index.ts';
import { orderIntakeSchema, orderSchema } from './domains/orders/index.ts';
import { purchaseOrderSchema, transferSchema } from './domains/procurement/index.ts';
import { returnAuthorizationSchema } from './domains/returns/index.ts';

/**
 * The canonical model: every entity's one schema, by name. The same zod schema validates input,
 * gives the TypeScript type and is published as JSON Schema at /v1/schemas for integrators.
 */
export const canonicalSchemas: Record<string, z.ZodType> = {
  item: catalogEntitySchemas.item,
  location: catalogEntitySchemas.location,
  customer: catalogEntitySchemas.customer,
  supplier: catalogEntitySchemas.supplier,
  carrier: catalogEntitySchemas.carrier,
  'trading-partner': catalogEntitySchemas.tradingPartner,
  channel: catalogEntitySchemas.channel,
  'order-intake': orderIntakeSchema,
  order: orderSchema,
  'inventory-event': inventoryEventSchema,
  'inventory-snapshot': inventorySnapshotSchema,
  'inventory-movement': inventoryMovementSchema,
  reservation: reservationSchema,
  'fulfillment-request': fulfillmentRequestSchema,
  shipment: shipmentSchema,
  invoice: invoiceSchema,
  'credit-memo': creditMemoSchema,
  return: returnAuthorizationSchema,
  'purchase-order': purchaseOrderSchema,
  transfer: transferSchema,
  exception: exceptionSchema,
  decision: decisionSchema,
};

/** JSON Schema (draft 2020-12) of a canonical entity, describing what the API accepts. */
export function canonicalJsonSchema(name: string): Record<string, unknown> | undefined {
  const schema = canonicalSchemas[name];
  if (!schema) return undefined;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
