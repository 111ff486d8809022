/** A confirmed shipment: the canonical shipment as JSON, plus what lookups and dedupe need. */
export interface ShipmentRow {
  id: string;
  order_id: string;
  fulfillment_request_id: string;
  location_code: string;
  /** The warehouse's own shipment number; unique per location. */
  shipment_number: string;
  shipped_at: number;
  document: string;
  created_at: number;
}

/** An order whose promise date was missed and announced; at most one row, and one event, per order. */
export interface OrderPromiseBreachRow {
  order_id: string;
  promise_date: string;
  /** What revealed it: `timer` (the date passed) or `delayed` (a carrier's new estimate is later). */
  cause: string;
  raised_at: number;
}

export interface ShipmentTables {
  shipments: ShipmentRow;
  order_promise_breaches: OrderPromiseBreachRow;
}
