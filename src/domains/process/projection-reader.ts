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
  /**
   * A log saved earlier (log-snapshot.ts) that the stored log still begins with, reaching a sequence
   * no later than `upToSeq`, its ids indexed; null when there is none to trust. Without it, a new
   * projection reads the whole stored log.
   */
  restoreLog?(upToSeq: number): Promise<{ log: CompactLog; seq: number } | null>;
  /**
   * Saves a projection's log, reaching `seq`, for `restoreLog`. Called on the queries' chain, so the
   * log does not change before the call takes what it holds (its first step, before any wait);
   * the writing then goes on in the background.
   */
  saveLog?(log: CompactLog, seq: number): Promise<void>;
  /**
   * The most typed memory a projection may allocate (`ProcessProjection.memoryBytes`). A read that
   * passes it stops, the projection is let go, and from then on the queries answer from storage.
   * None: no bound.
   */
  bytesMax?: number;
  /** Told once, when a projection passed `bytesMax` and the queries turned to storage. */
  onOverBound?(overBound: OverBound): void;
}

/** What the projection held when it passed its bound. */
export interface OverBound {
  events: number;
  bytes: number;
  bytesMax: number;
}

/** Stops a read that passed the bound; never leaves the reader. */
class ProjectionOverBound extends Error {}

/**
 * A projection's log is saved once it holds `readInQueryMaxEvents` events (a smaller one is read in a
 * query, quickly), and again each time it grew by this factor since it was saved or read back.
 */
const SAVE_GROWTH = 1.25;
/** Events folded between turns of the event loop when a projection starts from a saved log. */
const FOLD_SLICE = 100_000;

/** A projection being read in the background: null until it has a log to read into. */
interface Building {
  p: ProcessProjection | null;
  upToSeq: number;
  done: Promise<void>;
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
  let building: Building | null = null;
  /** A save of the log under way, and the events the saved log holds (see `saveIfGrown`). */
  let saving: Promise<void> | null = null;
  let savedEvents = 0;
  /** Set once a projection passed `bytesMax`: the queries then answer from storage until a restart. */
  let overBound: OverBound | null = null;

  /**
   * Lets a projection go when it holds more than the bound, and stops its read: the queries answer
   * from storage from then on. Checked after every page read, so memory passes the bound by at most
   * a page's worth and a column's doubling.
   */
  function checkBound(p: ProcessProjection): void {
    if (deps.bytesMax === undefined || overBound !== null) return;
    const bytes = p.memoryBytes();
    if (bytes <= deps.bytesMax) return;
    overBound = { events: p.log.events, bytes, bytesMax: deps.bytesMax };
    projection = null;
    deps.onOverBound?.(overBound);
    throw new ProjectionOverBound();
  }

  /** Saves the projection's log when it is large and grew by a quarter since it was last saved or restored. */
  function saveIfGrown(p: ProcessProjection): void {
    if (deps.saveLog === undefined || saving !== null || p.log.events < deps.readInQueryMaxEvents || p.log.events < savedEvents * SAVE_GROWTH) return;
    const events = p.log.events;
    // A save that failed (a full disk) is tried again only once the log grew by a quarter more, not at
    // every query; the saver reports the failure.
    const current = deps
      .saveLog(p.log, p.seq)
      .catch(() => undefined)
      .finally(() => {
        savedEvents = events;
        if (saving === current) saving = null;
      });
    saving = current;
  }

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
        checkBound(p);
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
      const current: Building = { p: null, upToSeq, done: Promise.resolve() };
      current.done = (async () => {
        // A saved log the stored one still begins with: only what was logged since is read.
        const restored = (await deps.restoreLog?.(upToSeq)) ?? null;
        const p = restored ? new ProcessProjection(generation, restored.log, restored.seq) : new ProcessProjection(generation);
        savedEvents = restored ? restored.log.events : 0;
        current.p = p;
        while (p.unfolded > 0) {
          p.foldAppended(FOLD_SLICE);
          checkBound(p);
          await eventLoopTurn();
        }
        await readInto(p, upToSeq);
        projection = p;
        saveIfGrown(p);
      })().catch((error: unknown) => {
        // Past the bound is not a failed read: the queries answer from storage.
        if (!(error instanceof ProjectionOverBound)) throw error;
      });
      const done = current.done;
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
    const read = building?.p?.log.events ?? 0;
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
   * or, with none, `not_ready` (503). Once a projection passed the memory bound, `fromStorage`
   * answers instead.
   */
  function withProjection<T>(work: (p: ProcessProjection) => T | Promise<T>, fromStorage: () => Promise<T>): Promise<T> {
    if (overBound !== null) return fromStorage();
    const run = async (): Promise<{ held: true; value: T } | { held: false }> => {
      if (overBound !== null) return { held: false };
      const position = await deps.readPosition();
      let p = projection;
      if (p === null || p.generation !== position.generation) {
        if (building !== null || position.seq >= deps.readInQueryMaxEvents) {
          build(position.generation, position.seq).catch(() => undefined);
          if (p === null) throw notReady();
        } else projection = p = new ProcessProjection(position.generation);
      }
      try {
        const current = await readInto(p, position.seq);
        saveIfGrown(current);
        return { held: true, value: await work(current) };
      } catch (error) {
        if (error instanceof ProjectionOverBound) return { held: false };
        throw error;
      }
    };
    const next = chain.then(run, run);
    chain = next.catch(() => undefined);
    // From storage off the queries' chain: it reads no projection, and takes seconds at millions of events.
    return next.then((answer) => (answer.held ? answer.value : fromStorage()));
  }

  /** Reads the log into memory now, in the background (a hub that starts); resolves once it is in. */
  async function prepare(): Promise<void> {
    const position = await deps.readPosition();
    if (projection?.generation !== position.generation) await build(position.generation, position.seq);
  }

  /** What the projection the queries read holds, for the metrics: null when there is none. */
  function held(): { events: number; bytes: number } | null {
    return projection === null ? null : { events: projection.log.events, bytes: projection.memoryBytes() };
  }

  return { withProjection, prepare, held, overBound: (): OverBound | null => overBound };
}
