/**
 * The integration console over a large inbox (issue 6, item 8): loads N inbox messages (1,000,000
 * by default) spread over 20 sources and 30 days, about 1 % failed or dead and 0.1 % retrying,
 * straight into the table in batched transactions (intake is not what is measured), then times
 * `GET /v1/integrations` over HTTP (every connector, the inbox sources' window counts, backlogs and
 * last outcomes) and one inbox source's detail with its recent failures.
 *
 * Each figure is the median and p95 of repeated calls, in milliseconds.
 *
 * Run: npx tsx bench/integrations.bench.ts [--store=sqlite|postgres] [--messages=N] [--repeat=N]
 * On PostgreSQL the table is ANALYZEd after loading, as autovacuum would do on its own.
 */
import { sql } from 'kysely';
import { systemClock } from '../src/platform/clock.ts';
import { chunks } from '../src/platform/db/chunks.ts';
import { fmt, openBenchHub, percentile, storesFromArgs } from './support.ts';

const numberArg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const TOTAL = numberArg('messages', 1_000_000);
const REPEAT = numberArg('repeat', 20);
const SOURCES = 20;
const BATCH = 20_000;
const DAY_MS = 86_400_000;

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const hub = await openBenchHub(kind);
  try {
    const now = systemClock.now();
    const db = hub.store.db;
    const loadStart = performance.now();
    for (let start = 0; start < TOTAL; start += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, TOTAL - start) }, (_, k) => {
        const i = start + k;
        const status = i % 1000 === 0 ? 'received' : i % 100 === 1 ? 'failed' : i % 100 === 2 ? 'dead' : 'processed';
        const receivedAt = now - Math.floor(((TOTAL - i) / TOTAL) * 30 * DAY_MS);
        return {
          id: `m${String(i).padStart(9, '0')}`,
          source: `api:source-${i % SOURCES}`,
          dedupe_key: `k${i}`,
          message_type: 'bench.message',
          content_type: 'application/json',
          payload: '{"n":1}',
          original_payload: null,
          received_at: receivedAt,
          status,
          attempts: 1,
          next_attempt_at: status === 'received' ? now + DAY_MS : null,
          error_code: status === 'processed' ? null : 'validation_failed',
          error_message: status === 'processed' ? null : 'bad message',
          error_details: status === 'processed' ? null : '[]',
          outcome: null,
          processed_at: status === 'processed' ? receivedAt : null,
          correlation_id: null,
          replay_count: 0,
          discarded_at: null,
          operator_note: null,
        };
      });
      await db.transaction().execute(async (tx) => {
        for (const chunk of chunks(rows)) await tx.insertInto('inbox_messages').values(chunk).execute();
      });
    }
    if (kind === 'postgres') await sql`analyze inbox_messages`.execute(db);
    const loadMs = performance.now() - loadStart;
    const key = (await hub.app.services.keys.create({ name: 'bench', roles: ['viewer'] })).secret;
    const headers = { authorization: `Bearer ${key}` };
    const time = async (url: string) => {
      const samples: number[] = [];
      for (let r = 0; r < REPEAT + 2; r++) {
        const started = performance.now();
        const res = await hub.app.http.inject({ method: 'GET', url, headers });
        if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
        if (r >= 2) samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      return `median ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`;
    };
    console.log(`${kind}: ${fmt(TOTAL)} inbox messages over ${SOURCES} sources loaded in ${fmt(loadMs / 1000)} s`);
    console.log(`  GET /v1/integrations                         ${await time('/v1/integrations')}`);
    console.log(`  GET /v1/integrations/inbox-source/api:source-1 ${await time(`/v1/integrations/inbox-source/${encodeURIComponent('api:source-1')}`)}`);
  } finally {
    await hub.dispose();
  }
}

for (const kind of storesFromArgs()) await run(kind);
