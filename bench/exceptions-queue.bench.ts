/**
 * Exception queues at volume (issue 5: "queue listing for 100,000 open exceptions answers in well under
 * a second on both stores"). Loads 100,000 live exceptions straight through the repository in batched
 * transactions (the raise path is not what is measured), then times queue pages through the service
 * (`services.exceptions.list`: SQL plus parsing each exception's document) and one through HTTP:
 *
 * - the first page and a deep keyset page (about 90 % down the list), sorted by priority, by SLA due
 *   time and by age, for one role's queue and across all queues;
 * - a filtered page (queue + type).
 *
 * Each figure is the median and p95 of repeated calls, in milliseconds, 50 rows a page.
 *
 * Run: npm run bench:exceptions [-- --store=sqlite|postgres] [-- --exceptions=N] [-- --repeat=N]
 * Durability: the load commits once per batch of 5,000 rows; SQLite WAL with synchronous=NORMAL,
 * PostgreSQL as the server is configured (the test cluster: fsync on, synchronous_commit on). Reads
 * are the same in either mode. On PostgreSQL the table is ANALYZEd after loading, as autovacuum
 * would do on its own; SQLite is left without statistics.
 */
import { sql } from 'kysely';
import { encodeCursor } from '../src/platform/pagination.ts';
import { isoTime, systemClock } from '../src/platform/clock.ts';
import { uuidV7Generator } from '../src/platform/ids.ts';
import { seededRandom } from '../src/platform/random.ts';
import { builtinRegistry, exceptionTypes, type CrossdockException, type ExceptionSort, type ListExceptionsQuery } from '../src/domains/exceptions/index.ts';
import { insertMany } from '../src/domains/exceptions/exceptions.repo.ts';
import { toRow } from '../src/domains/exceptions/exceptions.view.ts';
import { fmt, openBenchHub, percentile, storesFromArgs } from './support.ts';

const numberArg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const TOTAL = numberArg('exceptions', 100_000);
const REPEAT = numberArg('repeat', 30);
const BATCH = 5_000;
const PAGE = 50;
const TARGET_MS = 1_000;
const START_MS = Date.UTC(2026, 0, 1);

/** A plausible exception: the types in their owners' queues, priorities, SLAs and ages spread out. */
function exceptionAt(i: number, next: () => number, id: string): CrossdockException {
  const type = exceptionTypes[i % exceptionTypes.length]!;
  const definition = builtinRegistry[type];
  const raisedAtMs = START_MS + Math.floor(next() * 30 * 86_400_000);
  const slaDueAtMs = raisedAtMs + definition.slaMinutes * 60_000;
  return {
    id,
    type,
    subject: { type: 'order', id: `bench-order-${i}` },
    related: [{ type: 'customer', id: `CUST-${i % 997}` }],
    state: 'open',
    partnerCode: i % 10 === 0 ? 'ACME' : null,
    ownerRole: definition.ownerRole,
    queueRole: definition.ownerRole,
    escalationLevel: 0,
    escalation: [...definition.escalation],
    assignee: null,
    priority: Math.floor(next() * 1_001),
    priorityInputs: { customerTier: 'standard', orderValue: { amountMinor: Math.floor(next() * 10_000_000), currency: 'USD' } },
    rootCause: { code: 'bench', message: 'loaded by the benchmark' },
    facts: { n: i, customerCode: `CUST-${i % 997}` },
    summary: { what: `${definition.title} on order bench-order-${i}`, why: 'loaded by the benchmark', impact: 'standard customer', options: definition.actions.map((action) => ({ action, description: action })) },
    links: [{ ref: { type: 'order', id: `bench-order-${i}` }, href: `/v1/orders/bench-order-${i}` }],
    allowedActions: [...definition.actions],
    raisedAt: isoTime(raisedAtMs),
    updatedAt: isoTime(raisedAtMs),
    slaDueAt: isoTime(slaDueAtMs),
    slaBreachedAt: null,
    breachCount: 0,
    nextEscalationAt: null,
    policyVersion: 0,
    lastRaiseKey: null,
    version: 1,
    closedAt: null,
    resolution: null,
  };
}

interface Timing {
  label: string;
  medianMs: number;
  p95Ms: number;
  rows: number;
}

