import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/store.ts';
import { atpAtLocation } from './atp.rules.ts';
import type { InventoryMovementRow } from './inventory.tables.ts';
import { positionKey, toBuckets } from './ledger.repo.ts';
import { bucketNames, emptyBuckets, sellable, type Buckets } from './ledger.rules.ts';

/**
 * Checks of DESIGN §10 against what is stored, for the property and concurrency tests and the
 * simulation's invariant checker (src/simulation/invariants.ts). Each returns
 * the violations it found as sentences (empty when the invariant holds), so a failing test says what
 * broke and where instead of only that something did.
 */

export type MovementRecord = Selectable<InventoryMovementRow>;

export const readMovements = (db: Executor, skus: readonly string[]): Promise<MovementRecord[]> =>
  db.selectFrom('inventory_movements').selectAll().where('sku', 'in', skus).orderBy('seq').execute();

const fromMovement = (m: MovementRecord): Buckets => ({
  onHand: Number(m.d_on_hand),
  reserved: Number(m.d_reserved),
  quarantined: Number(m.d_quarantined),
  damaged: Number(m.d_damaged),
  inTransit: Number(m.d_in_transit),
});

const resolvingType = { committed: 'reservation_commit', released: 'reservation_release', expired: 'reservation_expire' } as Record<string, string>;

/**
 * I1 (replay from empty equals stored positions and their ATP), I2 (no bucket ever negative, at any
 * prefix of the ledger; no location in these tests allows it), I3 (every reservation was taken from
 * free stock), I4 (each reservation has one create and at most one resolving movement, matching its
 * state), plus: the reserved bucket equals the sum of pending reservations.
 */
export async function checkLedgerInvariants(db: Executor, skus: readonly string[]): Promise<string[]> {
  const violations: string[] = [];
  const movements = await readMovements(db, skus);
  const positions = await db.selectFrom('inventory_positions').selectAll().where('sku', 'in', skus).execute();
  const reservations = await db.selectFrom('reservations').selectAll().where('sku', 'in', skus).execute();

  const replayed = new Map<string, Buckets>();
  for (const m of movements) {
    const key = positionKey(m.sku, m.location_code);
    const running = replayed.get(key) ?? emptyBuckets();
    const delta = fromMovement(m);
    for (const name of bucketNames) running[name] += delta[name];
    replayed.set(key, running);
    const negative = bucketNames.filter((name) => running[name] < 0);
    if (negative.length > 0) violations.push(`I2: after movement ${m.seq} (${m.type}) ${m.sku}@${m.location_code} has negative ${negative.join(', ')}`);
    if (m.type === 'reservation_create' && running.reserved > sellable(running)) {
      violations.push(`I3: reservation ${m.reservation_id} (movement ${m.seq}) took reserved to ${running.reserved} with ${sellable(running)} sellable`);
    }
  }

  const stored = new Map(positions.map((p) => [positionKey(p.sku, p.location_code), toBuckets(p)]));
  for (const key of new Set([...stored.keys(), ...replayed.keys()])) {
    const fromLedger = replayed.get(key) ?? emptyBuckets();
    const fromTable = stored.get(key) ?? emptyBuckets();
    const where = key.replace('\u0000', '@');
    const differing = bucketNames.filter((name) => fromLedger[name] !== Number(fromTable[name]));
    if (differing.length > 0) violations.push(`I1: ${where} replays to ${JSON.stringify(fromLedger)} but stores ${JSON.stringify(fromTable)}`);
    if (atpAtLocation(fromLedger) !== atpAtLocation(fromTable)) violations.push(`I1: ${where} ATP replays to ${atpAtLocation(fromLedger)}, stored ${atpAtLocation(fromTable)}`);
  }

  const byReservation = new Map<string, MovementRecord[]>();
  for (const m of movements) if (m.reservation_id) byReservation.set(m.reservation_id, [...(byReservation.get(m.reservation_id) ?? []), m]);
  const pendingByKey = new Map<string, number>();
  for (const r of reservations) {
    const own = byReservation.get(r.id) ?? [];
    byReservation.delete(r.id);
    const creates = own.filter((m) => m.type === 'reservation_create');
    const resolving = own.filter((m) => m.type !== 'reservation_create');
    if (creates.length !== 1 || Number(creates[0]!.d_reserved) !== Number(r.quantity)) violations.push(`I4: reservation ${r.id} has ${creates.length} create movements for ${r.quantity}`);
    if (resolving.length > 1) violations.push(`I4: reservation ${r.id} resolved ${resolving.length} times (${resolving.map((m) => m.type).join(', ')})`);
    const [resolution] = resolving;
    const matches =
      r.state === 'pending' ? resolution === undefined : resolution !== undefined && resolution.type === resolvingType[r.state] && Number(resolution.d_reserved) === -Number(r.quantity);
    if (!matches) {
      violations.push(`I4: reservation ${r.id} is ${r.state} but its movements are ${own.map((m) => `${m.type}:${m.d_reserved}`).join(', ')}`);
    }
    if (r.state !== 'pending' && r.resolved_at === null) violations.push(`I4: reservation ${r.id} is ${r.state} without a resolution time`);
    const key = positionKey(r.sku, r.location_code);
    if (r.state === 'pending') pendingByKey.set(key, (pendingByKey.get(key) ?? 0) + Number(r.quantity));
  }
  for (const id of byReservation.keys()) violations.push(`I4: movements name reservation ${id}, which does not exist`);
  for (const [key, buckets] of replayed) {
    const pending = pendingByKey.get(key) ?? 0;
    if (buckets.reserved !== pending) violations.push(`reserved at ${key.replace('\u0000', '@')} is ${buckets.reserved}, pending reservations hold ${pending}`);
  }
  return violations;
}

/** I10: the rows of an earlier snapshot are still there, byte for byte; the ledger only grows. */
export async function checkLedgerUnchanged(db: Executor, skus: readonly string[], snapshot: readonly MovementRecord[]): Promise<string[]> {
  if (snapshot.length === 0) return [];
  const lastSeq = Number(snapshot[snapshot.length - 1]!.seq);
  const now = (await readMovements(db, skus)).filter((m) => Number(m.seq) <= lastSeq);
  const violations: string[] = [];
  if (now.length !== snapshot.length) violations.push(`I10: ${snapshot.length} movements up to seq ${lastSeq} were stored, ${now.length} remain`);
  const after = new Map(now.map((m) => [Number(m.seq), JSON.stringify(m)]));
  for (const m of snapshot) {
    const current = after.get(Number(m.seq));
    if (current !== JSON.stringify(m)) violations.push(`I10: movement ${m.seq} was ${JSON.stringify(m)}, is now ${current ?? 'gone'}`);
  }
  return violations;
}
