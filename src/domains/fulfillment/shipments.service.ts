import type { Executor, Tx } from '../../platform/db/store.ts';
import { invariant } from '../../platform/errors.ts';
import * as repo from './shipments.repo.ts';
import type { ShipmentRow } from './shipments.tables.ts';
import { shipmentSchema, type CarrierMilestone, type Shipment } from './fulfillment.types.ts';

const parse = (row: ShipmentRow): Shipment => JSON.parse(row.document) as Shipment;

/**
 * Confirmed shipments and their carrier milestones. Writes happen in the caller's transaction: a
 * shipment is recorded together with the order, reservations and ledger movements it changes.
 */
export function createShipmentService(deps: { db: Executor }) {
  return {
    /**
     * Stores a new shipment; a shipment number already used at the location answers `exists` with the
     * stored shipment and writes nothing. The unique key decides, so concurrent duplicates are safe.
     */
    async recordIn(tx: Tx, shipment: Shipment, createdAtMs: number): Promise<{ result: 'created' | 'exists'; shipment: Shipment }> {
      const valid = shipmentSchema.parse(shipment);
      invariant(valid.fulfillmentRequestId !== undefined, `shipment ${valid.id} needs its fulfillment request`);
      const inserted = await repo.insertShipmentIfNew(tx, {
        id: valid.id,
        order_id: valid.orderId,
        fulfillment_request_id: valid.fulfillmentRequestId,
        location_code: valid.locationCode,
        shipment_number: valid.shipmentNumber,
        shipped_at: Date.parse(valid.shippedAt),
        document: JSON.stringify(valid),
        created_at: createdAtMs,
      });
      if (inserted) return { result: 'created', shipment: valid };
      const existing = await repo.findShipmentByNumber(tx, valid.locationCode, valid.shipmentNumber);
      invariant(existing, 'a conflict on the shipment number implies the shipment exists');
      return { result: 'exists', shipment: parse(existing) };
    },

    async get(id: string, executor: Executor = deps.db): Promise<Shipment | undefined> {
      const row = await repo.findShipment(executor, id);
      return row && parse(row);
    },

    async findByNumber(locationCode: string, shipmentNumber: string, executor: Executor = deps.db): Promise<Shipment | undefined> {
      const row = await repo.findShipmentByNumber(executor, locationCode, shipmentNumber);
      return row && parse(row);
    },

    async listForOrder(orderId: string, executor: Executor = deps.db): Promise<Shipment[]> {
      return (await repo.listShipmentsForOrder(executor, orderId)).map(parse);
    },

    /**
     * Adds a carrier milestone. Carriers repeat themselves, so the same type at the same time again
     * answers `exists` and changes nothing. The caller serialises writers to one shipment (it holds
     * the order's lock), so reading and rewriting the document loses no milestone.
     */
    async addMilestoneIn(tx: Tx, id: string, milestone: CarrierMilestone): Promise<{ result: 'added' | 'exists'; shipment: Shipment } | undefined> {
      const row = await repo.findShipment(tx, id);
      if (!row) return undefined;
      const shipment = parse(row);
      const same = shipment.milestones.find((m) => m.type === milestone.type && Date.parse(m.occurredAt) === Date.parse(milestone.occurredAt));
      if (same) return { result: 'exists', shipment };
      const milestones = [...shipment.milestones, milestone].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
      const next = shipmentSchema.parse({ ...shipment, milestones });
      await repo.updateShipmentDocument(tx, id, JSON.stringify(next));
      return { result: 'added', shipment: next };
    },

    /** Records that an order's promise date was missed; true only for the first report (the one to announce). */
    async recordPromiseBreachIn(tx: Tx, breach: { orderId: string; promiseDate: string; cause: 'timer' | 'delayed'; raisedAtMs: number }): Promise<boolean> {
      return repo.insertBreachIfAbsent(tx, { order_id: breach.orderId, promise_date: breach.promiseDate, cause: breach.cause, raised_at: breach.raisedAtMs });
    },
  };
}

export type ShipmentService = ReturnType<typeof createShipmentService>;

/** Whether a carrier has reported the shipment delivered. */
export const isDelivered = (shipment: Shipment): boolean => shipment.milestones.some((m) => m.type === 'delivered');
