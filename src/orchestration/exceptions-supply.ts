import type { Clock } from '../platform/clock.ts';
import type { Executor } from '../platform/db/store.ts';
import { AppError } from '../platform/errors.ts';
import type { OutboxService } from '../platform/outbox/index.ts';
import type { TimerService } from '../platform/timers/index.ts';
import type { ExceptionService, RaiseInput } from '../domains/exceptions/index.ts';
import type { ProcurementService, PurchaseOrder } from '../domains/procurement/index.ts';
import type { ReturnAuthorization } from '../domains/returns/index.ts';
import type { ExceptionRaising } from './exceptions-raising.ts';
import type { CatalogService } from '../domains/catalog/index.ts';
import { endOfDateMs } from '../platform/zoned-time.ts';

export interface ExceptionSupplyDeps {
  db: Executor;
  clock: Clock;
  catalog: CatalogService;
  outbox: OutboxService;
  timers: TimerService;
  procurement: ProcurementService;
  exceptions: ExceptionService;
  raising: ExceptionRaising;
}

/** Timer kind of a purchase order's expected date (key `po-due:<poId>:<expectedDate>`). */
export const PO_DUE_TIMER = 'procurement.po-due';
export const poDueTimerKey = (poId: string, expectedDate: string) => `po-due:${poId}:${expectedDate}`;

/** Inventory, returns and procurement events after which supply exceptions are looked at again. */
export const supplyExceptionEventTypes = [
  'crossdock.inventory.drift_detected',
  'crossdock.inventory.drift_cleared',
  'crossdock.inventory.sequence_gap',
  'crossdock.inventory.gap_filled',
  'crossdock.inventory.event_rejected',
  'crossdock.return.received',
  'crossdock.return.inspected',
  'crossdock.return.disposed',
  'crossdock.procurement.po_sent',
  'crossdock.procurement.po_acknowledged',
  'crossdock.procurement.po_shipped',
  'crossdock.procurement.po_partially_received',
  'crossdock.procurement.po_received',
  'crossdock.procurement.po_cancelled',
];

/** States in which a supplier owes goods it has been asked for; a proposal not sent owes nothing yet. */
const owedStates = new Set<PurchaseOrder['state']>(['sent', 'acknowledged', 'shipped', 'partially_received']);

interface DriftEvent {
  source: string;
  locationCode: string;
  asOf: string;
  sku: string;
  counted: number;
  expectedAtAsOf: number;
  drift: number;
  result: 'matched' | 'corrected' | 'rejected';
  code?: string;
  message?: string;
}

/** A count that disagrees with the ledger beyond tolerance: one live exception per SKU and location. */
export function driftRaise(d: DriftEvent, eventId: string): RaiseInput {
  const corrected = d.result === 'corrected';
  return {
    type: 'inventory_drift',
    subject: { type: 'item', id: `${d.sku}@${d.locationCode}` },
    // The subject links to its item already.
    related: [{ type: 'location', id: d.locationCode }],
    facts: { sku: d.sku, locationCode: d.locationCode, source: d.source, asOf: d.asOf, counted: d.counted, expectedAtAsOf: d.expectedAtAsOf, drift: d.drift, result: d.result, rejectionCode: d.code ?? null },
    rootCause: {
      code: corrected ? 'snapshot_drift' : 'snapshot_drift_rejected',
      message: `${d.source} counted ${d.counted} of ${d.sku} at ${d.locationCode} as of ${d.asOf}; the ledger expected ${d.expectedAtAsOf} (drift ${d.drift > 0 ? '+' : ''}${d.drift})${corrected ? '; posted as a correction' : `; the correction was refused: ${d.message ?? d.code ?? 'rejected'}`}`,
    },
    headline: `Count of ${d.sku} at ${d.locationCode} is off by ${d.drift}`,
    priorityInputs: { risk: Math.abs(d.drift) >= Math.max(10, d.expectedAtAsOf / 2) ? 'high' : 'medium' },
    // Each snapshot's finding is one occurrence; a later snapshot's drift updates the live exception.
    dedupeKey: eventId,
    causationId: eventId,
  };
}

