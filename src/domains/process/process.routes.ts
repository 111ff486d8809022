import { Readable } from 'node:stream';
import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { principalOf } from '../../platform/http/access.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { refusePartnerScopedKeys } from '../../platform/auth/partner-scope.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { ProcessService } from './process.service.ts';
import { kpiAnswerSchema, kpiQuerySchema, ocelDocumentSchema, ocelQuerySchema, processMapQuerySchema, processMapSchema } from './process.types.ts';

const tags = ['process intelligence'];
const read = { access: access.anyRole };
/**
 * KPIs, maps and the log span every trading partner's orders; a key scoped to one partner is
 * refused (403) rather than shown figures that include other partners' business.
 */
const notForPartners = refusePartnerScopedKeys('process intelligence');
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema } as const;

const timelineEntrySchema = z.object({
  id: z.string().describe('The event id'),
  at: z.string().describe('When the event happened (ISO 8601)'),
  activity: z.string(),
  objects: z.array(z.object({ type: z.string(), id: z.string(), qualifier: z.string() })).describe('The objects the event relates to, by type and their own id'),
  attributes: z.record(z.string(), z.unknown()),
});

/** What the timeline needs to know of an order: that it exists, and whose it is (partner scope). */
export type OrderOwner = (orderId: string) => Promise<{ partnerCode?: string | undefined } | undefined>;

export function registerProcessRoutes(app: HttpApp, process: ProcessService, deps: { orderOwner?: OrderOwner } = {}): void {
  if (deps.orderOwner) {
    const orderOwner = deps.orderOwner;
    app.get(
      '/v1/orders/:id/timeline',
      {
        config: read,
        schema: {
          tags: ['orders'],
          summary: 'An order’s timeline: the process-log events of the order, its lines, shipments, invoices and returns, oldest first',
          description:
            'Events are those the process log relates to the order or to objects linked to it. Keyset-paged on the log order; the log follows the ' +
            'outbox, so an event appears once delivered to it. A partner-scoped key sees only its partner’s orders (404 otherwise).',
          params: z.object({ id: z.string().min(1).max(64) }),
          querystring: pageQuerySchema.strict(),
          response: { 200: pageSchema(timelineEntrySchema), 400: errorResponseSchema, 404: errorResponseSchema },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const order = await orderOwner(request.params.id);
        if (!order || (principal.partnerCode !== null && order.partnerCode !== principal.partnerCode)) {
          throw new AppError('not_found', `order ${request.params.id} does not exist`, [{ path: 'params.id', message: 'unknown order id' }]);
        }
        return process.timeline('order', request.params.id, request.query);
      },
    );
  }

  app.get(
    '/v1/process/kpis',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'Distributor KPIs over a window, as values, slices and time series',
        description:
          'Each KPI is defined in docs/kpis.md (formula, unit, what counts). `kpi` picks one (all when absent); `by` slices by channel, customer segment, ' +
          'facility, stage, root cause, owner, queue, source or supplier, where the KPI has that dimension (400 names the ones it has); `interval` adds a ' +
          'series of UTC days or hours. Figures are kept current as events arrive.',
        querystring: kpiQuerySchema,
        response: { 200: kpiAnswerSchema, ...errors, 503: errorResponseSchema.describe('The process log is being read into memory after a start (not_ready, with Retry-After)') },
      },
    },
    async (request) => process.kpis(request.query),
  );

  app.get(
    '/v1/process/map',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'Process map: directly-follows graph of an object type, with waiting times, bottlenecks and variants',
        description:
          'Each object of `objectType` (default `order`) with events in the window is a trace of activities in log order. Edges carry how often one ' +
          'activity directly followed another and the median, p90, mean and total wait between them; bottlenecks are the edges ranked by p90 or total wait; ' +
          'variants are the most common traces with their counts.',
        querystring: processMapQuerySchema,
        response: { 200: processMapSchema, ...errors, 503: errorResponseSchema.describe('The process log is being read into memory after a start (not_ready, with Retry-After)') },
      },
    },
    async (request) => process.processMap(request.query),
  );

  app.get(
    '/v1/process/ocel',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'The process log as an OCEL 2.0 JSON document, streamed',
        description:
          'Events in the window (optionally only those related to `objectTypes`, comma-separated) with their qualified relationships, the objects they ' +
          'relate to with every attribute change up to `to`, and the event and object types with their attribute types. Attribute values are strings, ' +
          'as the OCEL 2.0 JSON schema requires; the declared types say how to read them. See docs/process.md.',
        produces: ['application/json'],
        querystring: ocelQuerySchema,
        response: { 200: ocelDocumentSchema, ...errors },
      },
    },
    async (request, reply) => {
      // The window is checked before the first byte goes out, so a bad one is still a 400.
      const stream = process.exportOcel(request.query);
      const first = await stream.next();
      const rest = async function* () {
        if (!first.done) yield first.value;
        yield* stream;
      };
      // A stream is piped as it is, never serialised: the 200 schema documents the document's shape only.
      const body = Readable.from(rest()) as unknown as z.infer<typeof ocelDocumentSchema>;
      return reply.type('application/json; charset=utf-8').header('content-disposition', 'inline; filename="crossdock.jsonocel"').send(body);
    },
  );
}
