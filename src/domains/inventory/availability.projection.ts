import type { Executor } from '../../platform/db/store.ts';
import { readSourceReports } from './availability.repo.ts';
import { setLastReportAt, type SourceReport } from './availability.rules.ts';
import type { InboundSupplyRow } from './inventory.tables.ts';
import { readAllPositions, readPositionsChangedSince, toBuckets } from './ledger.repo.ts';
import type { Buckets } from './ledger.rules.ts';
import type { PositionChange } from './position-changes.ts';
import { readAllInboundSupply, readAllSafetyStock } from './supply.repo.ts';

/**
 * The in-memory picture ATP is read from (DESIGN §11: in-memory projections rebuilt at start).
 * Positions by SKU × location with an index SKU → locations, plus the planner's inputs (safety stock,
 * inbound supply) and each source's last report per location. It is loaded whole at start, follows
 * the in-process PositionChangeBus, and catches up with other nodes' writes by ledger watermark.
 * Every read is synchronous and allocates nothing: answers point into the maps.
 */

export interface PositionEntry {
  readonly sku: string;
  readonly locationCode: string;
  buckets: Buckets;
  /** The ledger sequence that produced these buckets; a change older than it is ignored. */
  lastMovementSeq: number;
}

export interface InboundLine {
  reference: string;
  kind: string;
  locationCode: string;
  quantity: number;
  expectedAtMs: number;
}

/** A SKU whose availability may have changed, for the change feed. */
export interface AvailabilityTouch {
  sku: string;
  /** When the hub accepted the change that caused it (injected clock), for measuring feed latency. */
  acceptedAtMs: number;
}

export type TouchListener = (touches: readonly AvailabilityTouch[]) => void;

const noEntries: ReadonlyMap<string, PositionEntry> = new Map();
const noLines: readonly InboundLine[] = [];
const noReports: readonly SourceReport[] = [];
const noKeys: Iterable<string> = [];

const sameBuckets = (a: Buckets, b: Buckets) =>
  a.onHand === b.onHand && a.reserved === b.reserved && a.quarantined === b.quarantined && a.damaged === b.damaged && a.inTransit === b.inTransit;

function nested<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = outer.get(key);
  if (!inner) outer.set(key, (inner = new Map()));
  return inner;
}

