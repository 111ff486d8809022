import { z } from 'zod';
import { access } from '../platform/auth/roles.ts';
import { errorResponseSchema } from '../platform/http/error-handler.ts';
import type { HttpApp } from '../platform/http/types.ts';
import { skuSchema } from '../domains/shared/index.ts';
import {
  cancelBodySchema,
  emptyBodySchema,
  idParamsSchema,
  purchaseOrderSchema,
  purchaseOrderStepSchema,
  receiveBodySchema,
  shipBodySchema,
  transferReceiveBodySchema,
  transferSchema,
  transferShipBodySchema,
  transferStepSchema,
} from '../domains/procurement/index.ts';
import type { BackorderAllocation } from './backorders.ts';
import type { Replenishment } from './replenishment.ts';
import type { ReplenishmentSupply } from './replenishment-supply.ts';
import type { TransferSteps } from './replenishment-transfers.ts';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema } as const;
const stepErrors = { ...errors, 409: errorResponseSchema, 422: errorResponseSchema } as const;

const unresolvedSchema = z.object({
  sku: z.string(),
  locationCode: z.string().nullable(),
  quantity: z.number().int(),
  reason: z.enum(['no_supplier', 'unknown_supplier', 'no_location']),
  message: z.string(),
});

const rankedBackorderSchema = z.object({
  orderId: z.string(),
  externalOrderNumber: z.string(),
  customerCode: z.string(),
  channel: z.string(),
  orderState: z.string(),
  lineNumber: z.number().int(),
  sku: z.string(),
  waitingQuantity: z.number().int().describe('Backordered units not yet allocated'),
  promiseDate: z.string().nullable(),
  receivedAt: z.string(),
  tier: z.string(),
  priority: z.number().describe('0–100: customer tier, promise-date urgency and age; higher is served first'),
  expectedAvailableAt: z
    .string()
    .nullable()
    .describe(
      'An estimate of when the line can have its units, serving the lines ahead of it first: now when usable stock covers it, else the expected time of the inbound supply that completes it (a time past means that supply is late); null when known supply runs out first',
    ),
  coveredBy: z.string().nullable().describe('What completes the line: `stock`, an inbound supply reference (`po:…`, `transfer:…`), or null'),
});

const attemptSchema = z.object({
  sku: z.string(),
  orderId: z.string(),
  lineNumber: z.number().int(),
  priority: z.number(),
  result: z.enum(['allocated', 'partially_allocated', 'backordered', 'skipped']),
  reason: z.string().optional(),
});

export interface ReplenishmentFlows {
  replenishment: Replenishment;
  supply: ReplenishmentSupply;
  transfers: TransferSteps;
  backorders: BackorderAllocation;
}

