import { chunks } from '../../platform/db/chunks.ts';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { invariant } from '../../platform/errors.ts';
import type { CatalogEntity } from './catalog.entities.ts';
import {
  positionOf,
  rejectDuplicateKeys,
  sortImportErrors,
  validateCandidates,
  type ImportError,
  type ImportResult,
  type ImportSource,
  type ValidRecord,
} from './catalog.import.ts';
import * as repo from './catalog.repo.ts';
import { describeReference, toRow, unknownReferencesOf } from './catalog.rows.ts';
import type { CatalogDocument, CatalogKind } from './catalog.types.ts';

/**
 * Runs a bulk import: validation and duplicate checks (pure), reference checks (one query per
 * referenced kind and chunk), then writes in chunks of ROWS_PER_STATEMENT records, each chunk one transaction
 * with one read of the stored rows and one upsert. Every record received is either applied (created,
 * updated or unchanged) or counted as failed with at least one error naming it.
 */
export interface ImportOptions {
  /** Called after each written chunk with the records written so far, for progress displays. */
  onProgress?: (written: number, total: number) => void;
}

export async function runImport<K extends CatalogKind>(
  deps: { db: Executor; clock: Clock },
  entity: CatalogEntity<K>,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const schema = entity.schema as unknown as z.ZodType<CatalogDocument<K>>;
  const validated = validateCandidates(source, schema, entity);
  const deduplicated = rejectDuplicateKeys(validated.valid, entity.keyField, source.columnOf);
  const { accepted, errors: referenceErrors } = await rejectUnknownReferences(deps.db, entity, deduplicated.unique, source.columnOf);
  const counts = await writeInChunks(deps, entity, accepted.map((record) => record.doc), options.onProgress);

  const applied = counts.created + counts.updated + counts.unchanged;
  invariant(applied === accepted.length, 'every accepted record is written or found unchanged');
  return {
    kind: entity.kind,
    received: source.received,
    ...counts,
    failed: source.received - applied,
    errors: sortImportErrors([...source.errors, ...validated.errors, ...deduplicated.errors, ...referenceErrors]),
  };
}

async function rejectUnknownReferences<K extends CatalogKind>(
  db: Executor,
  entity: CatalogEntity<K>,
  records: ValidRecord<CatalogDocument<K>>[],
  columnOf: (path: string) => string | undefined,
): Promise<{ accepted: ValidRecord<CatalogDocument<K>>[]; errors: ImportError[] }> {
  const batch = records.map((record) => ({ key: record.key, references: entity.references(record.doc) }));
  const unknown = await unknownReferencesOf(db, entity.kind, batch);
  const errors = unknown.map((ref): ImportError => {
    const path = ref.path.join('.');
    const column = columnOf(path);
    return {
      ...positionOf(records[ref.position]!.candidate),
      key: records[ref.position]!.key,
      ...(column !== undefined && { column }),
      path,
      code: 'unknown_reference',
      message: describeReference(ref),
    };
  });
  const rejected = new Set(unknown.map((ref) => ref.position));
  return { accepted: records.filter((_, position) => !rejected.has(position)), errors };
}

async function writeInChunks<K extends CatalogKind>(
  deps: { db: Executor; clock: Clock },
  entity: CatalogEntity<K>,
  docs: CatalogDocument<K>[],
  onProgress?: ImportOptions['onProgress'],
): Promise<{ created: number; updated: number; unchanged: number }> {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  onProgress?.(0, docs.length);
  for (const chunk of chunks(docs)) {
    const chunkCounts = await deps.db.transaction().execute(async (tx) => {
      const keys = chunk.map((doc) => entity.keyOf(doc));
      const stored = new Map((await repo.findRows(tx, entity.table, keys)).map((row) => [row.key, row]));
      const now = deps.clock.now();
      const tally = { created: 0, updated: 0, unchanged: 0 };
      const writes: repo.CatalogRow[] = [];
      for (const doc of chunk) {
        const current = stored.get(entity.keyOf(doc));
        if (!current) {
          tally.created++;
          writes.push(toRow(entity, doc, { created_at: now, updated_at: now }, 1));
        } else if (JSON.stringify(doc) === current.data) {
          tally.unchanged++;
        } else {
          tally.updated++;
          // The version written here is only for the insert branch; the upsert bumps the stored one.
          writes.push(toRow(entity, doc, { created_at: current.created_at, updated_at: now }, current.version + 1));
        }
      }
      await repo.upsertRows(tx, entity.table, writes);
      return tally;
    });
    // Counted once the chunk has committed, so a failure part-way never reports writes that rolled back.
    counts.created += chunkCounts.created;
    counts.updated += chunkCounts.updated;
    counts.unchanged += chunkCounts.unchanged;
    onProgress?.(counts.created + counts.updated + counts.unchanged, docs.length);
  }
  return counts;
}
