/** Between documents and stored rows: mapping both ways, and checking what a document refers to. */
import { isoTime } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { catalogEntities, type CatalogEntity } from './catalog.entities.ts';
import { findUnknownReferences, referencedKeysByKind, type Reference, type UnknownReference } from './catalog.references.ts';
import * as repo from './catalog.repo.ts';
import type { CatalogDocument, CatalogKind, CatalogRecord } from './catalog.types.ts';


/** The stored row of a document: its JSON, and the filter columns copied from it. */
export function toRow<K extends CatalogKind>(
  entity: CatalogEntity<K>,
  doc: CatalogDocument<K>,
  times: { created_at: number; updated_at: number },
  version: number,
): repo.CatalogRow {
  const row: repo.CatalogRow = { key: entity.keyOf(doc), data: JSON.stringify(doc), version, ...times };
  for (const filter of entity.filters) row[filter.column] = filter.valueOf(doc);
  return row;
}

export function toRecord<K extends CatalogKind>(row: repo.CatalogRow): CatalogRecord<K> {
  const doc = JSON.parse(row.data) as CatalogDocument<K>;
  return { ...doc, version: row.version, createdAt: isoTime(row.created_at), updatedAt: isoTime(row.updated_at) };
}

/**
 * Finds the references among `batch` that name no stored record (and no accepted record of the same
 * batch), looking up each referenced kind with one query per chunk of keys.
 */
export async function unknownReferencesOf(
  db: Executor,
  kind: CatalogKind,
  batch: ReadonlyArray<{ key: string; references: readonly Reference[] }>,
): Promise<UnknownReference[]> {
  const byKind = referencedKeysByKind(batch.flatMap((entry) => entry.references));
  const stored = new Map<CatalogKind, Set<string>>();
  for (const [referencedKind, keys] of byKind) {
    stored.set(referencedKind, await repo.storedKeys(db, catalogEntities[referencedKind].table, keys));
  }
  return findUnknownReferences(kind, batch, (k, key) => stored.get(k)?.has(key) ?? false);
}

export const describeReference = (ref: Reference) => `${catalogEntities[ref.kind].label} ${ref.key} does not exist`;

