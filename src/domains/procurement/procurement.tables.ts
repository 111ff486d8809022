/**
 * Procurement rows: replenishment parameters per SKU × location, and purchase orders and transfers
 * stored as their canonical document (JSON) plus the columns runs and lists query by.
 */
export interface ReplenishmentParametersRow {
  sku: string;
  location_code: string;
  /** `reorder_point` or `min_max`. */
  method: string;
  reorder_point: number | null;
  reorder_quantity: number | null;
  min_quantity: number | null;
  max_quantity: number | null;
  supplier_code: string | null;
  /** Grows with every change; replenishment decisions record the version they used. */
  version: number;
  updated_at: number;
}

export interface PurchaseOrderRow {
  id: string;
  po_number: string;
  supplier_code: string;
  location_code: string;
  state: string;
  /** YYYY-MM-DD. */
  expected_date: string;
  document: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface TransferRow {
  id: string;
  from_location_code: string;
  to_location_code: string;
  state: string;
  /** The order sourcing chose the transfer for; null for replenishment's. */
  order_id: string | null;
  expected_arrival_at: number;
  document: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface ProcurementTables {
  replenishment_parameters: ReplenishmentParametersRow;
  purchase_orders: PurchaseOrderRow;
  transfers: TransferRow;
}
