import { access } from '../../platform/auth/roles.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { SupplyService } from './supply.service.ts';
import {
  inboundSupplyBodySchema,
  inboundSupplyParamsSchema,
  inboundSupplySchema,
  inboundSupplyWriteParamsSchema,
  safetyStockBodySchema,
  safetyStockParamsSchema,
  safetyStockSchema,
} from './supply.types.ts';

const tags = ['inventory: supply'];
const read = { access: access.anyRole };
const write = { access: access.roles('planner', 'integration', 'procurement') };
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema } as const;

export function registerSupplyRoutes(app: HttpApp, supply: SupplyService): void {
  app.put(
    '/v1/inventory/safety-stock/:sku/:locationCode',
    {
      config: write,
      schema: {
        tags,
        summary: 'Set the safety stock of a SKU at a location',
        description: 'ATP at the location is reduced by it from the next read. 404 not_found for an unknown SKU or location.',
        params: safetyStockParamsSchema,
        body: safetyStockBodySchema,
        response: { 200: safetyStockSchema, ...errors },
      },
    },
    async (request) => supply.setSafetyStock(request.params.sku, request.params.locationCode, request.body.quantity),
  );

  app.get(
    '/v1/inventory/safety-stock/:sku/:locationCode',
    {
      config: read,
      schema: {
        tags,
        summary: 'The safety stock of a SKU at a location',
        description: '404 not_found when none is set.',
        params: safetyStockParamsSchema,
        response: { 200: safetyStockSchema, ...errors },
      },
    },
    async (request) => supply.getSafetyStock(request.params.sku, request.params.locationCode),
  );

  app.put(
    '/v1/inventory/inbound-supply/:reference',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace the open lines of a purchase order or transfer',
        description:
          'The lines sent are the whole of the reference: earlier lines not sent are removed, and an empty list removes the reference. ' +
          'ATP by date counts each line from its expectedAt. 422 unknown_reference names each unknown SKU or location. ' +
          'A reference may contain colons (send it as is or percent-encoded); `po:` and `transfer:` references are the hub\'s own and cannot be written here.',
        params: inboundSupplyWriteParamsSchema,
        body: inboundSupplyBodySchema,
        response: { 200: inboundSupplySchema, ...errors, 422: errorResponseSchema },
      },
    },
    async (request) => supply.replaceInboundSupply(request.params.reference, request.body),
  );

  app.get(
    '/v1/inventory/inbound-supply/:reference',
    {
      config: read,
      schema: {
        tags,
        summary: 'The open lines of a purchase order or transfer',
        description:
          'Any reference, including the hub\'s own `po:<poNumber>` and `transfer:<id>`; colons may be sent as is or percent-encoded (`%3A`). ' +
          '404 not_found when the reference has no open lines.',
        params: inboundSupplyParamsSchema,
        response: { 200: inboundSupplySchema, ...errors },
      },
    },
    async (request) => supply.getInboundSupply(request.params.reference),
  );
}
