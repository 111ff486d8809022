import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { CommitHooks } from '../../platform/db/after-commit.ts';
import type { StoreKind, Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import { zodDetails } from '../../platform/http/error-handler.ts';
import { toBaseUnits, type CatalogService } from '../catalog/index.ts';
import { refuseTimeAhead } from '../shared/index.ts';
import type { IngestService } from './ingest.service.ts';
import * as ingestRepo from './ingest.repo.ts';
import { inventorySnapshotSchema } from './inventory.types.ts';
import type { LedgerPosting } from './ledger.posting.ts';
import { lockPositions, positionKey } from './ledger.repo.ts';
import { computeDrift, defaultDriftPolicy, type Drift, type DriftPolicy } from './snapshot.rules.ts';

export interface SnapshotLineResult extends Drift {
  result: 'matched' | 'corrected' | 'rejected';
  code?: string;
  message?: string;
}

export interface SnapshotReport {
  source: string;
  locationCode: string;
  asOf: string;
  counted: number;
  matched: number;
  corrected: number;
  driftEvents: number;
  rejected: Array<{ index: number; sku: string; code: string; message: string }>;
  lines: SnapshotLineResult[];
}

export interface SnapshotDeps {
  kind: StoreKind;
  clock: Clock;
  catalog: CatalogService;
  outbox: OutboxService;
  ingest: IngestService;
  policy?: DriftPolicy;
}

/**
 * Reconciles an absolute count (a legacy WMS's periodic file, an 846) against the ledger: drift is
 * posted as a correction movement with its reason, never a silent overwrite, and drift beyond
 * tolerance is announced for the exceptions work.
 */
export function createSnapshotService(deps: SnapshotDeps) {
  const policy = deps.policy ?? defaultDriftPolicy;

  async function reconcileInTx(tx: Tx, raw: unknown, hooks: CommitHooks): Promise<SnapshotReport> {
    const parsed = inventorySnapshotSchema.safeParse(raw);
    if (!parsed.success) throw new AppError('validation_failed', 'the snapshot is not valid', zodDetails(parsed.error));
    const snapshot = parsed.data;
    // The correction is dated asOf and every movement after asOf is taken as not yet counted: a count
    // dated next year would have each real count until then add its correction to on hand again.
    refuseTimeAhead('the snapshot cannot be reconciled', 'asOf', snapshot.asOf, deps.clock.now());
    const location = (await deps.catalog.locations.getMany([snapshot.locationCode], tx)).get(snapshot.locationCode);
    if (!location) {
      throw new AppError('unprocessable', `no location ${snapshot.locationCode} in master data`, [{ path: 'locationCode', message: 'unknown location' }]);
    }
    const asOfMs = Date.parse(snapshot.asOf);
    const items = await deps.catalog.items.getMany(snapshot.counts.map((c) => c.sku), tx);

    const rejected: SnapshotReport['rejected'] = [];
    const counted = new Map<string, number>();
    snapshot.counts.forEach((line, index) => {
      const item = items.get(line.sku);
      if (!item) return void rejected.push({ index, sku: line.sku, code: 'unknown_sku', message: `counts.${index}.sku: no item ${line.sku} in master data` });
      if (counted.has(line.sku)) return void rejected.push({ index, sku: line.sku, code: 'duplicate_sku', message: `counts.${index}.sku: ${line.sku} is counted twice` });
      const converted = toBaseUnits(item, line.onHand, line.unit);
      if (!converted.ok) return void rejected.push({ index, sku: line.sku, code: converted.code, message: `counts.${index}.unit: ${converted.message}` });
      counted.set(line.sku, converted.quantity);
    });
    if (snapshot.complete) {
      // A complete count that leaves a SKU out says none were found.
      const stocked = await tx.selectFrom('inventory_positions').select('sku').where('location_code', '=', snapshot.locationCode).where('on_hand', '!=', 0).execute();
      for (const { sku } of stocked) if (!counted.has(sku)) counted.set(sku, 0);
    }

    const skus = [...counted.keys()];
    const now = deps.clock.now();
    const positions = await lockPositions(tx, deps.kind, skus.map((sku) => ({ sku, locationCode: snapshot.locationCode })), now);
    const after = skus.length === 0 ? [] : (
      await sql<{ sku: string; delta: number }>`
        select sku, sum(d_on_hand) as delta from inventory_movements
        where location_code = ${snapshot.locationCode} and occurred_at > ${asOfMs} and sku in (${sql.join(skus)})
        group by sku`.execute(tx)
    ).rows;
    const deltaAfter = new Map(after.map((r) => [r.sku, Number(r.delta)]));

    const drifts = skus.map((sku) =>
      computeDrift(
        { sku, counted: counted.get(sku)!, currentOnHand: positions.get(positionKey(sku, snapshot.locationCode))!.onHand, onHandDeltaAfterAsOf: deltaAfter.get(sku) ?? 0 },
        policy,
      ),
    );
    const corrections = drifts.filter((d) => d.drift !== 0);
    const postings: LedgerPosting[] = corrections.map((d) => ({
      sku: d.sku,
      locationCode: snapshot.locationCode,
      type: 'correction',
      deltas: { onHand: d.drift },
      reasonCode: 'snapshot_drift',
      source: snapshot.source,
      sourceSequence: null,
      occurredAt: asOfMs,
      receivedAt: now,
      reference: `snapshot:${snapshot.source}:${snapshot.asOf}`,
    }));
    const { report, changes } = await deps.ingest.post(tx, postings, () => location.allowNegativeOnHand, hooks);
    const outcomeBySku = new Map(corrections.map((d, i) => [d.sku, report.outcomes[i]!]));

    const lines: SnapshotLineResult[] = drifts.map((d) => {
      const outcome = outcomeBySku.get(d.sku);
      if (!outcome) return { ...d, result: 'matched' };
      return outcome.ok ? { ...d, result: 'corrected' } : { ...d, result: 'rejected', code: outcome.rejection.code, message: outcome.rejection.message };
    });
    const beyond = lines.filter((l) => l.beyondTolerance);
    const driftUnits = lines.reduce((sum, l) => sum + Math.abs(l.drift), 0);
    const countedUnits = lines.reduce((sum, l) => sum + l.counted, 0);
    await ingestRepo.recordDrift(tx, snapshot.source, snapshot.locationCode, driftUnits, countedUnits, now);
    // Drift found earlier clears when a later count agrees within tolerance (matched, or a small correction).
    await ingestRepo.markDriftOpen(tx, beyond.map((l) => ({ sku: l.sku, location_code: snapshot.locationCode, source: snapshot.source, as_of: snapshot.asOf, detected_at: now })));
    const cleared = new Set(await ingestRepo.clearDrift(tx, snapshot.locationCode, lines.filter((l) => !l.beyondTolerance).map((l) => l.sku)));
    // Outbox appends come last (see IngestService.post).
    await deps.ingest.announce(tx, changes, hooks);
    for (const line of beyond) {
      await deps.outbox.append(tx, {
        source: '/crossdock/inventory',
        type: 'crossdock.inventory.drift_detected',
        subject: `item/${line.sku}@${snapshot.locationCode}`,
        data: { source: snapshot.source, locationCode: snapshot.locationCode, asOf: snapshot.asOf, ...line },
      });
    }
    for (const line of lines.filter((l) => cleared.has(l.sku))) {
      await deps.outbox.append(tx, {
        source: '/crossdock/inventory',
        type: 'crossdock.inventory.drift_cleared',
        subject: `item/${line.sku}@${snapshot.locationCode}`,
        data: { source: snapshot.source, locationCode: snapshot.locationCode, asOf: snapshot.asOf, ...line },
      });
    }

    return {
      source: snapshot.source,
      locationCode: snapshot.locationCode,
      asOf: snapshot.asOf,
      counted: lines.length,
      matched: lines.filter((l) => l.result === 'matched').length,
      corrected: lines.filter((l) => l.result === 'corrected').length,
      driftEvents: beyond.length,
      rejected,
      lines,
    };
  }

  return { reconcileInTx };
}

export type SnapshotService = ReturnType<typeof createSnapshotService>;
