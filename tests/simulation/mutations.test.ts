import { test } from 'node:test';
import assert from 'node:assert/strict';
import type SQLite from 'better-sqlite3';
import type { Clock } from '../../src/platform/clock.ts';
import type { FaultRates } from '../../src/simulation/faults.rules.ts';
import type { InvariantId } from '../../src/simulation/invariants.ts';
import { WAREHOUSES } from '../../src/simulation/master-data.generator.ts';
import { checkSeed, type Plant } from '../../src/simulation/seeded-check.ts';
import type { SimContext } from '../../src/simulation/sim-context.ts';

/**
 * The mutation check: deliberately planted bugs, each living here in test code only (a schema altered
 * on the seed's database copy, a clock wrapped around the one the app is given, or the built app's
 * service objects patched), must each be caught by the seeded simulation within a bounded number of
 * seeds. A catch counts only when the same seed without the plant holds, so a plant is never credited
 * with a failure the hub has anyway. The faults are mild here (messages only) for the same reason.
 */
const MAX_SEEDS = 50;
const rates: FaultRates = { duplicate: 0.25, hold: 0.1, drop: 0.05, dbError: 0, crash: 0, outage: 0, clockJump: 0 };
const HOUR_MS = 3_600_000;

/** Rebuilds a table without one of its constraints (SQLite cannot drop a table constraint in place). */
function dropTableConstraint(database: SQLite.Database, table: string, constraintSql: string): void {
  const { sql } = database.prepare(`select sql from sqlite_master where type = 'table' and name = ?`).get(table) as { sql: string };
  assert.ok(sql.includes(constraintSql), `${table} has the constraint the plant removes`);
  const indexes = database.prepare(`select sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`).all(table) as Array<{ sql: string }>;
  database.pragma('foreign_keys = OFF');
  database.exec(`alter table "${table}" rename to "${table}_planted"`);
  database.exec(sql.replace(constraintSql, ''));
  database.exec(`insert into "${table}" select * from "${table}_planted"; drop table "${table}_planted"`);
  for (const index of indexes) database.exec(index.sql);
  database.pragma('foreign_keys = ON');
}

/**
 * Unreported shrink: two thirds of every shelf is gone before the first step and the hub is not told,
 * so warehouses ship short until their counts catch up. Without short shipments, ordered and shipped
 * quantities agree and an invoice from the ordered quantity would look right.
 */
function unreportedShrink(ctx: SimContext): void {
  for (const location of WAREHOUSES) for (const [sku, units] of ctx.stock.counts(location.code)) ctx.stock.add(location.code, sku, -Math.ceil((units * 2) / 3));
}

function plants(): Array<{ plant: Plant; caughtBy: InvariantId[]; scenario?: (ctx: SimContext) => void }> {
  // Timers fire as if the clock were two hours ahead: only while the timer loop runs.
  let skewMs = 0;
  const staleOrders = new Map<string, unknown>();
  return [
    {
      caughtBy: ['I5'],
      plant: {
        name: 'dedupe removed: the inbox keeps a repeated (source, dedupe key)',
        alterSchema: (database) => dropTableConstraint(database, 'inbox_messages', ', constraint "inbox_messages_source_dedupe_key" unique ("source", "dedupe_key")'),
      },
    },
    {
      caughtBy: ['I1', 'I4'],
      plant: {
        // The tiny network rarely releases a reservation (no cancellations); every shipment commits
        // one, so the plant resolves twice whichever way it resolves: the same bug, reached more often.
        name: 'a reservation resolved twice: the pending guard is lifted and the release or commit runs again',
        patch(app) {
          const reservations = app.services.inventory.reservations;
          const resolve = reservations.resolveManyIn.bind(reservations);
          reservations.resolveManyIn = async (tx, ids, to, detail) => {
            const first = await resolve(tx, ids, to, detail);
            const released = first.outcomes.filter((o) => o.result !== 'already_resolved').map((o) => o.reservation.id);
            if (released.length === 0) return first;
            await tx.updateTable('reservations').set({ state: 'pending', resolved_at: null }).where('id', 'in', released).execute();
            const again = await resolve(tx, released, to, detail);
            return { outcomes: first.outcomes, changes: [...first.changes, ...again.changes], events: [...first.events, ...again.events] };
          };
        },
      },
    },
    {
      caughtBy: ['I6', 'I7', 'I8'],
      plant: {
        name: 'a missing lock: an order is read for update from a cached copy (its first read, no row lock) and saved without the version check',
        patch(app) {
          const store = app.services.orders.store;
          const lock = store.lockForUpdate.bind(store);
          const save = store.save.bind(store);
          store.lockForUpdate = async (tx, id) => {
            const fresh = await lock(tx, id);
            const stale = staleOrders.get(id) as typeof fresh;
            if (fresh && !staleOrders.has(id)) staleOrders.set(id, fresh);
            return stale ?? fresh;
          };
          store.save = async (tx, before, after) => {
            const row = await tx.selectFrom('orders').select('version').where('id', '=', before.id).executeTakeFirst();
            return save(tx, { ...before, version: row?.version ?? before.version }, after);
          };
        },
      },
    },
    {
      caughtBy: ['I7'],
      scenario: unreportedShrink,
      plant: {
        name: 'an invoice from ordered instead of shipped quantity',
        patch(app) {
          const invoices = app.services.orchestration.finance.invoices;
          const issue = invoices.issueIn.bind(invoices);
          invoices.issueIn = async (tx, input) => {
            const row = await tx.selectFrom('orders').select('document').where('id', '=', input.orderId).executeTakeFirstOrThrow();
            const ordered = new Map((JSON.parse(row.document).lines as Array<{ lineNumber: number; orderedQuantity: number }>).map((l) => [l.lineNumber, l.orderedQuantity]));
            return issue(tx, { ...input, lines: input.lines.map((l) => ({ ...l, quantity: ordered.get(l.lineNumber) ?? l.quantity })) });
          };
        },
      },
    },
    {
      caughtBy: ['I9'],
      plant: {
        name: 'a timer firing early: the timer loop is given a clock two hours ahead',
        clock: (clock: Clock): Clock => ({ now: () => clock.now() + skewMs }),
        patch(app) {
          const timers = app.services.timers;
          const fire = timers.fireDue.bind(timers);
          timers.fireDue = async (...args: Parameters<typeof fire>) => {
            skewMs = 2 * HOUR_MS;
            try {
              return await fire(...args);
            } finally {
              skewMs = 0;
            }
          };
        },
      },
    },
  ];
}

for (const { plant, caughtBy, scenario } of plants()) {
  test(`mutation check: ${plant.name} is caught within ${MAX_SEEDS} seeds`, { timeout: Infinity }, async () => {
    const tried: string[] = [];
    for (let seed = 1; seed <= MAX_SEEDS; seed++) {
      const planted = await checkSeed(seed, { plant, rates, ...(scenario && { scenario }) });
      const caught = planted.violations.filter((v) => caughtBy.includes(v.invariant));
      if (caught.length === 0) continue;
      const clean = await checkSeed(seed, { rates, ...(scenario && { scenario }) });
      if (!clean.ok) {
        tried.push(`seed ${seed} fails without the plant too`);
        continue;
      }
      const first = caught[0]!;
      console.log(`"${plant.name}" caught at seed ${seed} by ${first.invariant} ${first.subject}: ${first.message}`);
      return;
    }
    assert.fail(`"${plant.name}" was not caught by ${caughtBy.join('/')} within ${MAX_SEEDS} seeds${tried.length ? ` (${tried.join('; ')})` : ''}`);
  });
}