/** The replenishment run, the steps of purchase orders and transfers that move goods, and backorders. */
export function registerReplenishmentRoutes(app: HttpApp, flows: ReplenishmentFlows): void {
  app.post(
    '/v1/replenishment/run',
    {
      config: { access: access.roles('planner', 'procurement'), idempotency: { required: false } },
      schema: {
        tags: ['replenishment'],
        summary: 'Propose purchase orders and transfers for every SKU × location below its parameters or with waiting backorders; harmless to repeat',
        description:
          'Projected stock = ATP + open supply (proposals included) − backordered units. A transfer from a location with surplus is proposed when one covers the need, ' +
          'else a purchase order to the supplier in the parameters. Each proposal line is a recorded decision (kind replenishment) with its numbers.',
        body: z.object({}).strict().nullish(),
        response: {
          200: z.object({ evaluated: z.number().int(), purchaseOrders: z.array(purchaseOrderSchema), transfers: z.array(transferSchema), unresolved: z.array(unresolvedSchema) }),
          ...errors,
        },
      },
    },
    async () => flows.replenishment.run(),
  );

  const poWrite = { access: access.roles('procurement', 'integration') };
  app.post(
    '/v1/purchase-orders/:id/ship',
    {
      config: poWrite,
      schema: {
        tags: ['procurement'],
        summary: "Record the supplier's ship notice (856): what is open becomes inbound supply on the expected date; harmless to repeat",
        params: idParamsSchema,
        body: shipBodySchema,
        response: { 200: purchaseOrderStepSchema, ...stepErrors },
      },
    },
    async (request) => {
      const { result, document } = await flows.supply.shipPurchaseOrder(request.params.id, request.body.expectedDate);
      return { result, purchaseOrder: document };
    },
  );

  app.post(
    '/v1/purchase-orders/:id/receive',
    {
      config: { access: access.roles('procurement', 'integration', 'warehouse') },
      schema: {
        tags: ['procurement'],
        summary: 'Receive goods against a purchase order (944): on hand rises at its location; the same receipt number again changes nothing',
        params: idParamsSchema,
        body: receiveBodySchema,
        response: { 200: purchaseOrderStepSchema, ...stepErrors },
      },
    },
    async (request) => {
      const { result, document } = await flows.supply.receivePurchaseOrder(request.params.id, request.body);
      return { result, purchaseOrder: document };
    },
  );

  const transferWrite = { access: access.roles('procurement', 'integration', 'warehouse') };
  app.post(
    '/v1/transfers/:id/release',
    {
      config: transferWrite,
      schema: {
        tags: ['procurement'],
        summary: 'Release a proposed transfer to the sending warehouse: its units are held at the origin until they leave; harmless to repeat',
        description: '409 insufficient_stock, one detail per SKU × location, when the origin no longer has the units free.',
        params: idParamsSchema,
        body: emptyBodySchema,
        response: { 200: transferStepSchema, ...stepErrors },
      },
    },
    async (request) => {
      const { result, document } = await flows.transfers.release(request.params.id);
      return { result, transfer: document };
    },
  );

  app.post(
    '/v1/transfers/:id/cancel',
    {
      config: transferWrite,
      schema: {
        tags: ['procurement'],
        summary: "Cancel a transfer that has not shipped: the origin's units are free again, and an order's lines are sourced anew; harmless to repeat",
        params: idParamsSchema,
        body: cancelBodySchema.nullish(),
        response: { 200: transferStepSchema, ...stepErrors },
      },
    },
    async (request) => {
      const { result, document } = await flows.transfers.cancel(request.params.id, request.body?.reason);
      return { result, transfer: document };
    },
  );

  app.post(
    '/v1/transfers/:id/ship',
    {
      config: transferWrite,
      schema: {
        tags: ['procurement'],
        summary: 'A released transfer leaves: its hold at the origin is used up as on hand falls there, and the units are in transit to the destination; harmless to repeat',
        params: idParamsSchema,
        body: transferShipBodySchema.nullish(),
        response: { 200: transferStepSchema, ...stepErrors },
      },
    },
    async (request) => {
      const { result, document } = await flows.transfers.ship(request.params.id, request.body?.expectedArrivalAt);
      return { result, transfer: document };
    },
  );

  app.post(
    '/v1/transfers/:id/receive',
    {
      config: transferWrite,
      schema: {
        tags: ['procurement'],
        summary: "A transfer arrives: on hand rises at the destination, and what an order waited for is reserved there for it; the same receipt number again changes nothing",
        params: idParamsSchema,
        body: transferReceiveBodySchema,
        response: { 200: transferStepSchema, ...stepErrors },
      },
    },
    async (request) => {
      const { result, document } = await flows.transfers.receive(request.params.id, request.body);
      return { result, transfer: document };
    },
  );

  app.get(
    '/v1/backorders',
    {
      config: { access: access.anyRole },
      schema: {
        tags: ['replenishment'],
        summary: 'Order lines waiting for supply, in the order supply will serve them',
        querystring: z
          .object({
            sku: skuSchema.optional().describe('Only lines of this SKU'),
            orderId: z.string().min(1).max(64).optional().describe("Only this order's lines, ranked and estimated among every line waiting for the same SKUs"),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(rankedBackorderSchema) }), 400: errorResponseSchema },
      },
    },
    async (request) => {
      const { sku, orderId, limit } = request.query;
      const ranked = await flows.backorders.waitingWithEstimates(sku === undefined ? undefined : [sku]);
      const lines = orderId === undefined ? ranked : ranked.filter((line) => line.orderId === orderId);
      const items = lines.slice(0, limit).map(({ expectedAvailableAtMs, ...line }) => ({ ...line, expectedAvailableAt: expectedAvailableAtMs === null ? null : new Date(expectedAvailableAtMs).toISOString() }));
      return { items };
    },
  );

  app.post(
    '/v1/backorders/allocate',
    {
      config: { access: access.roles('planner') },
      schema: {
        tags: ['replenishment'],
        summary: 'Allocate waiting backorders of these SKUs in priority order while usable ATP lasts; harmless to repeat',
        body: z.object({ skus: z.array(skuSchema).min(1).max(500) }).strict(),
        response: { 200: z.object({ attempts: z.array(attemptSchema) }), ...errors },
      },
    },
    async (request) => ({ attempts: await flows.backorders.allocateFor(request.body.skus) }),
  );
}
