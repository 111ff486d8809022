import type SQLite from 'better-sqlite3';

/**
 * Per-statement counts and time on the embedded store, for benchmarks: with `CROSSDOCK_SQL_PROFILE=1`
 * every SQLite statement is timed by its SQL text and the heaviest are printed when the process
 * exits. Off (the default) it costs one environment read per store opened. Time spent in `commit`
 * includes SQLite writing the WAL and checkpointing, which is where durability is paid.
 */
export const statementProfileEnabled = () => process.env.CROSSDOCK_SQL_PROFILE === '1';

interface Tally {
  count: number;
  totalMs: number;
}
const tallies = new Map<string, Tally>();
let reporting = false;

const STATEMENTS_SHOWN = Number(process.env.CROSSDOCK_SQL_PROFILE_TOP ?? 30);
const SQL_CHARS_SHOWN = 160;

/**
 * Statements that differ only in how many rows or list items they bind are one statement to a
 * reader: a multi-row insert of 3 rows and of 7 rows are tallied together.
 */
const shapeOf = (text: string): string =>
  text
    .replace(/\s+/g, ' ')
    .replace(/\((\?, )*\?\)(, \((\?, )*\?\))+/g, '(…), …')
    .replace(/ in \((\?, )*\?\)/g, ' in (…)')
    .trim();

function report(): void {
  let count = 0;
  let totalMs = 0;
  const shapes = new Map<string, Tally>();
  for (const [text, t] of tallies) {
    count += t.count;
    totalMs += t.totalMs;
    const shape = shapeOf(text);
    const tally = shapes.get(shape) ?? { count: 0, totalMs: 0 };
    tally.count += t.count;
    tally.totalMs += t.totalMs;
    shapes.set(shape, tally);
  }
  const byCount = process.env.CROSSDOCK_SQL_PROFILE_SORT === 'count';
  const lines = [`SQL profile: ${count} statements, ${totalMs.toFixed(0)} ms inside SQLite (by ${byCount ? 'count' : 'time'}; CROSSDOCK_SQL_PROFILE_SORT=count|time)`];
  for (const [text, t] of [...shapes].sort((a, b) => (byCount ? b[1].count - a[1].count : b[1].totalMs - a[1].totalMs)).slice(0, STATEMENTS_SHOWN)) {
    lines.push(`${t.totalMs.toFixed(0).padStart(7)} ms ${String(t.count).padStart(8)}×  ${text.slice(0, SQL_CHARS_SHOWN)}`);
  }
  process.stderr.write(lines.join('\n') + '\n');
}

/** The statement, timed under its SQL text; only the methods Kysely's SQLite driver calls are wrapped. */
export function profiledStatement(text: string, statement: SQLite.Statement): SQLite.Statement {
  if (!reporting) {
    reporting = true;
    process.once('exit', report);
  }
  const timed =
    <A extends unknown[], R>(run: (...args: A) => R) =>
    (...args: A): R => {
      const startedAt = performance.now();
      try {
        return run(...args);
      } finally {
        const tally = tallies.get(text) ?? { count: 0, totalMs: 0 };
        tally.count++;
        tally.totalMs += performance.now() - startedAt;
        tallies.set(text, tally);
      }
    };
  return new Proxy(statement, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === 'all' || property === 'run' || property === 'get') return timed((value as (...args: unknown[]) => unknown).bind(target));
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
