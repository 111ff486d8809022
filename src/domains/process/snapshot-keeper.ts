import type { Executor } from '../../platform/db/store.ts';
import type { CompactLog } from './compact-log.ts';
import { SnapshotProblem, readLogSnapshot, sampleSeqs, writeLogSnapshot, type LogSnapshot } from './log-snapshot.ts';
import * as repo from './process.repo.ts';

/** What became of a log snapshot: read back and used, refused (and why), written, or failed. */
export type SnapshotOutcome =
  | { action: 'restored'; path: string; events: number; seq: number; elapsedMs: number }
  | { action: 'refused'; path: string; reason: string }
  | { action: 'saved'; path: string; events: number; seq: number; bytes: number; elapsedMs: number }
  | { action: 'failed'; path: string; error: unknown };

export interface SnapshotKeeperDeps {
  db: Executor;
  /** The snapshot's file; none: nothing is saved and nothing read back. */
  path: string | undefined;
  onSnapshot?: (outcome: SnapshotOutcome) => void;
}

/** Ids indexed between turns of the event loop when a saved log is read back. */
const INDEX_SLICE = 200_000;
const eventLoopTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Saves the process log held in memory to its snapshot file (log-snapshot.ts) and reads it back,
 * checked against the stored log: the file is a cache that the stored log must begin with.
 */
export function createSnapshotKeeper(deps: SnapshotKeeperDeps) {
  const { db, path } = deps;
  const report = (outcome: SnapshotOutcome) => deps.onSnapshot?.(outcome);

  /**
   * The saved log, if the stored log still begins with it: the events it names by id are stored
   * under the same sequences (a snapshot of another database names other ids), exactly as many events
   * are stored up to its sequence (a backfill adds some below the cursor), and it reaches no further
   * than `upToSeq`. Its ids are indexed a slice at a time, between turns of the event loop. Null
   * when there is none, or none to trust (reported with the reason).
   */
  async function restore(upToSeq: number): Promise<{ log: CompactLog; seq: number } | null> {
    if (path === undefined) return null;
    const started = performance.now();
    const refuse = (reason: string) => {
      report({ action: 'refused', path, reason });
      return null;
    };
    let snapshot: LogSnapshot | null;
    try {
      snapshot = await readLogSnapshot(path);
    } catch (error) {
      if (error instanceof SnapshotProblem) return refuse(error.message);
      report({ action: 'failed', path, error });
      return null;
    }
    if (snapshot === null) return null;
    if (snapshot.samples.length === 0) return refuse('it names none of its events by id, so it cannot be checked');
    if (snapshot.seq > upToSeq) return refuse(`it reaches sequence ${snapshot.seq}, past the stored log's ${upToSeq}`);
    const stored = new Map((await repo.eventIdsAt(db, snapshot.samples.map((e) => e.seq))).map((e) => [Number(e.seq), e.id]));
    const differs = snapshot.samples.find((e) => stored.get(e.seq) !== e.id);
    if (differs) return refuse(`the stored event ${differs.seq} is ${stored.get(differs.seq) ?? 'missing'}, not ${differs.id}: a snapshot of another database`);
    const count = await repo.countEventsUpTo(db, snapshot.seq);
    if (count !== snapshot.log.events) return refuse(`${count} events are stored up to sequence ${snapshot.seq}, ${snapshot.log.events} saved: events were logged below it since (a backfill)`);
    for (let indexed = 0; indexed < snapshot.log.objects; ) {
      indexed = snapshot.log.indexIds(indexed + INDEX_SLICE);
      await eventLoopTurn();
    }
    report({ action: 'restored', path, events: snapshot.log.events, seq: snapshot.seq, elapsedMs: Math.round(performance.now() - started) });
    return { log: snapshot.log, seq: snapshot.seq };
  }

  /**
   * Saves the log as it is when called (taken before the first wait, so the caller may go on appending),
   * reaching `seq`, with the ids of its sample events. Rejects when the file cannot be written.
   */
  async function save(log: CompactLog, seq: number): Promise<void> {
    if (path === undefined) return;
    const started = performance.now();
    const image = log.image();
    const events = log.events;
    const seqs = sampleSeqs(log);
    try {
      const ids = new Map((await repo.eventIdsAt(db, seqs)).map((e) => [Number(e.seq), e.id]));
      const samples = seqs.map((s) => ({ seq: s, id: ids.get(s) ?? '' }));
      const bytes = await writeLogSnapshot(path, image, seq, samples);
      report({ action: 'saved', path, events, seq, bytes, elapsedMs: Math.round(performance.now() - started) });
    } catch (error) {
      report({ action: 'failed', path, error });
      throw error;
    }
  }

  return { restore, save };
}
