/**
 * Write volume of touchless orders on the embedded store: pages the SQLite write-ahead log takes per
 * order, for intake (one commit each) and for the dispatcher's work after it (allocation with its
 * release, the other subscribers, the process log). A commit writes every page it changed whole, so
 * this is what group commit and narrower rows reduce; unlike orders/s on a shared machine, it is the
 * same on every run.
 *
 * The log is emptied (checkpoint, TRUNCATE) before each phase and not checkpointed during it (no
 * background checkpointer, automatic checkpoints off), so its page count is the phase's writes.
 * Each round takes in `--orders` orders, then drives the dispatcher until they are released; later
 * rounds write into fuller tables, which touches more pages.
 *
 * Run: npm run bench:order-writes [-- --orders=N] [-- --rounds=N]
 * Durability: SQLite WAL, synchronous=NORMAL; 4 KB pages.
 */
import { sql } from 'kysely';
import type { Store } from '../src/platform/db/store.ts';
import { openBenchHub } from './support.ts';
import { seedTouchless, submitTouchless } from './touchless-setup.ts';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const ORDERS = arg('orders', 300);
const ROUNDS = arg('rounds', 3);

/** The pages in the log, which is then copied into the database and emptied. */
async function takeLogPages(store: Store): Promise<number> {
  const checkpoint = async (mode: 'PASSIVE' | 'TRUNCATE') => {
    const row = (await sql<{ busy: number; log: number }>`${sql.raw(`pragma wal_checkpoint(${mode})`)}`.execute(store.db)).rows[0]!;
    if (row.busy !== 0) throw new Error('the log was busy: another connection is reading or writing');
    return row.log;
  };
  const pages = await checkpoint('PASSIVE');
  await checkpoint('TRUNCATE');
  return pages;
}

const { app, store, dispose } = await openBenchHub('sqlite', { auth: { rateLimitPerMinute: 1_000_000 } }, { backgroundCheckpoint: false });
try {
  await seedTouchless(app.services);
  await app.services.outbox.dispatchDue();
  await sql`pragma wal_autocheckpoint = 0`.execute(store.db);
  let lines = 0;
  for (let round = 0, n = 0; round < ROUNDS; round++) {
    await takeLogPages(store);
    for (const end = n + ORDERS; n < end; n++) lines += (await submitTouchless(app.services, n)).lines;
    const intakePages = await takeLogPages(store);
    for (let tick = 0; tick < 50; tick++) if ((await app.services.outbox.dispatchDue()).delivered === 0) break;
    const dispatchPages = await takeLogPages(store);
    const released = await store.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'released').executeTakeFirstOrThrow();
    if (Number(released.n) !== n) throw new Error(`round ${round}: ${n - Number(released.n)} orders not released`);
    console.log(
      `sqlite   touchless writes, round ${round + 1} (${n.toLocaleString('en-US')} orders stored, ${(lines / n).toFixed(1)} lines avg): ` +
        `intake ${(intakePages / ORDERS).toFixed(1)} log pages/order, dispatcher's work ${(dispatchPages / ORDERS).toFixed(1)} log pages/order   (4 KB pages; WAL, synchronous=NORMAL)`,
    );
  }
} finally {
  await dispose();
}
