import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor, Tx } from '../../platform/db/store.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { AvailabilityProjection } from './availability.projection.ts';
import type { InboundSupplyRow } from './inventory.tables.ts';
import * as repo from './supply.repo.ts';
import type { InboundSupply, InboundSupplyInput, SafetyStock } from './supply.types.ts';

export interface SupplyDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  /** Updated after each commit, so the next ATP read sees the change. */
  projection: AvailabilityProjection;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Lines in SKU then location order, compared by code units so both stores give the same order. */
const toInboundSupply = (reference: string, kind: InboundSupply['kind'], rows: readonly InboundSupplyRow[], updatedAt: number | null): InboundSupply => ({
  reference,
  kind,
  lines: [...rows].sort((a, b) => byCodeUnits(a.sku, b.sku) || byCodeUnits(a.location_code, b.location_code)).map((r) => ({ sku: r.sku, locationCode: r.location_code, quantity: r.quantity, expectedAt: isoTime(r.expected_at) })),
  updatedAt: updatedAt === null ? null : isoTime(updatedAt),
});

/**
 * Safety stock and inbound supply (purchase orders, transfers in transit): what planners and
 * procurement systems tell the hub so ATP holds stock back and promise-by-date sees what is coming.
 */
export function createSupplyService(deps: SupplyDeps) {
  const { db, clock, catalog, projection } = deps;

  async function requireItemAndLocation(sku: string, locationCode: string): Promise<void> {
    const [items, locations] = await Promise.all([catalog.items.getMany([sku]), catalog.locations.getMany([locationCode])]);
    if (!items.has(sku)) throw new AppError('not_found', `item ${sku} does not exist`, [{ path: 'params.sku', message: 'no item with this SKU' }]);
    if (!locations.has(locationCode)) {
      throw new AppError('not_found', `location ${locationCode} does not exist`, [{ path: 'params.locationCode', message: 'no location with this code' }]);
    }
  }

  /** Duplicate lines first, then unknown SKUs and locations, each in line order. */
  async function checkLines(input: InboundSupplyInput, executor: Executor = db): Promise<void> {
    const seen = new Map<string, number>();
    input.lines.forEach((line, i) => {
      const key = `${line.sku}\u0000${line.locationCode}`;
      const first = seen.get(key);
      if (first !== undefined) {
        throw new AppError('validation_failed', `body.lines.${i}: ${line.sku} at ${line.locationCode} is already line ${first}; give one line per SKU and location`, [
          { path: `body.lines.${i}`, message: `duplicates line ${first}` },
        ]);
      }
      seen.set(key, i);
    });
    const [items, locations] = await Promise.all([
      catalog.items.getMany(input.lines.map((l) => l.sku), executor),
      catalog.locations.getMany(input.lines.map((l) => l.locationCode), executor),
    ]);
    const details: ErrorDetail[] = [];
    input.lines.forEach((line, i) => {
      if (!items.has(line.sku)) details.push({ path: `body.lines.${i}.sku`, message: `item ${line.sku} does not exist`, kind: 'item', key: line.sku });
      if (!locations.has(line.locationCode)) {
        details.push({ path: `body.lines.${i}.locationCode`, message: `location ${line.locationCode} does not exist`, kind: 'location', key: line.locationCode });
      }
    });
    if (details.length > 0) throw new AppError('unknown_reference', `${details[0]!.path}: ${details[0]!.message}`, details);
  }

  const supplyRows = (reference: string, input: InboundSupplyInput, now: number): InboundSupplyRow[] =>
    input.lines.map((line) => ({
      reference,
      sku: line.sku,
      location_code: line.locationCode,
      quantity: line.quantity,
      expected_at: Date.parse(line.expectedAt),
      kind: input.kind,
      updated_at: now,
    }));

  return {
    async setSafetyStock(sku: string, locationCode: string, quantity: number): Promise<SafetyStock> {
      await requireItemAndLocation(sku, locationCode);
      const now = clock.now();
      await repo.upsertSafetyStock(db, { sku, location_code: locationCode, quantity, updated_at: now });
      projection.setSafetyStock(sku, locationCode, quantity, now);
      return { sku, locationCode, quantity, updatedAt: isoTime(now) };
    },

    /** 404 not_found when no safety stock is set for the pair. */
    async getSafetyStock(sku: string, locationCode: string): Promise<SafetyStock> {
      const row = await repo.findSafetyStock(db, sku, locationCode);
      if (!row) throw new AppError('not_found', `no safety stock is set for ${sku} at ${locationCode}`, [{ path: 'params', message: 'none set' }]);
      return { sku: row.sku, locationCode: row.location_code, quantity: row.quantity, updatedAt: isoTime(row.updated_at) };
    },

    /** Replaces every line of the reference in one transaction; an empty list removes it. */
    async replaceInboundSupply(reference: string, input: InboundSupplyInput): Promise<InboundSupply> {
      await checkLines(input);
      const now = clock.now();
      const rows = supplyRows(reference, input, now);
      await db.transaction().execute((tx) => repo.replaceInboundSupply(tx, reference, rows));
      projection.replaceInbound(reference, rows, now);
      return toInboundSupply(reference, input.kind, rows, rows.length > 0 ? now : null);
    },

    /**
     * The same inside the caller's transaction, so supply moves with the step that changed it (a
     * document taken in through the inbox commits with its message). The caller runs the returned
     * function after its commit: only then may ATP readers see the new supply.
     */
    async replaceInboundSupplyIn(tx: Tx, reference: string, input: InboundSupplyInput): Promise<() => void> {
      await checkLines(input, tx);
      const now = clock.now();
      const rows = supplyRows(reference, input, now);
      await repo.replaceInboundSupply(tx, reference, rows);
      return () => projection.replaceInbound(reference, rows, now);
    },

    /** 404 not_found when the reference has no open lines. */
    async getInboundSupply(reference: string): Promise<InboundSupply> {
      const rows = await repo.findInboundSupply(db, reference);
      const first = rows[0];
      if (!first) throw new AppError('not_found', `no inbound supply is recorded under ${reference}`, [{ path: 'params.reference', message: 'none recorded' }]);
      return toInboundSupply(reference, first.kind as InboundSupply['kind'], rows, Math.max(...rows.map((r) => r.updated_at)));
    },
  };
}

export type SupplyService = ReturnType<typeof createSupplyService>;
