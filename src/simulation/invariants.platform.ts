import { sql } from 'kysely';
import type { Executor, StoreKind } from '../platform/db/store.ts';
import type { Violation } from './invariants.ts';

/**
 * I5 (every external message and business key takes effect at most once) and I9 (a timer never
 * fires early, and fires once), read from the platform's and the domains' tables.
 *
 * The unique constraints on inbox (source, dedupe key), orders (scope, external number), shipments
 * (location, shipment number) and movements (source, source sequence) are checked too: they cost
 * one grouped read each, and a store built without them (a migration gone wrong) would otherwise
 * pass. The checks a constraint cannot make are the effects downstream of a deduplicated message:
 * a shipment posted to the ledger or billed more than once.
 */

/** Groups of rows sharing what should be a unique key. Table and column names are fixed by the caller. */
async function duplicates(db: Executor, table: string, columns: readonly string[]): Promise<Array<Record<string, unknown>>> {
  const refs = sql.join(columns.map((c) => sql.ref(c)));
  const result = await sql<Record<string, unknown>>`select ${refs}, count(*) as n from ${sql.table(table)} group by ${refs} having count(*) > 1`.execute(db);
  return result.rows;
}

export async function checkEffectsOnce(db: Executor, _kind: StoreKind): Promise<Violation[]> {
  const violations: Violation[] = [];
  const keyed: Array<[string, string[], string]> = [
    ['inbox_messages', ['source', 'dedupe_key'], 'inbox message'],
    ['orders', ['dedupe_scope', 'external_order_number'], 'order'],
    ['shipments', ['location_code', 'shipment_number'], 'shipment'],
  ];
  for (const [table, columns, what] of keyed) {
    for (const row of await duplicates(db, table, columns)) {
      const key = columns.map((c) => String(row[c])).join('/');
      violations.push({ invariant: 'I5', subject: `${table}:${key}`, message: `${Number(row['n'])} ${what}s share the key ${key}` });
    }
  }
  const sequenced = await db
    .selectFrom('inventory_movements')
    .select(['source', 'source_sequence', (eb) => eb.fn.countAll<number>().as('n')])
    .where('source_sequence', 'is not', null)
    .groupBy(['source', 'source_sequence'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  for (const row of sequenced) {
    violations.push({ invariant: 'I5', subject: `source:${row.source}#${row.source_sequence}`, message: `${Number(row.n)} movements were posted for event ${row.source_sequence} of ${row.source}` });
  }

  // A shipment's units leave on hand once: its `ship` movements add up to what it confirmed.
  const shipments = await db.selectFrom('shipments').select(['id', 'document']).execute();
  const posted = new Map<string, number>();
  const shipMovements = await db.selectFrom('inventory_movements').select(['reference', 'd_on_hand']).where('type', '=', 'ship').where('reference', 'like', 'shipment:%').execute();
  for (const m of shipMovements) posted.set(m.reference!, (posted.get(m.reference!) ?? 0) - Number(m.d_on_hand));
  for (const s of shipments) {
    const confirmed = (JSON.parse(s.document) as { lines: Array<{ quantity: number }> }).lines.reduce((sum, l) => sum + Number(l.quantity), 0);
    const units = posted.get(`shipment:${s.id}`) ?? 0;
    if (units !== confirmed) violations.push({ invariant: 'I5', subject: `shipment:${s.id}`, message: `the shipment confirmed ${confirmed} units but the ledger took ${units} off on hand for it` });
  }

  // A shipment is billed by at most one invoice.
  const billedBy = new Map<string, string[]>();
  for (const inv of await db.selectFrom('invoices').select(['id', 'document']).execute()) {
    const doc = JSON.parse(inv.document) as { state: string; shipmentIds: string[] };
    if (doc.state === 'void') continue;
    for (const shipmentId of new Set(doc.shipmentIds)) billedBy.set(shipmentId, [...(billedBy.get(shipmentId) ?? []), inv.id]);
  }
  for (const [shipmentId, invoices] of billedBy) {
    if (invoices.length > 1) violations.push({ invariant: 'I5', subject: `shipment:${shipmentId}`, message: `billed by ${invoices.length} invoices (${invoices.join(', ')})` });
  }
  return violations;
}

/**
 * I9 from the timer rows: a fired timer has its firing time, not before its due time (nor after
 * `now` when given); a pending one has none; a cancelled one never fired. Firing twice cannot be
 * seen in one row — the `status = 'pending'` guard allows one firing — so the second firing's
 * effects are what the other invariants catch (an order closed twice breaks the I8 chain).
 */
export async function checkTimers(db: Executor, now?: number): Promise<Violation[]> {
  const violations: Violation[] = [];
  const rows = await db.selectFrom('timers').select(['id', 'kind', 'timer_key', 'due_at', 'status', 'fired_at', 'cancelled_at']).execute();
  for (const t of rows) {
    const add = (message: string) => violations.push({ invariant: 'I9', subject: `timer:${t.timer_key}`, message: `${t.kind} timer ${message}` });
    const due = Number(t.due_at);
    const fired = t.fired_at === null ? null : Number(t.fired_at);
    if (t.status === 'fired') {
      if (fired === null) add('is fired without a firing time');
      else if (fired < due) add(`fired at ${new Date(fired).toISOString()}, before it was due at ${new Date(due).toISOString()}`);
      else if (now !== undefined && fired > now) add(`fired at ${new Date(fired).toISOString()}, after the time of the check`);
    } else if (t.status === 'pending') {
      if (fired !== null) add(`is pending but has a firing time`);
    } else if (t.status === 'cancelled') {
      if (fired !== null) add(`was cancelled after it fired`);
    } else add(`has unknown status ${t.status}`);
  }
  return violations;
}