/**
 * A gap in a warehouse feed's numbering outlived its timeout: the events behind it were applied and
 * the missing numbers recorded as skipped. The subject names the missing range of that feed.
 */
export function sequenceGapRaise(data: { source: string; skippedFrom: number; skippedTo: number; appliedAfterGap: number }, eventId: string): RaiseInput {
  const range = data.skippedFrom === data.skippedTo ? `${data.skippedFrom}` : `${data.skippedFrom}–${data.skippedTo}`;
  return {
    type: 'sequence_gap',
    subject: { type: 'message', id: `inventory-gap:${data.source}:${data.skippedFrom}-${data.skippedTo}` },
    facts: { source: data.source, skippedFrom: data.skippedFrom, skippedTo: data.skippedTo, appliedAfterGap: data.appliedAfterGap },
    rootCause: { code: 'sequence_gap', message: `events ${range} of ${data.source} never arrived; ${data.appliedAfterGap} later event(s) were applied without them` },
    headline: `Inventory feed ${data.source} is missing event(s) ${range}`,
    priorityInputs: { risk: 'high' },
    dedupeKey: eventId,
    causationId: eventId,
  };
}

/** A warehouse event the ledger refused (it would take stock negative): a movement nobody can explain yet. */
export function adjustmentAnomalyRaise(data: { source: string; sequence: number; code: string; message: string }, eventId: string): RaiseInput {
  return {
    type: 'adjustment_anomaly',
    subject: { type: 'message', id: `inventory-event:${data.source}:${data.sequence}` },
    facts: { source: data.source, sequence: data.sequence, code: data.code, message: data.message.slice(0, 500) },
    rootCause: { code: data.code.slice(0, 64), message: `event ${data.sequence} of ${data.source} was refused: ${data.message}`.slice(0, 500) },
    headline: `Inventory event ${data.sequence} of ${data.source} was refused (${data.code})`,
    priorityInputs: { risk: 'medium' },
    dedupeKey: eventId,
    causationId: eventId,
  };
}

/** Received units wait in quarantine for a disposition: the warehouse owns the inspection. */
export function returnInspectionRaise(rma: ReturnAuthorization, eventId: string): RaiseInput {
  const received = rma.lines.reduce((n, l) => n + l.receivedQuantity, 0);
  const disposed = rma.lines.reduce((n, l) => n + l.dispositions.reduce((m, d) => m + d.quantity, 0), 0);
  return {
    type: 'return_inspection',
    subject: { type: 'return', id: rma.id },
    related: [
      { type: 'order', id: rma.orderId },
      { type: 'customer', id: rma.customerCode },
      { type: 'location', id: rma.locationCode },
    ],
    facts: { returnId: rma.id, rmaNumber: rma.rmaNumber, orderId: rma.orderId, locationCode: rma.locationCode, receivedUnits: received, awaitingDisposition: received - disposed },
    rootCause: { code: 'inspection_required', message: `${received - disposed} of ${received} received unit(s) of ${rma.rmaNumber} wait in quarantine for a disposition` },
    headline: `Return ${rma.rmaNumber} waits for inspection at ${rma.locationCode}`,
    priorityInputs: { risk: 'low' },
    partnerCode: rma.partnerCode ?? null,
    dedupeKey: eventId,
    correlationId: rma.orderId,
    causationId: eventId,
  };
}

/** A purchase order past its expected date with goods still owed. */
export function supplierDelayRaise(po: PurchaseOrder, todayIso: string, causationId: string): RaiseInput {
  const owed = po.lines.reduce((n, l) => n + Math.max(0, (l.acknowledgedQuantity ?? l.quantity) - l.receivedQuantity), 0);
  return {
    type: 'supplier_delay',
    subject: { type: 'purchase_order', id: po.id },
    related: [
      { type: 'supplier', id: po.supplierCode },
      { type: 'location', id: po.locationCode },
      ...[...new Set(po.lines.map((l) => l.sku))].slice(0, 20).map((sku) => ({ type: 'item' as const, id: sku })),
    ],
    facts: { poNumber: po.poNumber, supplierCode: po.supplierCode, locationCode: po.locationCode, state: po.state, expectedDate: po.expectedDate, unitsOwed: owed, detectedOn: todayIso.slice(0, 10) },
    rootCause: { code: 'past_expected_date', message: `purchase order ${po.poNumber} from ${po.supplierCode} was expected at ${po.locationCode} on ${po.expectedDate}; ${owed} unit(s) have not arrived` },
    headline: `Purchase order ${po.poNumber} from ${po.supplierCode} is late`,
    priorityInputs: { risk: po.state === 'shipped' ? 'medium' : 'high' },
    // A slipped date is a new occurrence: the live exception is updated with it.
    dedupeKey: `${po.id}:${po.expectedDate}:${po.state}`,
    correlationId: po.poNumber,
    causationId,
  };
}

