import type { Clock } from '../../platform/clock.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { NewEvent, OutboxService } from '../../platform/outbox/index.ts';
import type { TimerService } from '../../platform/timers/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { createRecordCache } from '../../platform/record-cache.ts';
import * as repo from './ingest.repo.ts';
import { validateEvents, type EventRejection, type ValidEvent } from './ingest.validate.ts';
import type { InventoryEvent } from './inventory.types.ts';
import type { InventoryHeldEventRow, InventorySourceRow } from './inventory.tables.ts';
import { postToLedger, type LedgerPosting, type PostingReport } from './ledger.posting.ts';
import type { PositionChange, PositionChangeBus } from './position-changes.ts';
import { sourceSyncOf, withSourceSync, type SourceSync } from './feed.events.ts';
import { classify, expireGap, markApplied, markHeld, type SourceSequenceState } from './sequencing.rules.ts';

export const GAP_TIMER_KIND = 'inventory.sequence-gap';

/** How long a looked-up item or location is trusted before it is read again. */
const MASTER_DATA_MAX_AGE_MS = 5_000;

/**
 * Rejections by the ledger's rules, after the event was understood. Events that fail validation (bad
 * shape, unknown SKU or location) do not consume their sequence number: once master data is fixed,
 * replaying the message applies them, and meanwhile later events wait behind the gap.
 */
const ruleRejectionCodes = new Set(['quantity_must_be_positive', 'quantity_must_not_be_zero', 'bucket_not_allowed', 'disposition_reason_required', 'negative_bucket']);

export type EventResult =
  | { index: number; result: 'applied'; source: string; sequence: number; movementId: string; late: boolean }
  | { index: number; result: 'exists'; source: string; sequence: number }
  | { index: number; result: 'held'; source: string; sequence: number; missingFrom: number; missingTo: number }
  | EventRejection;

export interface IngestReport {
  /** Counts cover every event; `results` lists only those not applied in order (see ingestInTx). */
  received: number;
  applied: number;
  duplicates: number;
  held: number;
  rejected: number;
  /** Events held by earlier batches that this batch released and applied. */
  appliedFromHeld: number;
  results: EventResult[];
}

export interface IngestDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  timers: TimerService;
  outbox: OutboxService;
  changes: PositionChangeBus;
  /** Outbox events announcing the changed positions, appended in the same transaction (I8). */
  announce: (changes: readonly PositionChange[]) => NewEvent[];
  gapTimeoutMs: number;
  /** Told after commit which sources reported for which locations, so freshness shows at once. */
  onSourcesReported?: (reports: ReadonlyArray<{ source: string; locationCode: string }>, atMs: number) => void;
}

const toState = (row: InventorySourceRow, held: readonly InventoryHeldEventRow[]): SourceSequenceState => ({
  nextExpected: row.next_expected,
  held: new Map(held.map((h) => [h.sequence, h.held_at])),
  skipped: new Set(JSON.parse(row.skipped) as number[]),
});

const toPosting = (event: InventoryEvent, receivedAt: number): LedgerPosting => ({
  sku: event.sku,
  locationCode: event.locationCode,
  type: event.type,
  event,
  reasonCode: event.reasonCode ?? null,
  source: event.source,
  sourceSequence: event.sequence,
  occurredAt: Date.parse(event.occurredAt),
  receivedAt,
  reference: event.reference ?? null,
});

/**
 * Inventory events in: validated against master data, deduplicated and ordered per source, posted to
 * the ledger, announced. One call is one transaction, run inside the inbox's so the raw message, its
 * outcome and the ledger commit together.
 */