async function time(label: string, repeat: number, call: () => Promise<{ items: unknown[] }>): Promise<Timing> {
  await call();
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    rows = (await call()).items.length;
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { label, medianMs: percentile(samples, 50), p95Ms: percentile(samples, 95), rows };
}

async function run(kind: 'sqlite' | 'postgres') {
  const hub = await openBenchHub(kind, { auth: { rateLimitPerMinute: 1_000_000 } });
  const { app, store } = hub;
  try {
    const random = seededRandom(5);
    const next = () => random.next();
    const loadStart = performance.now();
    const ids = uuidV7Generator(systemClock, random);
    for (let from = 0; from < TOTAL; from += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, TOTAL - from) }, (_, k) => {
        const i = from + k;
        return toRow({ exception: exceptionAt(i, next, ids.next()), nextCheckAtMs: null });
      });
      await store.db.transaction().execute((tx) => insertMany(tx, rows));
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;
    if (kind === 'postgres') await sql`analyze exceptions`.execute(store.db);
    console.log(`${kind}: loaded ${fmt(TOTAL)} live exceptions in ${loadSeconds.toFixed(1)} s (${fmt(TOTAL / loadSeconds)} rows/s, batches of ${fmt(BATCH)})`);

    const scope = { partnerCode: null };
    const list = (query: Partial<ListExceptionsQuery> & { sort: ExceptionSort }) => app.services.exceptions.list({ limit: PAGE, ...query }, scope);
    /** The cursor of the row about 90 % down a list, found once with OFFSET (not timed). */
    const deepCursor = async (sort: ExceptionSort, queue?: string) => {
      const column = sort === 'priority' ? 'priority' : sort === 'age' ? 'raised_at' : 'sla_due_at';
      let live = store.db.selectFrom('exceptions').where('closed_at', 'is', null);
      if (queue) live = live.where('queue_role', '=', queue);
      const count = Number((await live.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const row = await live
        .select(['id', column])
        .orderBy(column, sort === 'priority' ? 'desc' : 'asc')
        .orderBy('id')
        .offset(Math.floor(count * 0.9))
        .limit(1)
        .executeTakeFirstOrThrow();
      return { cursor: encodeCursor([sort, Number((row as Record<string, unknown>)[column]), row.id]), offset: Math.floor(count * 0.9), count };
    };

    const timings: Timing[] = [];
    for (const queue of ['customer_service', undefined] as const) {
      for (const sort of ['priority', 'slaDue', 'age'] as const) {
        const where = queue ? `queue=${queue}` : 'all queues';
        timings.push(await time(`${where}, sort=${sort}, first page`, REPEAT, () => list({ queue, sort })));
        const deep = await deepCursor(sort, queue);
        timings.push(await time(`${where}, sort=${sort}, page at row ${fmt(deep.offset)} of ${fmt(deep.count)}`, REPEAT, () => list({ queue, sort, cursor: deep.cursor })));
      }
    }
    timings.push(await time('queue=customer_service, type=invalid_order, sort=priority, first page', REPEAT, () => list({ queue: 'customer_service', type: 'invalid_order', sort: 'priority' })));
    const key = (await app.services.keys.create({ name: 'bench', roles: ['viewer'] })).secret;
    timings.push(
      await time('HTTP GET /v1/exceptions?queue=customer_service&sort=priority&limit=50', REPEAT, async () => {
        const res = await app.http.inject({ method: 'GET', url: `/v1/exceptions?queue=customer_service&sort=priority&limit=${PAGE}`, headers: { authorization: `Bearer ${key}` } });
        return res.json() as { items: unknown[] };
      }),
    );

    const durability = kind === 'sqlite' ? 'SQLite WAL, synchronous=NORMAL' : `PostgreSQL ${(await sql<{ f: string }>`show fsync`.execute(store.db)).rows[0]?.f === 'on' ? 'fsync=on' : 'fsync=off'}`;
    for (const t of timings) {
      const verdict = t.p95Ms < TARGET_MS ? '[meets]' : '[MISSES]';
      console.log(`${kind}: ${t.label}: median ${t.medianMs.toFixed(2)} ms, p95 ${t.p95Ms.toFixed(2)} ms, ${t.rows} rows ${verdict} target < ${fmt(TARGET_MS)} ms (${durability})`);
    }
  } finally {
    await hub.dispose();
  }
}

for (const kind of storesFromArgs()) await run(kind);
