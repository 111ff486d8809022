import { chunks } from '../../platform/db/chunks.ts';
import { insertRows, insertShape } from '../../platform/db/insert-rows.ts';
import { sql } from 'kysely';
import type { StoreKind, Tx, Executor } from '../../platform/db/store.ts';
import type { InventoryMovementRow, InventoryPositionRow } from './inventory.tables.ts';
import type { Buckets } from './ledger.rules.ts';
import type { Insertable } from 'kysely';

export interface PositionKey {
  sku: string;
  locationCode: string;
}

export const positionKey = (sku: string, locationCode: string): string => `${sku}\u0000${locationCode}`;


export const toBuckets = (row: Pick<InventoryPositionRow, 'on_hand' | 'reserved' | 'quarantined' | 'damaged' | 'in_transit'>): Buckets => ({
  onHand: row.on_hand,
  reserved: row.reserved,
  quarantined: row.quarantined,
  damaged: row.damaged,
  inTransit: row.in_transit,
});

/**
 * Reads the positions a batch will change and, on PostgreSQL, locks them until commit, so two
 * writers touching one position serialise instead of losing an update. Positions not there yet are
 * created at zero (a no-op if another writer just did) and then read and locked the same way, so
 * there is always a row to lock. Keys are locked in a fixed order to avoid deadlocks between
 * batches. On SQLite the transaction already holds the only write lock.
 */
export async function lockPositions(tx: Tx, kind: StoreKind, keys: readonly PositionKey[], now: number): Promise<Map<string, Buckets>> {
  const unique = [...new Map(keys.map((k) => [positionKey(k.sku, k.locationCode), k])).values()].sort((a, b) =>
    a.sku === b.sku ? (a.locationCode < b.locationCode ? -1 : 1) : a.sku < b.sku ? -1 : 1,
  );
  const positions = await selectPositions(tx, kind, unique);
  const missing = unique.filter((k) => !positions.has(positionKey(k.sku, k.locationCode)));
  if (missing.length === 0) return positions;
  for (const chunk of chunks(missing)) {
    await tx
      .insertInto('inventory_positions')
      .values(chunk.map((k) => ({ sku: k.sku, location_code: k.locationCode, on_hand: 0, reserved: 0, quarantined: 0, damaged: 0, in_transit: 0, last_movement_seq: 0, updated_at: now })))
      .onConflict((oc) => oc.columns(['sku', 'location_code']).doNothing())
      .execute();
  }
  for (const [key, buckets] of await selectPositions(tx, kind, missing)) positions.set(key, buckets);
  return positions;
}

async function selectPositions(tx: Tx, kind: StoreKind, keys: readonly PositionKey[]): Promise<Map<string, Buckets>> {
  const positions = new Map<string, Buckets>();
  for (const chunk of chunks(keys)) {
    const tuples = sql.join(chunk.map((k) => sql`(${k.sku}, ${k.locationCode})`));
    const rows = await sql<InventoryPositionRow>`
      select * from inventory_positions
      where (sku, location_code) in (values ${tuples})
      order by sku, location_code
      ${kind === 'postgres' ? sql`for update` : sql``}`.execute(tx);
    for (const row of rows.rows) positions.set(positionKey(row.sku, row.location_code), toBuckets(row));
  }
  return positions;
}

/** Appends movements; returns the highest sequence given, the watermark for change readers. */
export async function insertMovements(tx: Tx, rows: readonly Insertable<InventoryMovementRow>[]): Promise<number> {
  let maxSeq = 0;
  for (const r of await insertRows<'inventory_movements', { seq: number }>(tx, MOVEMENTS, rows)) maxSeq = Math.max(maxSeq, Number(r.seq));
  return maxSeq;
}

const MOVEMENTS = insertShape(
  'inventory_movements',
  ['id', 'sku', 'location_code', 'type', 'd_on_hand', 'd_reserved', 'd_quarantined', 'd_damaged', 'd_in_transit', 'reason_code', 'source', 'source_sequence', 'occurred_at', 'received_at', 'reservation_id', 'reference'],
  'returning "seq"',
);

export async function writePositions(
  tx: Tx,
  positions: ReadonlyArray<{ sku: string; locationCode: string; buckets: Buckets }>,
  lastMovementSeq: number,
  now: number,
): Promise<void> {
  await insertRows(
    tx,
    POSITIONS,
    positions.map((p) => ({
      sku: p.sku,
      location_code: p.locationCode,
      on_hand: p.buckets.onHand,
      reserved: p.buckets.reserved,
      quarantined: p.buckets.quarantined,
      damaged: p.buckets.damaged,
      in_transit: p.buckets.inTransit,
      last_movement_seq: lastMovementSeq,
      updated_at: now,
    })),
  );
}

const POSITIONS = insertShape(
  'inventory_positions',
  ['sku', 'location_code', 'on_hand', 'reserved', 'quarantined', 'damaged', 'in_transit', 'last_movement_seq', 'updated_at'],
  'on conflict ("sku", "location_code") do update set "on_hand" = "excluded"."on_hand", "reserved" = "excluded"."reserved", "quarantined" = "excluded"."quarantined", ' +
    '"damaged" = "excluded"."damaged", "in_transit" = "excluded"."in_transit", "last_movement_seq" = "excluded"."last_movement_seq", "updated_at" = "excluded"."updated_at"',
);

export const readAllPositions = (db: Executor) => db.selectFrom('inventory_positions').selectAll().execute();

export const readPositionsChangedSince = (db: Executor, afterSeq: number) =>
  db.selectFrom('inventory_positions').selectAll().where('last_movement_seq', '>', afterSeq).execute();

/** Every movement in ledger order; the replay that I1 compares against stored positions. */
export const readMovementsInOrder = (db: Executor, afterSeq: number, limit: number) =>
  db.selectFrom('inventory_movements').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();

export const readMovementsForPosition = (db: Executor, sku: string, locationCode: string, limit: number) =>
  db
    .selectFrom('inventory_movements')
    .selectAll()
    .where('sku', '=', sku)
    .where('location_code', '=', locationCode)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();

export interface SkuMovementFilter {
  sku: string;
  locationCode?: string | undefined;
  /** Keyset: only movements before this ledger sequence (the last of the previous page). */
  beforeSeq?: number | undefined;
  limit: number;
}

/**
 * A SKU's movements, newest first, each with the on-hand of its position right after it. The ledger
 * stores deltas only; replaying them from the first movement gives the stored balance (I1), so the
 * running sum per location in ledger order is the on-hand after each movement.
 */
export function movementsOfSku(db: Executor, f: SkuMovementFilter) {
  let ledger = db
    .selectFrom('inventory_movements')
    .selectAll()
    .select(sql<number>`sum(d_on_hand) over (partition by location_code order by seq rows between unbounded preceding and current row)`.as('on_hand_after'))
    .where('sku', '=', f.sku);
  if (f.locationCode !== undefined) ledger = ledger.where('location_code', '=', f.locationCode);
  let page = db.selectFrom(ledger.as('m')).selectAll();
  if (f.beforeSeq !== undefined) page = page.where('m.seq', '<', f.beforeSeq);
  return page.orderBy('m.seq', 'desc').limit(f.limit).execute();
}
