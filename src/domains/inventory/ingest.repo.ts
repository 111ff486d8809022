import { sql } from 'kysely';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import type { InventoryHeldEventRow, InventorySourceRow } from './inventory.tables.ts';

/**
 * Loads (creating when new) and, on PostgreSQL, locks the sequence state of each source, so one
 * writer at a time advances a source: the per-source ordering of DESIGN §6 holds across nodes.
 */
export async function lockSources(tx: Tx, kind: StoreKind, sources: readonly string[]): Promise<Map<string, InventorySourceRow>> {
  const unique = [...new Set(sources)].sort();
  if (unique.length === 0) return new Map();
  await tx
    .insertInto('inventory_sources')
    .values(unique.map((source) => ({ source, next_expected: 1, skipped: '[]', last_received_at: null })))
    .onConflict((oc) => oc.column('source').doNothing())
    .execute();
  const rows = await sql<InventorySourceRow>`
    select * from inventory_sources where source in (${sql.join(unique)}) order by source
    ${kind === 'postgres' ? sql`for update` : sql``}`.execute(tx);
  return new Map(rows.rows.map((row) => [row.source, row]));
}

export const loadHeldEvents = async (tx: Tx, sources: readonly string[]): Promise<InventoryHeldEventRow[]> =>
  sources.length === 0 ? [] : tx.selectFrom('inventory_held_events').selectAll().where('source', 'in', [...sources]).orderBy('sequence').execute();

export async function insertHeldEvents(tx: Tx, rows: readonly InventoryHeldEventRow[]): Promise<void> {
  if (rows.length > 0) await tx.insertInto('inventory_held_events').values([...rows]).execute();
}

export async function deleteHeldEvents(tx: Tx, keys: ReadonlyArray<{ source: string; sequence: number }>): Promise<void> {
  if (keys.length === 0) return;
  // The cast tells PostgreSQL the parameter is a number; untyped it would be read as text.
  const tuples = sql.join(keys.map((k) => sql`(${k.source}, cast(${k.sequence} as bigint))`));
  await sql`delete from inventory_held_events where (source, sequence) in (values ${tuples})`.execute(tx);
}

export async function updateSources(tx: Tx, rows: readonly InventorySourceRow[]): Promise<void> {
  for (const row of rows) {
    await tx
      .updateTable('inventory_sources')
      .set({ next_expected: row.next_expected, skipped: row.skipped, last_received_at: row.last_received_at })
      .where('source', '=', row.source)
      .execute();
  }
}

/** Marks that a source reported for a location just now; drift figures are kept as they were. */
export async function touchFreshness(tx: Tx, reports: ReadonlyArray<{ source: string; locationCode: string }>, now: number): Promise<void> {
  if (reports.length === 0) return;
  await tx
    .insertInto('inventory_freshness')
    .values(reports.map((r) => ({ source: r.source, location_code: r.locationCode, last_report_at: now, recent_drift_units: 0, recent_counted_units: 0 })))
    .onConflict((oc) => oc.columns(['source', 'location_code']).doUpdateSet({ last_report_at: now }))
    .execute();
}

/**
 * Records what a snapshot had to correct. Drift decays: each snapshot keeps half of the earlier
 * figures, so a source that stops drifting regains confidence over a few snapshots.
 */
export async function recordDrift(tx: Tx, source: string, locationCode: string, driftUnits: number, countedUnits: number, now: number): Promise<void> {
  await tx
    .insertInto('inventory_freshness')
    .values({ source, location_code: locationCode, last_report_at: now, recent_drift_units: driftUnits, recent_counted_units: countedUnits })
    .onConflict((oc) =>
      oc.columns(['source', 'location_code']).doUpdateSet((eb) => ({
        last_report_at: now,
        recent_drift_units: sql<number>`${eb.ref('inventory_freshness.recent_drift_units')} / 2 + ${driftUnits}`,
        recent_counted_units: sql<number>`${eb.ref('inventory_freshness.recent_counted_units')} / 2 + ${countedUnits}`,
      })),
    )
    .execute();
}

export const listSources = (db: Executor) => db.selectFrom('inventory_sources').selectAll().orderBy('source').execute();

/** Remembers the SKUs a count found drifting beyond tolerance at a location, replacing earlier findings. */
export async function markDriftOpen(tx: Tx, rows: ReadonlyArray<{ sku: string; location_code: string; source: string; as_of: string; detected_at: number }>): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('inventory_drift_open')
    .values([...rows])
    .onConflict((oc) => oc.columns(['sku', 'location_code']).doUpdateSet((eb) => ({ source: eb.ref('excluded.source'), as_of: eb.ref('excluded.as_of'), detected_at: eb.ref('excluded.detected_at') })))
    .execute();
}

/** Forgets the drift of SKUs a count found in agreement again; answers which of them had drift open. */
export async function clearDrift(tx: Tx, locationCode: string, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await tx.deleteFrom('inventory_drift_open').where('location_code', '=', locationCode).where('sku', 'in', [...skus]).returning('sku').execute();
  return rows.map((r) => r.sku).sort();
}

/** Records a gap given up on, as the range announced for it. */
export async function openGap(tx: Tx, source: string, skippedFrom: number, skippedTo: number, now: number): Promise<void> {
  await tx.insertInto('inventory_sequence_gaps').values({ source, skipped_from: skippedFrom, skipped_to: skippedTo, opened_at: now }).onConflict((oc) => oc.columns(['source', 'skipped_from']).doNothing()).execute();
}

/** The recorded gaps of a source that contain any of the given numbers. */
export async function gapsContaining(tx: Tx, source: string, sequences: readonly number[]): Promise<Array<{ skippedFrom: number; skippedTo: number }>> {
  if (sequences.length === 0) return [];
  const low = Math.min(...sequences);
  const high = Math.max(...sequences);
  const rows = await tx.selectFrom('inventory_sequence_gaps').select(['skipped_from', 'skipped_to']).where('source', '=', source).where('skipped_from', '<=', high).where('skipped_to', '>=', low).execute();
  return rows
    .map((r) => ({ skippedFrom: Number(r.skipped_from), skippedTo: Number(r.skipped_to) }))
    .filter((g) => sequences.some((s) => s >= g.skippedFrom && s <= g.skippedTo));
}

export async function closeGap(tx: Tx, source: string, skippedFrom: number): Promise<void> {
  await tx.deleteFrom('inventory_sequence_gaps').where('source', '=', source).where('skipped_from', '=', skippedFrom).execute();
}
