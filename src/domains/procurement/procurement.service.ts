import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import { AppError, invariant, type ErrorDetail } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { NewEvent, OutboxService } from '../../platform/outbox/index.ts';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';
import type { CatalogService } from '../catalog/index.ts';
import { checkLifecycle } from '../orders/index.ts';
import { purchaseOrderLifecycle, transferLifecycle } from './procurement.lifecycle.ts';
import * as repo from './procurement.repo.ts';
import { acknowledgePurchaseOrder, cancelPurchaseOrder, sendPurchaseOrder, type StepOutcome } from './procurement.rules.ts';
import type { PurchaseOrderRow, ReplenishmentParametersRow, TransferRow } from './procurement.tables.ts';
import {
  openPurchaseOrderStates,
  openTransferStates,
  type AcknowledgeInput,
  type CreatePurchaseOrderInput,
  type PurchaseOrder,
  type PurchaseOrderQuery,
  type ReplenishmentParameters,
  type ReplenishmentParametersInput,
  type Transfer,
  type TransferQuery,
} from './procurement.types.ts';

export interface ProcurementDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  outbox: OutboxService;
}

export type StepAnswer<D> = { result: 'changed' | 'unchanged'; document: D };

const SOURCE = '/crossdock/procurement';
const dayMs = 86_400_000;

/** The UTC calendar date `days` whole days after the instant. */
export const dateAfterDays = (nowMs: number, days: number) => isoTime(nowMs + Math.ceil(days) * dayMs).slice(0, 10);

/** A PO number from the id: its time part and its last random digits, short enough for an 850. */
export const poNumberFor = (id: string) => {
  const hex = id.replace(/-/g, '').toUpperCase();
  return `PO-${hex.slice(0, 12)}${hex.slice(-6)}`;
};

const toParameters = (row: ReplenishmentParametersRow): ReplenishmentParameters => ({
  sku: row.sku,
  locationCode: row.location_code,
  method: row.method as ReplenishmentParameters['method'],
  reorderPoint: row.reorder_point === null ? null : Number(row.reorder_point),
  reorderQuantity: row.reorder_quantity === null ? null : Number(row.reorder_quantity),
  min: row.min_quantity === null ? null : Number(row.min_quantity),
  max: row.max_quantity === null ? null : Number(row.max_quantity),
  supplierCode: row.supplier_code,
  version: Number(row.version),
  updatedAt: isoTime(Number(row.updated_at)),
});

export const purchaseOrderRow = (po: PurchaseOrder): PurchaseOrderRow => ({
  id: po.id,
  po_number: po.poNumber,
  supplier_code: po.supplierCode,
  location_code: po.locationCode,
  state: po.state,
  expected_date: po.expectedDate,
  document: JSON.stringify(po),
  version: po.version,
  created_at: Date.parse(po.createdAt),
  updated_at: Date.parse(po.updatedAt),
});

export const transferRow = (t: Transfer): TransferRow => ({
  id: t.id,
  from_location_code: t.fromLocationCode,
  to_location_code: t.toLocationCode,
  state: t.state,
  order_id: t.orderId ?? null,
  expected_arrival_at: Date.parse(t.expectedArrivalAt),
  document: JSON.stringify(t),
  version: t.version,
  created_at: Date.parse(t.createdAt),
  updated_at: Date.parse(t.updatedAt),
});

const parsePo = (row: { document: string }) => JSON.parse(row.document) as PurchaseOrder;
const parseTransfer = (row: { document: string }) => JSON.parse(row.document) as Transfer;

/** The announcement of a purchase order step: `crossdock.procurement.po_<what happened>`. */
export const purchaseOrderEvent = (po: PurchaseOrder, what: string, from: string | null): NewEvent => ({
  source: SOURCE,
  type: `crossdock.procurement.po_${what}`,
  subject: `purchase_order:${po.id}`,
  data: { purchaseOrder: po, from, to: po.state },
  correlationId: po.poNumber,
});

export const transferEvent = (t: Transfer, from: string | null): NewEvent => ({
  source: SOURCE,
  type: `crossdock.procurement.transfer_${t.state}`,
  subject: `transfer:${t.id}`,
  data: { transfer: t, from, to: t.state },
});

