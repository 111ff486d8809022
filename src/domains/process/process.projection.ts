import { CompactLog } from './compact-log.ts';
import { FactStore, foldLog } from './facts.rules.ts';

/**
 * The process log and its facts, held in memory for the KPI and process-map queries.
 *
 * Read from the stored log the way a recompute reads it, and folded the way a recompute folds it,
 * so its facts are the stored facts: a query computes over memory instead of loading every fact of
 * its window from the database, which at a million events took ten seconds a query. It follows the
 * stored log, not this node's own ingest, so every node's projection holds what any node logged.
 *
 * `generation` is the log's recompute count when the projection was started: a recompute with
 * backfill logs events below the cursor, which a projection that only reads forward would miss, so a
 * changed generation starts a new projection.
 */
export class ProcessProjection {
  readonly log = new CompactLog();
  readonly facts = new FactStore(this.log);
  /** The log's sequence up to which every event is in the projection. */
  seq = 0;
  /** Events of `log` folded into `facts` so far. */
  private folded = 0;

  constructor(readonly generation: number) {}

  /** Folds the events appended to the log since the last fold, in sequence order. */
  foldAppended(): void {
    if (this.folded === this.log.events) return;
    foldLog(this.log, this.facts, undefined, this.folded, this.log.events);
    this.folded = this.log.events;
  }
}
