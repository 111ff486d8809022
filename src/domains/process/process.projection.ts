import { typedBytes } from './columns.ts';
import { CompactLog } from './compact-log.ts';
import { FactStore, factTypes, foldLog, type FactTable } from './facts.rules.ts';

/**
 * The process log and its facts, held in memory for the KPI and process-map queries.
 *
 * Read from the stored log the way a recompute reads it, and folded the way a recompute folds it,
 * so its facts are the stored facts: a query computes over memory instead of loading every fact of
 * its window from the database, which at a million events took ten seconds a query. It follows the
 * stored log, not this node's own ingest, so every node's projection holds what any node logged.
 *
 * The log and the facts live in shared memory, so that the worker threads can compute a large
 * log's KPIs and maps while the hub's own thread goes on serving requests. Shared fact tables cannot
 * grow in place: when the log names more objects of a type than its table has room for, the facts
 * move to larger tables.
 *
 * `generation` is the log's recompute count when the projection was started: a recompute with
 * backfill logs events below the cursor, which a projection that only reads forward would miss, so a
 * changed generation starts a new projection.
 */
export class ProcessProjection {
  facts: FactStore;
  /** Events of `log` folded into `facts` so far. */
  private folded = 0;

  /**
   * `log`: a log read back from a snapshot (log-snapshot.ts) reaching `seq`, not folded yet; by
   * default an empty one.
   */
  constructor(
    readonly generation: number,
    readonly log = new CompactLog({ shared: true }),
    /** The log's sequence up to which every event is in the projection. */
    public seq = 0,
  ) {
    this.facts = ProcessProjection.factsFor(log, null);
  }

  /**
   * The memory the projection holds in typed arrays: the log's columns, ids and indexes, and the
   * fact tables (with their room to grow). Strings and small objects on the heap are not counted.
   */
  memoryBytes(): number {
    return typedBytes([this.log, this.facts]);
  }

  /** How many events of the log are not folded yet (a log read back from a snapshot, at first). */
  get unfolded(): number {
    return this.log.events - this.folded;
  }

  /**
   * Folds the events appended to the log since the last fold, in sequence order: at most `maxEvents`
   * of them, so that a long log can be folded a slice at a time between other work.
   */
  foldAppended(maxEvents = Number.POSITIVE_INFINITY): void {
    if (this.folded === this.log.events) return;
    if (factTypes.some((type) => this.log.countOfTypeNamed(type) > this.facts.tables[type].capacity)) this.facts = ProcessProjection.factsFor(this.log, this.facts);
    const to = Math.min(this.log.events, this.folded + maxEvents);
    foldLog(this.log, this.facts, undefined, this.folded, to);
    this.folded = to;
  }

  /**
   * Shared fact tables with room for half as many again as the log's objects of each type (at least
   * 1,024), holding the rows and the texts of `before`. Memory a recompute gave back may hold old
   * facts, so it is cleared first.
   */
  private static factsFor(log: CompactLog, before: FactStore | null): FactStore {
    const capacities = Object.fromEntries(factTypes.map((type) => [type, Math.max(1_024, Math.ceil(1.5 * log.countOfTypeNamed(type)))]));
    const facts = new FactStore(log, capacities, { shared: true });
    for (const type of factTypes) {
      const table: FactTable = facts.tables[type];
      table.prefault(0, 1);
      if (before) table.copyRowsFrom(before.tables[type]);
    }
    if (before) for (const text of before.texts.values) facts.texts.intern(text);
    return facts;
  }
}