export function createAvailabilityProjection(deps: { db: Executor; onListenerError?: (error: unknown) => void }) {
  const positions = new Map<string, Map<string, PositionEntry>>();
  const safety = new Map<string, Map<string, number>>();
  const inbound = new Map<string, Map<string, InboundLine[]>>();
  const inboundByReference = new Map<string, InboundSupplyRow[]>();
  let sourcesByLocation = new Map<string, SourceReport[]>();
  let watermark = 0;
  const listeners = new Set<TouchListener>();

  function notify(touches: readonly AvailabilityTouch[]): void {
    if (touches.length === 0) return;
    for (const listener of listeners) {
      // A failing reader (a broken feed connection) must not stop the projection from updating.
      try {
        listener(touches);
      } catch (error) {
        deps.onListenerError?.(error);
      }
    }
  }

  /** Applies absolute positions; returns the SKUs whose buckets really changed. */
  function applyPositions(changes: readonly PositionChange[]): AvailabilityTouch[] {
    const touches: AvailabilityTouch[] = [];
    for (const change of changes) {
      const bySku = nested(positions, change.sku);
      const entry = bySku.get(change.locationCode);
      if (entry && change.lastMovementSeq <= entry.lastMovementSeq) continue;
      const changed = !entry || !sameBuckets(entry.buckets, change.buckets);
      if (entry) {
        entry.buckets = { ...change.buckets };
        entry.lastMovementSeq = change.lastMovementSeq;
      } else {
        bySku.set(change.locationCode, { sku: change.sku, locationCode: change.locationCode, buckets: { ...change.buckets }, lastMovementSeq: change.lastMovementSeq });
      }
      if (change.lastMovementSeq > watermark) watermark = change.lastMovementSeq;
      if (changed) touches.push({ sku: change.sku, acceptedAtMs: change.acceptedAtMs });
    }
    return touches;
  }

  function indexInbound(rows: readonly InboundSupplyRow[], sign: 1 | -1): void {
    for (const row of rows) {
      const lines = nested(inbound, row.sku);
      const atLocation = lines.get(row.location_code) ?? [];
      const kept = atLocation.filter((l) => l.reference !== row.reference);
      if (sign === 1) kept.push({ reference: row.reference, kind: row.kind, locationCode: row.location_code, quantity: row.quantity, expectedAtMs: row.expected_at });
      if (kept.length > 0) lines.set(row.location_code, kept);
      else lines.delete(row.location_code);
    }
  }

  function loadSupply(safetyRows: Awaited<ReturnType<typeof readAllSafetyStock>>, inboundRows: readonly InboundSupplyRow[]): void {
    safety.clear();
    for (const row of safetyRows) nested(safety, row.sku).set(row.location_code, row.quantity);
    inbound.clear();
    inboundByReference.clear();
    for (const row of inboundRows) {
      const lines = inboundByReference.get(row.reference) ?? [];
      lines.push(row);
      inboundByReference.set(row.reference, lines);
    }
    indexInbound(inboundRows, 1);
  }

  function loadSources(reports: Awaited<ReturnType<typeof readSourceReports>>): void {
    const next = new Map<string, SourceReport[]>();
    for (const { locationCode, ...report } of reports) {
      // Every tick re-reads the table; a report whose time has not moved keeps its formatted time.
      const previous = sourcesByLocation.get(locationCode)?.find((r) => r.source === report.source);
      setLastReportAt(report, report.lastReportAtMs, previous?.lastReportAtIsoOfMs === report.lastReportAtMs ? previous.lastReportAt : undefined);
      const list = next.get(locationCode) ?? [];
      list.push(report);
      next.set(locationCode, list);
    }
    sourcesByLocation = next;
  }

  return {
    /** Reads everything from the store. Run once, before serving reads. */
    async load(): Promise<void> {
      const [positionRows, safetyRows, inboundRows, reports] = await Promise.all([
        readAllPositions(deps.db),
        readAllSafetyStock(deps.db),
        readAllInboundSupply(deps.db),
        readSourceReports(deps.db),
      ]);
      // Applied with the same newer-wins rule as live changes, without clearing: a change published
      // while the rows were being read must not be wiped by the older rows.
      applyPositions(positionRows.map((row) => ({ sku: row.sku, locationCode: row.location_code, buckets: toBuckets(row), lastMovementSeq: row.last_movement_seq, acceptedAtMs: row.updated_at })));
      loadSupply(safetyRows, inboundRows);
      loadSources(reports);
    },

    /** Committed changes from this node's writers (subscribe this to the PositionChangeBus). */
    apply(changes: readonly PositionChange[]): void {
      notify(applyPositions(changes));
    },

    /**
     * Catches up with positions written by other nodes: reads every position whose ledger sequence is
     * above `afterSeq` and applies the newer ones. Re-reading a position already held is harmless, so
     * callers may pass a watermark some way back to cover transactions that committed out of order.
     */
    async refreshSince(afterSeq: number): Promise<number> {
      const rows = await readPositionsChangedSince(deps.db, afterSeq);
      const touches = applyPositions(
        rows.map((row) => ({ sku: row.sku, locationCode: row.location_code, buckets: toBuckets(row), lastMovementSeq: row.last_movement_seq, acceptedAtMs: row.updated_at })),
      );
      notify(touches);
      return touches.length;
    },

    /** Re-reads every source's last report (a small table); the poll loop calls it. */
    async refreshSources(): Promise<void> {
      loadSources(await readSourceReports(deps.db));
    },

    /** Re-reads safety stock and inbound supply, for changes another node made. */
    async refreshSupply(): Promise<void> {
      const [safetyRows, inboundRows] = await Promise.all([readAllSafetyStock(deps.db), readAllInboundSupply(deps.db)]);
      loadSupply(safetyRows, inboundRows);
    },

    /** Reports written by this node's ingest, applied at once instead of at the next refresh. */
    applySourceReports(reports: ReadonlyArray<SourceReport & { locationCode: string }>): void {
      for (const { locationCode, ...report } of reports) {
        setLastReportAt(report, report.lastReportAtMs);
        const list = (sourcesByLocation.get(locationCode) ?? []).filter((r) => r.source !== report.source);
        list.push(report);
        sourcesByLocation.set(locationCode, list);
      }
    },

    /** A source reported for these locations at `atMs`; its drift figures stay as they were. */
    markHeardFrom(reports: ReadonlyArray<{ source: string; locationCode: string }>, atMs: number): void {
      for (const { source, locationCode } of reports) {
        const list = sourcesByLocation.get(locationCode) ?? [];
        const known = list.find((r) => r.source === source);
        if (known) {
          if (atMs > known.lastReportAtMs) setLastReportAt(known, atMs);
        } else {
          const report: SourceReport = { source, lastReportAtMs: atMs, recentDriftUnits: 0, recentCountedUnits: 0 };
          setLastReportAt(report, atMs);
          sourcesByLocation.set(locationCode, [...list, report]);
        }
      }
    },

    setSafetyStock(sku: string, locationCode: string, quantity: number, acceptedAtMs: number): void {
      nested(safety, sku).set(locationCode, quantity);
      notify([{ sku, acceptedAtMs }]);
    },

    /** Replaces the lines of one reference (an empty list removes it), after the write committed. */
    replaceInbound(reference: string, rows: readonly InboundSupplyRow[], acceptedAtMs: number): void {
      const previous = inboundByReference.get(reference) ?? [];
      indexInbound(previous, -1);
      indexInbound(rows, 1);
      if (rows.length > 0) inboundByReference.set(reference, [...rows]);
      else inboundByReference.delete(reference);
      notify([...new Set([...previous, ...rows].map((r) => r.sku))].map((sku) => ({ sku, acceptedAtMs })));
    },

    onTouch(listener: TouchListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    // ---- synchronous reads

    /** The highest ledger sequence applied: what `refreshSince` starts from. */
    watermark: (): number => watermark,
    locationsOf: (sku: string): ReadonlyMap<string, PositionEntry> => positions.get(sku) ?? noEntries,
    position: (sku: string, locationCode: string): PositionEntry | undefined => positions.get(sku)?.get(locationCode),
    safetyStock: (sku: string, locationCode: string): number => safety.get(sku)?.get(locationCode) ?? 0,
    inboundLocationsOf: (sku: string): Iterable<string> => inbound.get(sku)?.keys() ?? noKeys,
    inbound: (sku: string, locationCode: string): readonly InboundLine[] => inbound.get(sku)?.get(locationCode) ?? noLines,
    sourcesAt: (locationCode: string): readonly SourceReport[] => sourcesByLocation.get(locationCode) ?? noReports,

    /** The highest ledger sequence among a SKU's positions: its watermark on the change feed. */
    skuWatermark(sku: string): number {
      let max = 0;
      for (const entry of positions.get(sku)?.values() ?? noEntries.values()) if (entry.lastMovementSeq > max) max = entry.lastMovementSeq;
      return max;
    },

    /** SKUs with a position at or after a ledger sequence, oldest first: a reconnecting feed's replay. */
    skusChangedSince(seq: number): string[] {
      const found: Array<[string, number]> = [];
      for (const [sku, byLocation] of positions) {
        let max = 0;
        for (const entry of byLocation.values()) if (entry.lastMovementSeq > max) max = entry.lastMovementSeq;
        if (max >= seq) found.push([sku, max]);
      }
      return found.sort((a, b) => a[1] - b[1]).map(([sku]) => sku);
    },

    /** Every SKU with a position; for warming caches at start. */
    skus: (): IterableIterator<string> => positions.keys(),
  };
}

export type AvailabilityProjection = ReturnType<typeof createAvailabilityProjection>;
