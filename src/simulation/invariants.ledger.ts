import { createHash } from 'node:crypto';
import type { Executor } from '../platform/db/store.ts';
import { checkLedgerInvariants } from '../domains/inventory/index.ts';
import type { InvariantId, Violation } from './invariants.ts';

/**
 * I1–I4 and I10 on the inventory ledger. The ledger replay is the one the inventory property tests
 * already use (ledger.invariants.ts); this file runs it over every SKU the store knows,
 * in chunks that stay under both stores' limits on query parameters, and turns its sentences into
 * violations with a subject.
 */

const SKUS_PER_CHUNK = 500;

/** The replay check answers sentences; their prefix names the invariant and the rest the object. */
function toViolation(sentence: string): Violation {
  const prefixed = /^(I\d+): (.*)$/.exec(sentence);
  // The one unprefixed sentence compares the reserved bucket with pending reservations: a
  // reservation that resolved without giving its units back, or twice, shows there (I4).
  const invariant = (prefixed?.[1] ?? 'I4') as InvariantId;
  const text = prefixed?.[2] ?? sentence;
  const reservation = /reservation (\S+)/.exec(text)?.[1];
  const position = /(\S+@\S+)/.exec(text)?.[1];
  const subject = reservation ? `reservation:${reservation}` : position ? `position:${position}` : 'ledger';
  return { invariant, subject, message: text };
}

/** Locations whose master data allows negative on hand; I2 spares their on-hand bucket only. */
async function negativeOnHandLocations(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('catalog_locations').select(['key', 'data']).execute();
  return new Set(rows.filter((r) => (JSON.parse(r.data) as { allowNegativeOnHand?: boolean }).allowNegativeOnHand === true).map((r) => r.key));
}

export async function checkLedger(db: Executor): Promise<Violation[]> {
  const skuRows = await db
    .selectFrom('inventory_movements')
    .select('sku')
    .union(db.selectFrom('inventory_positions').select('sku'))
    .union(db.selectFrom('reservations').select('sku'))
    .execute();
  const skus = [...new Set(skuRows.map((r) => r.sku))].sort();
  const allowNegative = await negativeOnHandLocations(db);
  const violations: Violation[] = [];
  for (let i = 0; i < skus.length; i += SKUS_PER_CHUNK) {
    for (const sentence of await checkLedgerInvariants(db, skus.slice(i, i + SKUS_PER_CHUNK))) {
      const v = toViolation(sentence);
      const location = v.subject.startsWith('position:') ? v.subject.slice(v.subject.indexOf('@') + 1) : undefined;
      if (v.invariant === 'I2' && location && allowNegative.has(location) && /has negative onHand$/.test(v.message)) continue;
      violations.push(v);
    }
  }
  return violations;
}

/** What I10 compares against later: a hash of every movement stored at the time, by sequence. */
export interface LedgerSnapshot {
  upToSeq: number;
  hashes: ReadonlyMap<number, string>;
}

/**
 * Every column as text, so SQLite's numbers and PostgreSQL's bigint strings hash alike and a later
 * reading of an unchanged row gives the same hash on either store.
 */
function rowHash(row: Record<string, unknown>): string {
  const canonical = Object.keys(row)
    .sort()
    .map((k) => `${k}=${row[k] === null || row[k] === undefined ? '\u0000' : String(row[k])}`)
    .join('\u0001');
  return createHash('sha256').update(canonical).digest('hex');
}

async function readLedger(db: Executor, upToSeq?: number): Promise<Array<Record<string, unknown> & { seq: number }>> {
  let query = db.selectFrom('inventory_movements').selectAll().orderBy('seq');
  if (upToSeq !== undefined) query = query.where('seq', '<=', upToSeq);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

/** Takes the I10 snapshot: pass it later as `ledgerSnapshot` to `checkInvariants`. */
export async function takeLedgerSnapshot(db: Executor): Promise<LedgerSnapshot> {
  const rows = await readLedger(db);
  return { upToSeq: rows.at(-1)?.seq ?? 0, hashes: new Map(rows.map((r) => [r.seq, rowHash(r)])) };
}

/** I10: every movement of the snapshot is still stored, unchanged; none was removed. */
export async function checkLedgerSnapshot(db: Executor, snapshot: LedgerSnapshot | undefined): Promise<Violation[]> {
  if (!snapshot || snapshot.hashes.size === 0) return [];
  const now = new Map((await readLedger(db, snapshot.upToSeq)).map((r) => [r.seq, r]));
  const violations: Violation[] = [];
  for (const [seq, hash] of snapshot.hashes) {
    const row = now.get(seq);
    if (!row) violations.push({ invariant: 'I10', subject: `movement:${seq}`, message: `movement ${seq} was stored and is gone` });
    else if (rowHash(row) !== hash) violations.push({ invariant: 'I10', subject: `movement:${seq}`, message: `movement ${seq} (${String(row['type'])} ${String(row['sku'])}@${String(row['location_code'])}) was changed after it was stored` });
    now.delete(seq);
  }
  // A row below the snapshot's last sequence that the snapshot did not see is not reported: on
  // PostgreSQL a transaction that drew a lower sequence may commit after one that drew a higher.
  return violations;
}
