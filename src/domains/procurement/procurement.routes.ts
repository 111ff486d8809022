import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageSchema } from '../../platform/pagination.ts';
import type { ProcurementService, StepAnswer } from './procurement.service.ts';
import {
  acknowledgeBodySchema,
  cancelBodySchema,
  createPurchaseOrderBodySchema,
  idParamsSchema,
  parametersParamsSchema,
  parametersQuerySchema,
  purchaseOrderQuerySchema,
  purchaseOrderSchema,
  replenishmentParametersBodySchema,
  replenishmentParametersSchema,
  stepResults,
  transferQuerySchema,
  transferSchema,
  type PurchaseOrder,
  type Transfer,
} from './procurement.types.ts';

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema } as const;
const stepErrors = { ...errors, 409: errorResponseSchema, 422: errorResponseSchema } as const;
const read = { access: access.anyRole };
const procurementWrite = { access: access.roles('procurement', 'integration') };
/** Steps that need nothing but the id take no body, or an empty object. */
export const emptyBodySchema = z.object({}).strict().nullish();

export const purchaseOrderStepSchema = z.object({ result: z.enum(stepResults).describe('unchanged: the step had already been taken'), purchaseOrder: purchaseOrderSchema });
export const transferStepSchema = z.object({ result: z.enum(stepResults).describe('unchanged: the step had already been taken'), transfer: transferSchema });

/**
 * Parameters, purchase orders and reading transfers. A purchase order's ship and receive and every
 * transfer step move goods, supply or reservations, so they are orchestration's routes.
 */
export function registerProcurementRoutes(app: HttpApp, procurement: ProcurementService): void {
  app.put(
    '/v1/replenishment/parameters/:sku/:locationCode',
    {
      config: { access: access.roles('planner', 'procurement') },
      schema: {
        tags: ['replenishment'],
        summary: 'Set how a SKU is replenished at a location: reorder point and quantity, or min and max',
        description: '404 not_found for an unknown SKU or location; 422 unknown_reference for an unknown supplier. Each change raises the version.',
        params: parametersParamsSchema,
        body: replenishmentParametersBodySchema,
        response: { 200: replenishmentParametersSchema, ...errors, 422: errorResponseSchema },
      },
    },
    async (request) => procurement.setParameters(request.params.sku, request.params.locationCode, request.body),
  );

  app.get(
    '/v1/replenishment/parameters',
    {
      config: read,
      schema: {
        tags: ['replenishment'],
        summary: 'Replenishment parameters, by SKU then location',
        querystring: parametersQuerySchema,
        response: { 200: pageSchema(replenishmentParametersSchema), 400: errorResponseSchema },
      },
    },
    async (request) => procurement.listParameters(request.query),
  );

  app.post(
    '/v1/purchase-orders',
    {
      config: { ...procurementWrite, idempotency: { required: false } },
      schema: {
        tags: ['procurement'],
        summary: 'Enter a purchase order by hand or from the ERP, in state proposed; a known PO number answers exists',
        body: createPurchaseOrderBodySchema,
        response: {
          201: z.object({ result: z.literal('created'), purchaseOrder: purchaseOrderSchema }),
          200: z.object({ result: z.literal('exists'), purchaseOrder: purchaseOrderSchema }),
          ...errors,
          422: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const answer = await procurement.createPurchaseOrder(request.body);
      return reply.code(answer.result === 'created' ? 201 : 200).send(answer);
    },
  );

  app.get(
    '/v1/purchase-orders/:id',
    { config: read, schema: { tags: ['procurement'], summary: 'One purchase order', params: idParamsSchema, response: { 200: purchaseOrderSchema, ...errors } } },
    async (request) => procurement.getPurchaseOrder(request.params.id),
  );

  app.get(
    '/v1/purchase-orders',
    {
      config: read,
      schema: {
        tags: ['procurement'],
        summary: 'Purchase orders by state, supplier or location; newest first',
        querystring: purchaseOrderQuerySchema,
        response: { 200: pageSchema(purchaseOrderSchema), 400: errorResponseSchema },
      },
    },
    async (request) => procurement.listPurchaseOrders(request.query),
  );

  const stepSchema = (summary: string) => ({ tags: ['procurement'], summary, params: idParamsSchema, response: { 200: purchaseOrderStepSchema, ...stepErrors } });
  const poAnswer = ({ result, document }: StepAnswer<PurchaseOrder>) => ({ result, purchaseOrder: document });

  app.post(
    '/v1/purchase-orders/:id/send',
    { config: procurementWrite, schema: { ...stepSchema('Send a proposed purchase order to its supplier; harmless to repeat'), body: emptyBodySchema } },
    async (request) => poAnswer(await procurement.send(request.params.id)),
  );

  app.post(
    '/v1/purchase-orders/:id/acknowledge',
    {
      config: procurementWrite,
      schema: {
        ...stepSchema("Record the supplier's acknowledgement (855): confirmed quantities per line and date; a revised one replaces it"),
        body: acknowledgeBodySchema.nullish(),
      },
    },
    async (request) => poAnswer(await procurement.acknowledge(request.params.id, request.body ?? {})),
  );

  app.post(
    '/v1/purchase-orders/:id/cancel',
    { config: procurementWrite, schema: { ...stepSchema('Cancel a purchase order that has not shipped; harmless to repeat'), body: cancelBodySchema.nullish() } },
    async (request) => poAnswer(await procurement.cancel(request.params.id, request.body?.reason)),
  );

  app.get(
    '/v1/transfers/:id',
    { config: read, schema: { tags: ['procurement'], summary: 'One transfer between our locations', params: idParamsSchema, response: { 200: transferSchema, ...errors } } },
    async (request) => procurement.getTransfer(request.params.id),
  );

  app.get(
    '/v1/transfers',
    {
      config: read,
      schema: {
        tags: ['procurement'],
        summary: 'Transfers by state, origin, destination or the order sourcing chose them for; newest first',
        querystring: transferQuerySchema,
        response: { 200: pageSchema(transferSchema), 400: errorResponseSchema },
      },
    },
    async (request) => procurement.listTransfers(request.query),
  );
}
