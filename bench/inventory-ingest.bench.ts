/**
 * Durable inventory ingest: events → inbox → dedupe and ordering checks → ledger → positions →
 * outbox announcements, committed per batch, beside the raw journal ceiling measured in the same run
 * (multi-row inserts of the same movement rows into a bare table, same batch size, same driver).
 *
 * Run: npm run bench:ingest [-- --store=sqlite|postgres] [-- --events=N]
 * Durability: SQLite WAL with synchronous=NORMAL (survives a process crash); PostgreSQL defaults
 * (fsync on, synchronous_commit on).
 */
import { sql } from 'kysely';
import { INVENTORY_EVENTS_MESSAGE } from '../src/domains/inventory/index.ts';
import { fmt, openBenchHub, percentile, seedMasterData, storesFromArgs } from './support.ts';

const BATCH = 1_000;
const SOURCES = 8;
const eventsArg = Number(process.argv.find((a) => a.startsWith('--events='))?.slice(9) ?? 0);

async function run(kind: 'sqlite' | 'postgres') {
  const total = eventsArg || (kind === 'sqlite' ? 200_000 : 100_000);
  const hub = await openBenchHub(kind);
  try {
    const { skus, locations } = await seedMasterData(hub.app, 5_000);

    // Ceiling: the same row shape appended with the same batching, no checks, no positions.
    await sql`create table bench_journal (seq integer, sku text, location_code text, type text, d_on_hand bigint, source text, source_sequence bigint, occurred_at bigint, received_at bigint, id text)`.execute(hub.store.db);
    const ceilingStart = performance.now();
    for (let b = 0; b < total / BATCH; b++) {
      await hub.store.db.transaction().execute(async (tx) => {
        const rows = Array.from({ length: BATCH }, (_, i) => {
          const n = b * BATCH + i;
          return { seq: n, sku: skus[n % skus.length]!, location_code: locations[n % 3]!, type: 'receipt', d_on_hand: 5, source: `S${n % SOURCES}`, source_sequence: n, occurred_at: n, received_at: n, id: `id-${n}` };
        });
        for (let i = 0; i < rows.length; i += 500) await (tx as never as typeof hub.store.db).insertInto('bench_journal' as never).values(rows.slice(i, i + 500) as never).execute();
      });
    }
    const ceilingPerSecond = total / ((performance.now() - ceilingStart) / 1000);

    // The real path: each batch is one inbox message from one source, sequences in order.
    const nextSequence = new Array(SOURCES).fill(1) as number[];
    const latenciesMs: number[] = [];
    const now = new Date().toISOString();
    const start = performance.now();
    let applied = 0;
    for (let b = 0; b < total / BATCH; b++) {
      const source = b % SOURCES;
      const events = Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        // Every fourth event ships one unit from the position the event three before received into.
        const ship = n % 4 === 3;
        const k = ship ? n - 3 : n;
        return {
          source: `WMS-${source}`,
          sequence: nextSequence[source]!++,
          type: ship ? 'ship' : 'receipt',
          sku: skus[(k * 7919) % skus.length]!,
          locationCode: locations[k % 3]!,
          quantity: ship ? 1 : 5,
          occurredAt: now,
        };
      });
      const t0 = performance.now();
      const { message } = await hub.app.services.inbox.receiveAndProcess({
        source: 'bench',
        dedupeKey: `batch-${b}`,
        messageType: INVENTORY_EVENTS_MESSAGE,
        contentType: 'application/json',
        payload: JSON.stringify({ events }),
      });
      latenciesMs.push(performance.now() - t0);
      if (message.status !== 'processed') throw new Error(`batch ${b} ended ${message.status}: ${JSON.stringify(message.error)}`);
      applied += (message.outcome as { applied: number }).applied;
    }
    const seconds = (performance.now() - start) / 1000;
    latenciesMs.sort((a, b) => a - b);
    if (applied !== total) throw new Error(`expected ${total} applied, got ${applied}`);
    console.log(
      `${kind.padEnd(8)} ingest ${fmt(total / seconds)} events/s  (${fmt(total)} events, batches of ${BATCH}, batch p50 ${percentile(latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(latenciesMs, 99).toFixed(1)} ms)` +
        `   raw journal ceiling ${fmt(ceilingPerSecond)} rows/s   target ${kind === 'sqlite' ? '50,000' : '15,000'}`,
    );
  } finally {
    await hub.dispose();
  }
}

for (const kind of storesFromArgs()) await run(kind);
