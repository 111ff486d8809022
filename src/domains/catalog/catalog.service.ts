import type { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import { isUniqueViolation, type Executor } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';
import { catalogEntities, type CatalogEntity } from './catalog.entities.ts';
import { normalizeGtin } from './catalog.fields.ts';
import { fromCsv, fromJsonRecords, type ImportResult } from './catalog.import.ts';
import { runImport, type ImportOptions } from './catalog.import-run.ts';
import * as repo from './catalog.repo.ts';
import { describeReference, toRecord, toRow, unknownReferencesOf } from './catalog.rows.ts';
import type { CatalogDocument, CatalogInput, CatalogKind, CatalogRecord } from './catalog.types.ts';
import { parseDocument } from './catalog.validate.ts';

export interface CatalogListQuery {
  limit?: number;
  cursor?: string;
  /** Keys starting with this text. */
  q?: string;
  /** Filter parameters of the entity (see its descriptor), such as `{ status: 'active' }`. */
  filters?: Readonly<Record<string, string | undefined>>;
}

export interface UpdateOptions {
  /** The version the caller last read (from If-Match); a newer stored version is a conflict. */
  expectedVersion?: number;
  /**
   * The transaction to write in, when the update must commit with the caller's other writes. On
   * SQLite a caller inside a transaction must pass it: a read on another handle would wait forever.
   */
  executor?: Executor;
}

/** Create, replace, read and import one kind of master data. */
export interface EntityService<K extends CatalogKind> {
  readonly entity: CatalogEntity<K>;
  /** 409 `already_exists` when the key is taken; 422 `unknown_reference` when a named record is missing. */
  create(input: CatalogInput<K>): Promise<CatalogRecord<K>>;
  /** Full replacement. A replacement equal to what is stored changes nothing, not even the version. */
  update(key: string, input: CatalogInput<K>, options?: UpdateOptions): Promise<CatalogRecord<K>>;
  /** 404 `not_found` when absent. */
  get(key: string): Promise<CatalogRecord<K>>;
  find(key: string): Promise<CatalogRecord<K> | undefined>;
  /**
   * The records found among the keys given, by key; for callers that resolve many at once. Callers
   * inside a transaction pass it as `executor`: on SQLite a read on another handle would wait for the
   * transaction's own connection and never finish.
   */
  getMany(keys: readonly string[], executor?: Executor): Promise<Map<string, CatalogRecord<K>>>;
  list(query: CatalogListQuery): Promise<Page<CatalogRecord<K>>>;
  /** Upserts a JSON `records` array; bad records are reported by index, good ones applied. */
  importRecords(records: readonly unknown[], options?: ImportOptions): Promise<ImportResult>;
  /** Upserts the rows of a CSV file; bad rows are reported by line and column, good ones applied. */
  importCsv(text: string, options?: ImportOptions): Promise<ImportResult>;
}

export interface CatalogService {
  items: EntityService<'item'>;
  locations: EntityService<'location'>;
  customers: EntityService<'customer'>;
  suppliers: EntityService<'supplier'>;
  carriers: EntityService<'carrier'>;
  tradingPartners: EntityService<'tradingPartner'>;
  channels: EntityService<'channel'>;
  /** Our SKUs by GTIN (normalised to 14 digits), for channels that name items by barcode. */
  skusByGtin(gtins: readonly string[], executor?: Executor): Promise<Map<string, string>>;
}

export interface CatalogDeps {
  db: Executor;
  clock: Clock;
}

function createEntityService<K extends CatalogKind>(entity: CatalogEntity<K>, deps: CatalogDeps): EntityService<K> {
  const { db, clock } = deps;
  // The descriptor's schema is the entity's own; TypeScript cannot see that through the kind parameter.
  const schema = entity.schema as unknown as z.ZodType<CatalogDocument<K>>;
  const notFound = (key: string) =>
    new AppError('not_found', `${entity.label} ${key} does not exist`, [{ path: entity.keyField, message: `no ${entity.label} with this key` }]);

  function validate(input: unknown): CatalogDocument<K> {
    const outcome = parseDocument(schema, input);
    if (outcome.ok) return outcome.doc;
    const [first] = outcome.problems;
    throw new AppError('validation_failed', `${first!.path || '(document)'}: ${first!.message}`, outcome.problems);
  }

  async function assertReferencesExist(doc: CatalogDocument<K>, executor: Executor = db): Promise<void> {
    const unknown = await unknownReferencesOf(executor, entity.kind, [{ key: entity.keyOf(doc), references: entity.references(doc) }]);
    if (unknown.length === 0) return;
    const details = unknown.map((ref) => ({ path: ref.path.join('.'), message: describeReference(ref), kind: ref.kind, key: ref.key }));
    throw new AppError('unknown_reference', `${details[0]!.path}: ${details[0]!.message}`, details);
  }

  async function find(key: string) {
    const row = await repo.findRow(db, entity.table, key);
    return row && toRecord<K>(row);
  }

  return {
    entity,

    async create(input) {
      const doc = validate(input);
      await assertReferencesExist(doc);
      const now = clock.now();
      const row = toRow(entity, doc, { created_at: now, updated_at: now }, 1);
      try {
        await repo.insertRow(db, entity.table, row);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        throw new AppError('already_exists', `${entity.label} ${row.key} already exists; use PUT to replace it`, [
          { path: entity.keyField, message: 'this key is taken' },
        ]);
      }
      return toRecord<K>(row);
    },

    async update(key, input, options = {}) {
      const doc = validate(input);
      if (entity.keyOf(doc) !== key) {
        throw new AppError('validation_failed', `${entity.keyField}: must equal the key being updated (${key})`, [
          { path: entity.keyField, message: `must equal ${key}; keys cannot be changed` },
        ]);
      }
      const executor = options.executor ?? db;
      const current = await repo.findRow(executor, entity.table, key);
      if (!current) throw notFound(key);
      const conflict = (storedVersion: number | undefined) =>
        new AppError('version_conflict', `${entity.label} ${key} has changed since version ${options.expectedVersion ?? current.version}; read it again`, [
          storedVersion === undefined
            ? { path: 'version', message: 'the stored version has changed' }
            : { path: 'version', message: `the stored version is ${storedVersion}`, storedVersion },
        ]);
      if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) throw conflict(current.version);
      if (JSON.stringify(doc) === current.data) return toRecord<K>(current);
      await assertReferencesExist(doc, executor);
      const row = toRow(entity, doc, { created_at: current.created_at, updated_at: clock.now() }, current.version + 1);
      if (!(await repo.updateRow(executor, entity.table, row, current.version))) {
        // Another writer replaced the record between our read and our write.
        throw conflict((await repo.findRow(executor, entity.table, key))?.version);
      }
      return toRecord<K>(row);
    },

    async get(key) {
      const record = await find(key);
      if (!record) throw notFound(key);
      return record;
    },

    find,

    async getMany(keys, executor = db) {
      const rows = await repo.findRows(executor, entity.table, keys);
      return new Map(rows.map((row) => [row.key, toRecord<K>(row)]));
    },

    async list(query) {
      const limit = query.limit ?? 50;
      const afterKey = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const equals = entity.filters.flatMap((filter) => {
        const value = query.filters?.[filter.param];
        return value === undefined ? [] : [{ column: filter.column, value: filter.normalize ? filter.normalize(value) : value }];
      });
      const rows = await repo.listRows(db, entity.table, {
        equals,
        ...(query.q !== undefined && { keyPrefix: query.q }),
        ...(afterKey !== undefined && { afterKey }),
        limit: limit + 1,
      });
      return toPage(rows, limit, (row) => toRecord<K>(row), (row) => [row.key]);
    },

    importRecords: (records, options) => runImport({ db, clock }, entity, fromJsonRecords(records), options),
    importCsv: (text, options) => runImport({ db, clock }, entity, fromCsv(text, entity.csvColumns, entity.keyField), options),
  };
}

export function createCatalogService(deps: CatalogDeps): CatalogService {
  return {
    items: createEntityService(catalogEntities.item, deps),
    locations: createEntityService(catalogEntities.location, deps),
    customers: createEntityService(catalogEntities.customer, deps),
    suppliers: createEntityService(catalogEntities.supplier, deps),
    carriers: createEntityService(catalogEntities.carrier, deps),
    tradingPartners: createEntityService(catalogEntities.tradingPartner, deps),
    channels: createEntityService(catalogEntities.channel, deps),
    async skusByGtin(gtins, executor = deps.db) {
      const normalized = [...new Set(gtins.map(normalizeGtin))];
      if (normalized.length === 0) return new Map();
      const rows = await executor.selectFrom('catalog_items').select(['key', 'gtin']).where('gtin', 'in', normalized).execute();
      return new Map(rows.filter((r) => r.gtin !== null).map((r) => [r.gtin as string, r.key]));
    },
  };
}
