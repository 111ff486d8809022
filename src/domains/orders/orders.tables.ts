/**
 * Orders are stored as their canonical document (JSON, validated by the schema on the way in and
 * out) plus the columns queues and searches need. Lines get their own rows so orders can be found by
 * SKU and quantities checked set-wise (I7).
 */
export interface OrderRow {
  id: string;
  /** The partner code, or the channel when there is no partner: with the external number, the dedupe key. */
  dedupe_scope: string;
  external_order_number: string;
  channel: string;
  partner_code: string | null;
  customer_code: string;
  customer_po: string | null;
  state: string;
  /** Ordered value in minor units, for credit exposure of open orders. */
  value_minor: number;
  open_holds: number;
  document: string;
  version: number;
  received_at: number;
  updated_at: number;
}

export interface OrderLineRow {
  order_id: string;
  line_number: number;
  sku: string;
  state: string;
  ordered_quantity: number;
  allocated_quantity: number;
  shipped_quantity: number;
  invoiced_quantity: number;
  cancelled_quantity: number;
}

/** A customer's open orders' value for credit (see `creditOpenValueMinor`), kept with every order written. */
export interface CustomerOpenOrdersRow {
  customer_code: string;
  value_minor: number;
}

export interface OrderTables {
  orders: OrderRow;
  order_lines: OrderLineRow;
  customer_open_orders: CustomerOpenOrdersRow;
}