/** A lifecycle refusal as the caller sees it: a state conflict, or a line the document does not have. */
export function stepRefusal(outcome: Extract<StepOutcome<unknown, string>, { ok: false }>): AppError {
  if (outcome.reason === 'unknown_line' || outcome.reason === 'quantity_above_ordered') {
    return new AppError('unprocessable', outcome.message, [{ path: outcome.path ?? 'body.lines', message: outcome.message, code: outcome.reason }]);
  }
  return new AppError('invalid_state', outcome.message, [{ path: 'state', message: outcome.message, code: outcome.reason }]);
}

/** The 404 for a purchase order or transfer id that names none, for this service and the flows that lock them. */
export const documentNotFound = (what: 'purchase order' | 'transfer', id: string) =>
  new AppError('not_found', `${what} ${id} does not exist`, [{ path: 'params.id', message: `no ${what} with this id` }]);

/**
 * Procurement: replenishment parameters, purchase orders and transfers. Steps that touch nothing but
 * the document (a purchase order's send, acknowledge, cancel) run here in one transaction with their
 * event; steps that move goods, supply or reservations (every transfer step, a purchase order's ship
 * and receive) are orchestrated with inventory and use the lock-and-save methods inside their own
 * transaction.
 */
export function createProcurementService(deps: ProcurementDeps) {
  const { db, kind, clock, ids, catalog, outbox } = deps;
  // A broken lifecycle table is a bug in this release; it stops the hub before it takes a purchase order.
  const problems = [...checkLifecycle(purchaseOrderLifecycle), ...checkLifecycle(transferLifecycle)];
  if (problems.length > 0) throw new Error(`the procurement lifecycles are inconsistent:\n${problems.join('\n')}`);

  async function checkReferences(refs: Array<{ kind: 'item' | 'location' | 'supplier'; key: string; path: string }>): Promise<void> {
    const keysOf = (k: string) => [...new Set(refs.filter((r) => r.kind === k).map((r) => r.key))];
    const [items, locations, suppliers] = await Promise.all([catalog.items.getMany(keysOf('item')), catalog.locations.getMany(keysOf('location')), catalog.suppliers.getMany(keysOf('supplier'))]);
    const known = { item: items, location: locations, supplier: suppliers };
    const details: ErrorDetail[] = refs.filter((r) => !known[r.kind].has(r.key)).map((r) => ({ path: r.path, message: `${r.kind} ${r.key} does not exist`, kind: r.kind, key: r.key }));
    if (details.length > 0) throw new AppError('unknown_reference', `${details[0]!.path}: ${details[0]!.message}`, details);
  }

  /** Runs a document-only step on a purchase order: lock, apply, save, announce. */
  async function stepPurchaseOrder(id: string, what: string, apply: (po: PurchaseOrder, nowIso: string) => StepOutcome<PurchaseOrder, string>): Promise<StepAnswer<PurchaseOrder>> {
    const nowIso = isoTime(clock.now());
    return db.transaction().execute(async (tx) => {
      const po = await service.lockPurchaseOrder(tx, id);
      if (!po) throw documentNotFound('purchase order', id);
      const outcome = apply(po, nowIso);
      if (!outcome.ok) throw stepRefusal(outcome);
      if (!outcome.changed) return { result: 'unchanged' as const, document: po };
      await service.savePurchaseOrderIn(tx, po, outcome.document);
      await outbox.appendMany(tx, [purchaseOrderEvent(outcome.document, what, outcome.from)]);
      return { result: 'changed' as const, document: outcome.document };
    });
  }

  const service = {
    // ------------------------------------------------------------ parameters

    /** 404 for an unknown SKU or location; 422 unknown_reference for an unknown supplier. */
    async setParameters(sku: string, locationCode: string, input: ReplenishmentParametersInput): Promise<ReplenishmentParameters> {
      const [items, locations] = await Promise.all([catalog.items.getMany([sku]), catalog.locations.getMany([locationCode])]);
      if (!items.has(sku)) throw new AppError('not_found', `item ${sku} does not exist`, [{ path: 'params.sku', message: 'no item with this SKU' }]);
      if (!locations.has(locationCode)) throw new AppError('not_found', `location ${locationCode} does not exist`, [{ path: 'params.locationCode', message: 'no location with this code' }]);
      if (input.supplierCode !== undefined) await checkReferences([{ kind: 'supplier', key: input.supplierCode, path: 'body.supplierCode' }]);
      const row = await repo.upsertParameters(db, {
        sku,
        location_code: locationCode,
        method: input.method,
        reorder_point: input.method === 'reorder_point' ? input.reorderPoint : null,
        reorder_quantity: input.method === 'reorder_point' ? input.reorderQuantity : null,
        min_quantity: input.method === 'min_max' ? input.min : null,
        max_quantity: input.method === 'min_max' ? input.max : null,
        supplier_code: input.supplierCode ?? null,
        updated_at: clock.now(),
      });
      return toParameters(row);
    },

    async listParameters(query: { sku?: string | undefined; locationCode?: string | undefined; limit: number; cursor?: string | undefined }): Promise<Page<ReplenishmentParameters>> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s', 's'] as const);
      const rows = await repo.listParameters(db, { sku: query.sku, locationCode: query.locationCode, after, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return { items: page.map(toParameters), nextCursor: rows.length > query.limit && last ? encodeCursor([last.sku, last.location_code]) : null };
    },

    async allParameters(executor: Executor = db): Promise<ReplenishmentParameters[]> {
      return (await repo.allParameters(executor)).map(toParameters);
    },

    // ------------------------------------------------------------ purchase orders

    /**
     * A purchase order entered by a person or the ERP, in state proposed. A PO number already known
     * answers `exists` with the stored order (I5); unknown supplier, location or SKUs are 422.
     */
    async createPurchaseOrder(input: CreatePurchaseOrderInput): Promise<{ result: 'created' | 'exists'; purchaseOrder: PurchaseOrder }> {
      if (input.poNumber !== undefined) {
        const existing = await repo.findPurchaseOrderByNumber(db, input.poNumber);
        if (existing) return { result: 'exists', purchaseOrder: parsePo(existing) };
      }
      await checkReferences([
        { kind: 'supplier', key: input.supplierCode, path: 'body.supplierCode' },
        { kind: 'location', key: input.locationCode, path: 'body.locationCode' },
        ...input.lines.map((l, i) => ({ kind: 'item' as const, key: l.sku, path: `body.lines.${i}.sku` })),
      ]);
      const [supplier, items] = await Promise.all([
        catalog.suppliers.getMany([input.supplierCode]).then((m) => m.get(input.supplierCode)!),
        catalog.items.getMany(input.lines.map((l) => l.sku)),
      ]);
      const now = clock.now();
      const id = ids.next();
      const po: PurchaseOrder = {
        id,
        poNumber: input.poNumber ?? poNumberFor(id),
        supplierCode: input.supplierCode,
        locationCode: input.locationCode,
        currency: input.currency ?? supplier.currency,
        state: 'proposed',
        lines: input.lines.map((l) => ({ lineNumber: l.lineNumber, sku: l.sku, quantity: l.quantity, receivedQuantity: 0, unitCostMinor: l.unitCostMinor ?? items.get(l.sku)!.unitCostMinor })),
        expectedDate: input.expectedDate ?? dateAfterDays(now, supplier.leadTimeDaysMean),
        origin: 'manual',
        ...(input.reason !== undefined && { reason: input.reason }),
        receipts: [],
        createdAt: isoTime(now),
        updatedAt: isoTime(now),
        version: 1,
      };
      return db.transaction().execute(async (tx) => {
        // The unique PO number decides between two senders racing with the same number.
        if (!(await repo.insertPurchaseOrderIfNew(tx, purchaseOrderRow(po)))) {
          const existing = await repo.findPurchaseOrderByNumber(tx, po.poNumber);
          invariant(existing, `purchase order ${po.poNumber} conflicted on insert but cannot be read`);
          return { result: 'exists' as const, purchaseOrder: parsePo(existing) };
        }
        await outbox.appendMany(tx, [purchaseOrderEvent(po, 'proposed', null)]);
        return { result: 'created' as const, purchaseOrder: po };
      });
    },

    /** Inside another's transaction pass its `tx` (on SQLite the database outside it would wait forever). */
    async getPurchaseOrder(id: string, executor: Executor = db): Promise<PurchaseOrder> {
      const row = await repo.findPurchaseOrder(executor, id);
      if (!row) throw documentNotFound('purchase order', id);
      return parsePo(row);
    },

    /** The purchase order with this PO number (as a partner's 856 or 944 names it), inside the caller's transaction when given. */
    async findPurchaseOrderByNumber(poNumber: string, executor: Executor = db): Promise<PurchaseOrder | undefined> {
      const row = await repo.findPurchaseOrderByNumber(executor, poNumber);
      return row && parsePo(row);
    },

    async listPurchaseOrders(query: PurchaseOrderQuery): Promise<Page<PurchaseOrder>> {
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.listPurchaseOrders(db, { ...query, beforeId, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return { items: page.map(parsePo), nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null };
    },

    /** Purchase orders that still bring supply (proposals included), inside the caller's transaction when given. */
    async openPurchaseOrders(executor: Executor = db): Promise<PurchaseOrder[]> {
      return (await repo.purchaseOrdersInStates(executor, openPurchaseOrderStates)).map(parsePo);
    },

    send: (id: string) => stepPurchaseOrder(id, 'sent', sendPurchaseOrder),
    acknowledge: (id: string, input: AcknowledgeInput) => stepPurchaseOrder(id, 'acknowledged', (po, nowIso) => acknowledgePurchaseOrder(po, input, nowIso)),
    cancel: (id: string, reason: string | undefined) => stepPurchaseOrder(id, 'cancelled', (po, nowIso) => cancelPurchaseOrder(po, reason, nowIso)),

    async lockPurchaseOrder(tx: Tx, id: string): Promise<PurchaseOrder | undefined> {
      const row = await repo.lockPurchaseOrder(tx, kind, id);
      return row && parsePo(row);
    },

    /** Saves `after` over `before`; the row is locked by the caller, so a lost race is a bug. */
    async savePurchaseOrderIn(tx: Tx, before: PurchaseOrder, after: PurchaseOrder): Promise<void> {
      const row = purchaseOrderRow(after);
      const saved = await repo.savePurchaseOrder(tx, row, before.version);
      invariant(saved, `purchase order ${before.id} changed under its row lock`);
    },

    // ------------------------------------------------------------ transfers

    async getTransfer(id: string): Promise<Transfer> {
      const row = await repo.findTransfer(db, id);
      if (!row) throw documentNotFound('transfer', id);
      return parseTransfer(row);
    },

    async listTransfers(query: TransferQuery): Promise<Page<Transfer>> {
      const beforeId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.listTransfers(db, { ...query, beforeId, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return { items: page.map(parseTransfer), nextCursor: rows.length > query.limit ? encodeCursor([page[page.length - 1]!.id]) : null };
    },

    async openTransfers(executor: Executor = db): Promise<Transfer[]> {
      return (await repo.transfersInStates(executor, openTransferStates)).map(parseTransfer);
    },

    async lockTransfer(tx: Tx, id: string): Promise<Transfer | undefined> {
      const row = await repo.lockTransfer(tx, kind, id);
      return row && parseTransfer(row);
    },

    async saveTransferIn(tx: Tx, before: Transfer, after: Transfer): Promise<void> {
      const saved = await repo.saveTransfer(tx, transferRow(after), before.version);
      invariant(saved, `transfer ${before.id} changed under its row lock`);
    },

    /** Stores new transfers inside the caller's transaction (sourcing's, with the order's allocation); the caller announces them. */
    insertTransfersIn: (tx: Tx, transfers: readonly Transfer[]) => repo.insertTransfers(tx, transfers.map(transferRow)),

    // ------------------------------------------------------------ runs

    /** One replenishment run decides at a time, so two runs cannot both propose for the same need. */
    lockRun: (tx: Tx) => repo.lockRun(tx, kind),

    /** Stores a run's proposals inside its transaction; the caller announces them. */
    async insertProposalsIn(tx: Tx, proposals: { purchaseOrders: readonly PurchaseOrder[]; transfers: readonly Transfer[] }): Promise<void> {
      await repo.insertPurchaseOrders(tx, proposals.purchaseOrders.map(purchaseOrderRow));
      await repo.insertTransfers(tx, proposals.transfers.map(transferRow));
    },
  };
  return service;
}

export type ProcurementService = ReturnType<typeof createProcurementService>;