/**
 * Supply exceptions (DESIGN §7): a warehouse count that disagrees with the ledger, a gap in a
 * warehouse feed, a movement the ledger refused, returns waiting in quarantine and purchase orders
 * past their expected date become owned work, and clear when their condition does. Each step reads
 * the current state first (through `raising.apply`), so delivering an event twice changes nothing.
 */
export function createExceptionSupply(deps: ExceptionSupplyDeps) {
  const { exceptions, raising } = deps;

  /** The end of the purchase order's expected date at the location receiving it (UTC when unknown). */
  async function expectedDueAtMs(po: PurchaseOrder): Promise<number> {
    const location = (await deps.catalog.locations.getMany([po.locationCode])).get(po.locationCode);
    return endOfDateMs(po.expectedDate, location?.timezone);
  }

  /** Every date a purchase order is expected on gets a timer at the end of that day at its location. */
  async function watchExpectedDate(po: PurchaseOrder): Promise<void> {
    if (!owedStates.has(po.state)) return;
    await deps.timers.schedule(deps.db, { kind: PO_DUE_TIMER, key: poDueTimerKey(po.id, po.expectedDate), dueAt: await expectedDueAtMs(po), payload: { purchaseOrderId: po.id, expectedDate: po.expectedDate } });
  }

  async function onPurchaseOrderEvent(event: { id: string; type: string }, po: PurchaseOrder): Promise<void> {
    if (po.state === 'received' || po.state === 'cancelled') {
      const reason = po.state === 'received' ? `purchase order ${po.poNumber} received in full` : `purchase order ${po.poNumber} cancelled${po.cancelReason ? `: ${po.cancelReason}` : ''}`;
      await raising.apply([{ kind: 'resolve', type: 'supplier_delay', subject: { type: 'purchase_order', id: po.id }, reason }]);
      return;
    }
    await watchExpectedDate(po);
    // A live delay learns the supplier's new date (an 855 or an 856 that slipped or caught up).
    const live = await exceptions.findLive('supplier_delay', { type: 'purchase_order', id: po.id });
    if (live && owedStates.has(po.state)) {
      if ((await expectedDueAtMs(po)) >= deps.clock.now() && live.facts['expectedDate'] !== po.expectedDate) {
        await raising.apply([{ kind: 'resolve', type: 'supplier_delay', subject: { type: 'purchase_order', id: po.id }, reason: `the supplier now expects ${po.poNumber} on ${po.expectedDate}, not yet past` }]);
      } else {
        await raising.apply([{ kind: 'raise', input: supplierDelayRaise(po, new Date(deps.clock.now()).toISOString(), event.id) }]);
      }
    }
  }

  async function onEvent(event: { id: string; type: string; data: unknown }): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    switch (event.type) {
      case 'crossdock.inventory.drift_detected':
        return raising.apply([{ kind: 'raise', input: driftRaise(data as unknown as DriftEvent, event.id) }]);
      case 'crossdock.inventory.drift_cleared': {
        const d = data as unknown as DriftEvent;
        const reason = `${d.source} counted ${d.counted} of ${d.sku} at ${d.locationCode} as of ${d.asOf}, within tolerance of the ledger (drift ${d.drift > 0 ? '+' : ''}${d.drift})`;
        return raising.apply([{ kind: 'resolve', type: 'inventory_drift', subject: { type: 'item', id: `${d.sku}@${d.locationCode}` }, reason }]);
      }
      case 'crossdock.inventory.sequence_gap':
        return raising.apply([{ kind: 'raise', input: sequenceGapRaise(data as never, event.id) }]);
      case 'crossdock.inventory.gap_filled': {
        const g = data as { source: string; skippedFrom: number; skippedTo: number };
        const range = g.skippedFrom === g.skippedTo ? `${g.skippedFrom}` : `${g.skippedFrom}–${g.skippedTo}`;
        return raising.apply([{ kind: 'resolve', type: 'sequence_gap', subject: { type: 'message', id: `inventory-gap:${g.source}:${g.skippedFrom}-${g.skippedTo}` }, reason: `the missing event(s) ${range} of ${g.source} arrived late and were applied` }]);
      }
      case 'crossdock.inventory.event_rejected':
        return raising.apply([{ kind: 'raise', input: adjustmentAnomalyRaise(data as never, event.id) }]);
      case 'crossdock.return.received':
      case 'crossdock.return.inspected':
      case 'crossdock.return.disposed': {
        const rma = data['return'] as ReturnAuthorization | undefined;
        if (!rma) return;
        if (rma.state === 'disposed' || rma.state === 'credited' || event.type === 'crossdock.return.disposed') {
          return raising.apply([{ kind: 'resolve', type: 'return_inspection', subject: { type: 'return', id: rma.id }, reason: `every received unit of ${rma.rmaNumber} has a disposition` }]);
        }
        if (!rma.inspectionRequired) return;
        return raising.apply([{ kind: 'raise', input: returnInspectionRaise(rma, event.id) }]);
      }
      default: {
        if (!event.type.startsWith('crossdock.procurement.po_')) return;
        const po = data['purchaseOrder'] as { id?: string } | undefined;
        if (typeof po?.id !== 'string') return;
        // The event's copy may be older than the order; the order as it stands now decides.
        return onPurchaseOrderEvent(event, await deps.procurement.getPurchaseOrder(po.id));
      }
    }
  }

  /**
   * The end of a purchase order's expected date: still owed, on that same date, it is late. A date
   * that moved has its own timer; a received or cancelled order has nothing owed.
   */
  deps.timers.registerHandler(PO_DUE_TIMER, async (tx, timer) => {
    const { purchaseOrderId, expectedDate } = timer.payload as { purchaseOrderId: string; expectedDate: string };
    const po = await deps.procurement.getPurchaseOrder(purchaseOrderId, tx);
    if (!owedStates.has(po.state) || po.expectedDate !== expectedDate) return;
    const live = await exceptions.findLive('supplier_delay', { type: 'purchase_order', id: po.id }, tx);
    const input = supplierDelayRaise(po, new Date(deps.clock.now()).toISOString(), `timer:${timer.key}`);
    if (live?.lastRaiseKey === input.dedupeKey) return;
    // The raise appends its own events, the last writes of this transaction.
    await exceptions.raiseIn(tx, input);
  });

  deps.outbox.subscribe({ name: 'orchestration.exceptions-supply', types: supplyExceptionEventTypes, deliver: onEvent });

  /**
   * Accepting drift takes the count as the truth. The snapshot has already posted it as a correction
   * movement (never a silent overwrite), so accepting records that a person agrees; a correction the
   * ledger refused cannot be accepted this way: the warehouse must send a new count or movement.
   */
  exceptions.registerActionHandler('accept_drift', async ({ exception, reason }) => {
    if (exception.type !== 'inventory_drift' || exception.facts['result'] !== 'corrected') {
      const why = exception.type !== 'inventory_drift' ? 'only a counted drift can be accepted; send a correcting movement, or resolve it with a reason' : 'the ledger refused this correction; send a new count or a correcting movement';
      throw new AppError('action_not_allowed', `accept_drift cannot settle exception ${exception.id}: ${why}`, [{ path: 'params.action', message: why }]);
    }
    const { sku, locationCode, counted, drift } = exception.facts as { sku: string; locationCode: string; counted: number; drift: number };
    return { outcome: 'drift_accepted', resolves: true, message: `${counted} of ${sku} at ${locationCode} accepted as counted (correction ${drift > 0 ? '+' : ''}${drift} stands)${reason ? `: ${reason}` : ''}` };
  });

  return { onEvent };
}

export type ExceptionSupply = ReturnType<typeof createExceptionSupply>;
