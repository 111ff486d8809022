import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { IMPORT_RECORDS_MAX } from './catalog.import.ts';
import type { CatalogService, EntityService } from './catalog.service.ts';
import type { CatalogDocument, CatalogInput, CatalogKind, CatalogRecord } from './catalog.types.ts';

const importErrorSchema = z.object({
  line: z.number().int().optional(),
  index: z.number().int().optional(),
  key: z.string().optional(),
  column: z.string().optional(),
  path: z.string().optional(),
  code: z.string(),
  message: z.string(),
});

export const importResultSchema = z.object({
  kind: z.string(),
  received: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  errors: z.array(importErrorSchema),
});

const importBodySchema = z.union(
  [
    z.object({ records: z.array(z.unknown()).describe(`At most ${IMPORT_RECORDS_MAX} records`) }).strict(),
    z.string().describe('CSV text with a header row, sent as Content-Type: text/csv'),
  ],
  { error: () => 'expected {"records": [...]} as application/json, or a CSV file as text/csv' },
);

/** `3`, `"3"` or `W/"3"` (the ETag this API returns), or `*` for any version. */
const ifMatchSchema = z
  .string()
  .regex(/^\s*(\*|(W\/)?"?\d{1,15}"?)\s*$/, 'send the version as returned in ETag, such as "3"')
  .optional()
  .describe('The version you last read; a stale one is answered with 409 version_conflict');

const versionFromIfMatch = (header: string | undefined): number | undefined => {
  const digits = header?.match(/\d+/)?.[0];
  return header === undefined || header.trim() === '*' || digits === undefined ? undefined : Number(digits);
};

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema } as const;

/**
 * Master data is refused to partner-scoped keys: documents hold costs, credit limits and other
 * partners' data, and no route here filters by partner yet. Fail closed until a partner feed exists.
 */
async function refusePartnerScopedKeys(request: FastifyRequest): Promise<void> {
  if (request.principal?.partnerCode) {
    throw new AppError('forbidden', `master data is not available to keys scoped to a trading partner (${request.principal.partnerCode})`);
  }
}

/**
 * Problems the service finds in a document are reported where they are in the request: the body.
 * The service itself names document paths, as any caller other than HTTP expects.
 */
async function inBody<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'validation_failed' && error.code !== 'unknown_reference')) throw error;
    const details = error.details.map((d) => ({ ...d, path: d.path ? `body.${d.path}` : 'body' }));
    throw new AppError(error.code, `body.${error.message}`, details, error.headers);
  }
}