export function createIngestService(deps: IngestDeps) {
  const { kind, clock, ids } = deps;
  // Every batch names its SKUs and locations; master data changes rarely, so found records are
  // reused for a few seconds instead of being read and parsed again per batch.
  const items = createRecordCache((keys, executor) => deps.catalog.items.getMany(keys, executor), clock, MASTER_DATA_MAX_AGE_MS);
  const locationsCache = createRecordCache((keys, executor) => deps.catalog.locations.getMany(keys, executor), clock, MASTER_DATA_MAX_AGE_MS);

  /**
   * Posts movements and marks the sources as heard from. Announcing is separate and comes last in
   * the transaction (`announce`), because on PostgreSQL an outbox append holds the append lock until
   * commit and must not wait on row locks after taking it.
   */
  async function post(
    tx: Tx,
    postings: LedgerPosting[],
    allowNegativeOnHand: (locationCode: string) => boolean,
    hooks: CommitHooks,
  ): Promise<{ report: PostingReport; changes: PositionChange[]; sync: SourceSync[] }> {
    const now = clock.now();
    const report = await postToLedger(tx, { kind, ids, now, allowNegativeOnHand }, postings);
    const reported = [...new Map(postings.map((p) => [`${p.source}\u0000${p.locationCode}`, { source: p.source, locationCode: p.locationCode }])).values()];
    await repo.touchFreshness(tx, reported, now);
    if (deps.onSourcesReported) hooks.afterCommit(() => deps.onSourcesReported!(reported, now));
    const changes: PositionChange[] =
      report.lastMovementSeq === 0 ? [] : [...report.positions.values()].map((p) => ({ ...p, lastMovementSeq: report.lastMovementSeq, acceptedAtMs: now }));
    return { report, changes, sync: sourceSyncOf(postings, (i) => report.outcomes[i]?.ok === true, now) };
  }

  /** Appends the announcements of changed positions (I8) and publishes them once committed. */
  async function announce(tx: Tx, changes: readonly PositionChange[], hooks: CommitHooks, sync: readonly SourceSync[] = []): Promise<void> {
    if (changes.length === 0) return;
    await deps.outbox.appendMany(tx, withSourceSync(deps.announce(changes), sync));
    hooks.afterCommit(() => deps.changes.publish(changes));
  }

  async function ingestInTx(tx: Tx, raw: readonly unknown[], hooks: CommitHooks): Promise<IngestReport> {
    const now = clock.now();
    const skus = new Set<string>();
    const locationCodes = new Set<string>();
    for (const candidate of raw) {
      const c = candidate as { sku?: unknown; locationCode?: unknown } | null;
      if (typeof c?.sku === 'string') skus.add(c.sku);
      if (typeof c?.locationCode === 'string') locationCodes.add(c.locationCode);
    }
    const itemsFound = await items.getMany(skus, tx);
    const locations = await locationsCache.getMany(locationCodes, tx);
    const { valid, rejected } = validateEvents(raw, itemsFound, locations, now);

    const sources = [...new Set(valid.map((v) => v.event.source))];
    const sourceRows = await repo.lockSources(tx, kind, sources);
    const heldRows = await repo.loadHeldEvents(tx, sources);
    const states = new Map(sources.map((s) => [s, toState(sourceRows.get(s)!, heldRows.filter((h) => h.source === s))]));
    const heldPayloads = new Map(heldRows.map((h) => [`${h.source}\u0000${h.sequence}`, JSON.parse(h.payload) as InventoryEvent]));

    const results: EventResult[] = [...rejected];
    const resultIndexByKey = new Map<string, number>();
    const postings: LedgerPosting[] = [];
    const postingMeta: Array<{ resultAt: number | undefined; late: boolean }> = [];
    const newlyHeld: InventoryHeldEventRow[] = [];
    const released: Array<{ source: string; sequence: number }> = [];
    const gapsToWatch = new Map<string, number>();
    const lateArrivals = new Map<string, number[]>();

    const enqueue = (event: InventoryEvent, late: boolean, resultAt: number | undefined) => {
      postings.push(toPosting(event, now));
      postingMeta.push({ resultAt, late });
    };
    for (const { index, event } of valid as ValidEvent[]) {
      const state = states.get(event.source)!;
      const verdict = classify(state, event.sequence);
      const key = `${event.source}\u0000${event.sequence}`;
      if (verdict.verdict === 'duplicate') {
        results.push({ index, result: 'exists', source: event.source, sequence: event.sequence });
      } else if (verdict.verdict === 'hold') {
        markHeld(state, event.sequence, now);
        heldPayloads.set(key, event);
        newlyHeld.push({ source: event.source, sequence: event.sequence, payload: JSON.stringify(event), held_at: now });
        resultIndexByKey.set(key, results.length);
        results.push({ index, result: 'held', source: event.source, sequence: event.sequence, missingFrom: verdict.missingFrom, missingTo: verdict.missingTo });
        if (!gapsToWatch.has(event.source)) gapsToWatch.set(event.source, verdict.missingFrom);
      } else {
        const at = results.length;
        results.push({ index, result: 'applied', source: event.source, sequence: event.sequence, movementId: '', late: verdict.late });
        if (verdict.late) lateArrivals.set(event.source, [...(lateArrivals.get(event.source) ?? []), event.sequence]);
        enqueue(event, verdict.late, at);
        for (const next of markApplied(state, event.sequence)) {
          const nextKey = `${event.source}\u0000${next}`;
          released.push({ source: event.source, sequence: next });
          enqueue(heldPayloads.get(nextKey)!, false, resultIndexByKey.get(nextKey));
        }
      }
    }

    const allowNegative = (code: string) => locations.get(code)?.allowNegativeOnHand ?? false;
    const posted = postings.length > 0 ? await post(tx, postings, allowNegative, hooks) : undefined;
    const report = posted?.report;
    let appliedFromHeld = 0;
    report?.outcomes.forEach((outcome, i) => {
      const { resultAt } = postingMeta[i]!;
      if (resultAt === undefined) {
        // Held by an earlier batch, which reported it as held; here it is only counted.
        if (outcome.ok) appliedFromHeld++;
        return;
      }
      const earlier = results[resultAt]!;
      const posting = postings[i]!;
      results[resultAt] = outcome.ok
        ? { index: earlier.index, result: 'applied', source: posting.source, sequence: posting.sourceSequence!, movementId: outcome.movementId, late: postingMeta[i]!.late }
        : { index: earlier.index, result: 'rejected', source: posting.source, sequence: posting.sourceSequence!, code: outcome.rejection.code, message: outcome.rejection.message };
    });

    // Events held and released within this batch never touch the held table; only the rest do.
    const heldNow = new Set(newlyHeld.map((h) => `${h.source}\u0000${h.sequence}`));
    const releasedNow = new Set(released.map((r) => `${r.source}\u0000${r.sequence}`));
    await repo.insertHeldEvents(tx, newlyHeld.filter((h) => !releasedNow.has(`${h.source}\u0000${h.sequence}`)));
    await repo.deleteHeldEvents(tx, released.filter((r) => !heldNow.has(`${r.source}\u0000${r.sequence}`)));
    await repo.updateSources(tx, sources.map((s) => ({ ...sourceRows.get(s)!, ...stateColumns(states.get(s)!), last_received_at: now })));
    for (const [source, missingFrom] of gapsToWatch) {
      if (states.get(source)!.held.size === 0) continue;
      await deps.timers.schedule(tx, { kind: GAP_TIMER_KIND, key: `inventory-gap:${source}:${missingFrom}`, dueAt: now + deps.gapTimeoutMs, payload: { source } });
    }
    const filled = await closeFilledGaps(tx, lateArrivals, states);
    await announce(tx, posted?.changes ?? [], hooks, posted?.sync);
    // An event that was understood but breaks a rule (it would take stock negative) consumes its
    // sequence number: the source has moved on and a correction must come as a new event. It is
    // announced so the exceptions work can own it; the raw message stays in the inbox.
    await deps.outbox.appendMany(
      tx,
      results.flatMap((r) =>
        r.result === 'rejected' && r.sequence !== undefined && ruleRejectionCodes.has(r.code)
          ? [{ source: '/crossdock/inventory', type: 'crossdock.inventory.event_rejected', subject: `source:${r.source}`, data: { source: r.source, sequence: r.sequence, code: r.code, message: r.message } }]
          : [],
      ),
    );
    // A gap whose every skipped number has now arrived is announced as filled, for the exception it raised.
    await deps.outbox.appendMany(tx, filled.map((g) => ({ source: '/crossdock/inventory', type: 'crossdock.inventory.gap_filled', subject: `source:${g.source}`, data: g })));

    results.sort((a, b) => a.index - b.index);
    return {
      received: raw.length,
      applied: results.filter((r) => r.result === 'applied').length,
      duplicates: results.filter((r) => r.result === 'exists').length,
      held: results.filter((r) => r.result === 'held').length,
      rejected: results.filter((r) => r.result === 'rejected').length,
      appliedFromHeld,
      // A batch of thousands is mostly events applied in order; listing each would make every stored
      // outcome as large as the batch. Only what needs attention is listed, with its index.
      results: results.filter((r) => r.result !== 'applied' || r.late),
    };
  }

  /**
   * A gap outlived its timeout: apply what was held behind it, remember the missing numbers as
   * skipped (they still apply if they arrive), and announce the gap for the exceptions work.
   */
  async function expireGaps(tx: Tx, source: string, hooks: CommitHooks): Promise<void> {
    const now = clock.now();
    const row = (await repo.lockSources(tx, kind, [source])).get(source)!;
    const held = await repo.loadHeldEvents(tx, [source]);
    const state = toState(row, held);
    const expiry = expireGap(state, now, deps.gapTimeoutMs);
    if (expiry) {
      const payloads = new Map(held.map((h) => [h.sequence, JSON.parse(h.payload) as InventoryEvent]));
      const postings = expiry.released.map((s) => toPosting(payloads.get(s)!, now));
      const locations = await deps.catalog.locations.getMany([...new Set(postings.map((p) => p.locationCode))], tx);
      const { changes } = await post(tx, postings, (code) => locations.get(code)?.allowNegativeOnHand ?? false, hooks);
      await repo.deleteHeldEvents(tx, expiry.released.map((sequence) => ({ source, sequence })));
      await repo.updateSources(tx, [{ ...row, ...stateColumns(state) }]);
      await rescheduleIfHeld(tx, source, state);
      // Remembered so that the late arrival of its last missing number can announce the gap filled.
      await repo.openGap(tx, source, expiry.skippedFrom, expiry.skippedTo, now);
      await announce(tx, changes, hooks);
      await deps.outbox.append(tx, {
        source: '/crossdock/inventory',
        type: 'crossdock.inventory.sequence_gap',
        subject: `source:${source}`,
        data: { source, skippedFrom: expiry.skippedFrom, skippedTo: expiry.skippedTo, appliedAfterGap: expiry.released.length },
      });
    } else {
      await rescheduleIfHeld(tx, source, state);
    }
  }

  /**
   * Late arrivals of skipped numbers: each recorded gap none of whose numbers is still skipped is
   * filled, and forgotten. Gaps of one source never touch (an applied number separates them).
   */
  async function closeFilledGaps(tx: Tx, lateArrivals: ReadonlyMap<string, number[]>, states: ReadonlyMap<string, SourceSequenceState>) {
    const filled: Array<{ source: string; skippedFrom: number; skippedTo: number }> = [];
    for (const [source, sequences] of lateArrivals) {
      const skipped = [...states.get(source)!.skipped];
      for (const gap of await repo.gapsContaining(tx, source, sequences)) {
        if (skipped.some((n) => n >= gap.skippedFrom && n <= gap.skippedTo)) continue;
        await repo.closeGap(tx, source, gap.skippedFrom);
        filled.push({ source, ...gap });
      }
    }
    return filled;
  }

  /** Another gap may remain behind the one just handled; it gets its own timer. */
  async function rescheduleIfHeld(tx: Tx, source: string, state: SourceSequenceState): Promise<void> {
    if (state.held.size === 0) return;
    const oldestHeldAt = Math.min(...state.held.values());
    await deps.timers.schedule(tx, {
      kind: GAP_TIMER_KIND,
      key: `inventory-gap:${source}:${state.nextExpected}`,
      dueAt: oldestHeldAt + deps.gapTimeoutMs,
      payload: { source },
    });
  }

  deps.timers.registerHandler(GAP_TIMER_KIND, (tx, timer, hooks) => expireGaps(tx, (timer.payload as { source: string }).source, hooks));

  return { ingestInTx, post, announce };
}

const stateColumns = (state: SourceSequenceState) => ({ next_expected: state.nextExpected, skipped: JSON.stringify([...state.skipped].sort((a, b) => a - b)) });

export type IngestService = ReturnType<typeof createIngestService>;
