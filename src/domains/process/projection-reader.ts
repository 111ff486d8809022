import { AppError } from '../../platform/errors.ts';
import type { CompactLog } from './compact-log.ts';
import { ProcessProjection } from './process.projection.ts';

export interface ProjectionReaderDeps {
  /** The stored log's cursor and its recompute count. */
  readPosition(): Promise<{ seq: number; generation: number }>;
  /** Reads the stored log `(afterSeq, upToSeq]` into `log`; `afterPage` runs once each page is in. */
  readLog(log: CompactLog, afterSeq: number, upToSeq: number, afterPage: () => Promise<void>): Promise<void>;
  /** A new projection of a log this long or longer is read in the background, not in a query. */
  readInQueryMaxEvents: number;
}

const eventLoopTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Keeps the projection the KPI and map queries read (`process.projection.ts`) current with the
 * stored log, and runs the queries' work on it one at a time.
 */
export function createProjectionReader(deps: ProjectionReaderDeps) {
  /** The projection the queries read: null until a first read is in, and again when a read fails. */
  let projection: ProcessProjection | null = null;
  /** Queries run one at a time (see `withProjection`). */
  let chain: Promise<unknown> = Promise.resolve();
  /** A projection being read in the background (a start, a recompute), and the sequence it reads up to. */
  let building: { p: ProcessProjection; upToSeq: number; done: Promise<void> } | null = null;

  /**
   * Brings a projection up to `upToSeq`, reading what the stored log gained since: all of it the
   * first time. A page at a time, with a turn of the event loop between pages, so that a read of
   * millions of events does not stop the hub answering meanwhile.
   */
  async function readInto(p: ProcessProjection, upToSeq: number): Promise<ProcessProjection> {
    if (upToSeq <= p.seq) return p;
    try {
      await deps.readLog(p.log, p.seq, upToSeq, async () => {
        p.foldAppended();
        await eventLoopTurn();
      });
    } catch (error) {
      // Part of a page may be in the log already; the next query reads a projection afresh.
      if (projection === p) projection = null;
      throw error;
    }
    p.seq = upToSeq;
    return p;
  }

  /**
   * Reads a new projection of the log in the background, unless one is being read; it replaces the
   * projection the queries read once it is in. Resolves then, or rejects with why the read failed.
   */
  function build(generation: number, upToSeq: number): Promise<void> {
    if (building === null) {
      const p = new ProcessProjection(generation);
      const done = readInto(p, upToSeq).then(() => {
        projection = p;
      });
      const current = { p, upToSeq, done };
      building = current;
      void done
        .catch(() => undefined)
        .then(() => {
          if (building === current) building = null;
        });
    }
    return building.done;
  }

  const notReady = (): AppError => {
    const read = building?.p.log.events ?? 0;
    const message = `the process log is being read into memory (${read.toLocaleString('en-US')} events so far, up to sequence ${building?.upToSeq ?? 0}); ask again shortly`;
    return new AppError('not_ready', message, [{ path: 'process', message: 'reading the log', eventsRead: read }], { 'retry-after': '10' });
  };

  /**
   * Runs a query's work on the projection, refreshed first with what the stored log gained. Queries
   * run one at a time, each after its refresh: worker threads read the projection's shared memory
   * while a query computes, so nothing may fold into it meanwhile.
   *
   * A new projection is needed at first and after a recompute (its count in `process_cursor`
   * changed). A small log is read in the query. A log of `readInQueryMaxEvents` or more is read in
   * the background: until it is in, queries answer from the projection they had (after a recompute
   * without backfill its answers are the same; with one, it lacks the history the backfill added),
   * or, with none, `not_ready` (503).
   */
  function withProjection<T>(work: (p: ProcessProjection) => T | Promise<T>): Promise<T> {
    const run = async () => {
      const position = await deps.readPosition();
      let p = projection;
      if (p === null || p.generation !== position.generation) {
        if (building !== null || position.seq >= deps.readInQueryMaxEvents) {
          build(position.generation, position.seq).catch(() => undefined);
          if (p === null) throw notReady();
        } else projection = p = new ProcessProjection(position.generation);
      }
      return work(await readInto(p, position.seq));
    };
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    return next;
  }

  /** Reads the log into memory now, in the background (a hub that starts); resolves once it is in. */
  async function prepare(): Promise<void> {
    const position = await deps.readPosition();
    if (projection?.generation !== position.generation) await build(position.generation, position.seq);
  }

  return { withProjection, prepare };
}