function registerEntityRoutes<K extends CatalogKind>(app: HttpApp, service: EntityService<K>): void {
  const { entity } = service;
  const base = `/v1/${entity.pathSegment}`;
  const tags = [`catalog: ${entity.pathSegment}`];
  const write = { access: access.roles(...entity.writeRoles) };
  const read = { access: access.anyRole };
  const params = z.object({ key: entity.keySchema.describe(`The ${entity.label}'s ${entity.keyField}`) });
  // The descriptor's schemas are the entity's own; TypeScript cannot follow that through the kind
  // parameter, so they are named once here with the types they produce.
  const body = entity.schema as unknown as z.ZodType<CatalogDocument<K>, CatalogInput<K>>;
  const record = entity.recordSchema as unknown as z.ZodType<CatalogRecord<K>>;
  // A validated document is also valid input: the service validates it again (an idempotent parse).
  const documentOf = (request: { body: unknown }) => request.body as CatalogDocument<K>;
  const inputOf = (request: { body: unknown }) => request.body as CatalogInput<K>;
  const location = (key: string) => `${base}/${key}`;
  const etag = (version: number) => `"${version}"`;

  app.post(
    base,
    {
      config: write,
      schema: {
        tags,
        summary: `Create a ${entity.label}`,
        description: `409 already_exists when the ${entity.keyField} is taken; 422 unknown_reference when the document names a record that does not exist.`,
        body,
        response: { 201: record, ...errors, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const created = await inBody(service.create(inputOf(request)));
      return reply.code(201).header('location', location(entity.keyOf(created))).header('etag', etag(created.version)).send(created);
    },
  );

  app.put(
    `${base}/:key`,
    {
      config: write,
      schema: {
        tags,
        summary: `Replace a ${entity.label}`,
        description: 'Full replacement. Send If-Match with the version you read to refuse overwriting a newer one. A body equal to the stored document changes nothing, not even the version.',
        params,
        headers: z.looseObject({ 'if-match': ifMatchSchema }),
        body,
        response: { 200: record, ...errors, 404: errorResponseSchema, 409: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { key } = request.params;
      const bodyKey = entity.keyOf(documentOf(request));
      if (bodyKey !== key) {
        throw new AppError('validation_failed', `body.${entity.keyField}: must equal the key in the URL (${key})`, [
          { path: `body.${entity.keyField}`, message: `must equal ${key}; keys cannot be changed` },
        ]);
      }
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const updated = await inBody(service.update(key, inputOf(request), expectedVersion === undefined ? {} : { expectedVersion }));
      return reply.header('etag', etag(updated.version)).send(updated);
    },
  );

  app.get(
    `${base}/:key`,
    {
      config: read,
      schema: { tags, summary: `Read a ${entity.label}`, params, response: { 200: record, ...errors, 404: errorResponseSchema } },
    },
    async (request, reply) => {
      const found = await service.get(request.params.key);
      return reply.header('etag', etag(found.version)).send(found);
    },
  );

  const filterQuery = Object.fromEntries(entity.filters.map((f) => [f.param, f.schema.optional().describe(f.description)]));
  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: `List ${entity.label}s in ${entity.keyField} order`,
        querystring: pageQuerySchema
          .extend({
            q: z
              .string()
              .regex(/^[A-Za-z0-9._-]{1,64}$/, 'key characters only')
              .optional()
              .describe(`Only ${entity.label}s whose ${entity.keyField} starts with this (case-sensitive)`),
            ...filterQuery,
          })
          .strict(),
        response: { 200: pageSchema(record), ...errors },
      },
    },
    async (request) => {
      const { limit, cursor, q, ...filters } = request.query as { limit: number; cursor?: string; q?: string } & Record<string, string | undefined>;
      return service.list({ limit, ...(cursor !== undefined && { cursor }), ...(q !== undefined && { q }), filters });
    },
  );

  app.post(
    `${base}/import`,
    {
      config: write,
      schema: {
        tags,
        summary: `Create or replace many ${entity.label}s from JSON or CSV`,
        description:
          `Send {"records": [...]} as application/json, or a CSV file as text/csv (columns in docs/master-data.md). ` +
          `At most ${IMPORT_RECORDS_MAX} records. Valid records are applied (created, updated or unchanged); each invalid one is ` +
          'reported by index or line, column and reason. A file that is not CSV at all is 400 invalid_csv.',
        consumes: ['application/json', 'text/csv'],
        body: importBodySchema,
        response: { 200: importResultSchema, ...errors, 413: errorResponseSchema, 415: errorResponseSchema },
      },
    },
    async (request) => {
      const { body } = request;
      if (typeof body !== 'string') return service.importRecords(body.records);
      if (!request.headers['content-type']?.toLowerCase().startsWith('text/csv')) {
        throw new AppError('validation_failed', 'body: a JSON import is {"records": [...]}; send CSV as text/csv', [
          { path: 'body', message: 'expected an object with records' },
        ]);
      }
      return service.importCsv(body);
    },
  );
}

/** The master-data API: create, replace, read, list and import for each entity under /v1. */
export function registerCatalogRoutes(app: HttpApp, catalog: CatalogService): void {
  void app.register(async (scope) => {
    // CSV stays a string here; only the import routes read it, so the parser is scoped to this plugin.
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    scope.addHook('onRequest', refusePartnerScopedKeys);
    registerEntityRoutes(scope, catalog.items);
    registerEntityRoutes(scope, catalog.locations);
    registerEntityRoutes(scope, catalog.customers);
    registerEntityRoutes(scope, catalog.suppliers);
    registerEntityRoutes(scope, catalog.carriers);
    registerEntityRoutes(scope, catalog.tradingPartners);
    registerEntityRoutes(scope, catalog.channels);
  });
}
