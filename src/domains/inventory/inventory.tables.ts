import type { Generated } from 'kysely';

/** The ledger: one immutable row per movement (I10); corrections are new rows. */
export interface InventoryMovementRow {
  seq: Generated<number>;
  id: string;
  sku: string;
  location_code: string;
  type: string;
  d_on_hand: number;
  d_reserved: number;
  d_quarantined: number;
  d_damaged: number;
  d_in_transit: number;
  reason_code: string | null;
  source: string;
  /** The sender's sequence; null for movements the hub makes itself (reservations, corrections). */
  source_sequence: number | null;
  occurred_at: number;
  received_at: number;
  reservation_id: string | null;
  reference: string | null;
}

/** Stored balances per SKU × location; I1 says replaying the ledger gives exactly these. */
export interface InventoryPositionRow {
  sku: string;
  location_code: string;
  on_hand: number;
  reserved: number;
  quarantined: number;
  damaged: number;
  in_transit: number;
  last_movement_seq: number;
  updated_at: number;
}

/** Per-source ordering state (see sequencing.rules.ts). */
export interface InventorySourceRow {
  source: string;
  next_expected: number;
  /** JSON array of sequence numbers given up on by a gap timeout. */
  skipped: string;
  last_received_at: number | null;
}

/** Events that arrived after a gap, waiting for it to fill. */
export interface InventoryHeldEventRow {
  source: string;
  sequence: number;
  /** The validated event as JSON, already converted to base units. */
  payload: string;
  held_at: number;
}

/** When each source last reported for each location, and how much recent snapshots corrected. */
export interface InventoryFreshnessRow {
  source: string;
  location_code: string;
  last_report_at: number;
  recent_drift_units: number;
  recent_counted_units: number;
}

export interface ReservationRow {
  id: string;
  order_id: string;
  line_number: number;
  sku: string;
  location_code: string;
  quantity: number;
  state: string;
  created_at: number;
  expires_at: number | null;
  resolved_at: number | null;
}

export interface SafetyStockRow {
  sku: string;
  location_code: string;
  quantity: number;
  updated_at: number;
}

/** Supply expected at a location by a date: purchase orders and transfers in transit. */
export interface InboundSupplyRow {
  reference: string;
  sku: string;
  location_code: string;
  quantity: number;
  expected_at: number;
  kind: string;
  updated_at: number;
}

/** A SKU × location whose last count was beyond tolerance: a count that agrees announces the drift cleared. */
export interface InventoryDriftOpenRow {
  sku: string;
  location_code: string;
  source: string;
  as_of: string;
  detected_at: number;
}

/** A gap given up on by its timeout, as announced; deleted once every number in it arrived. */
export interface InventorySequenceGapRow {
  source: string;
  skipped_from: number;
  skipped_to: number;
  opened_at: number;
}

export interface InventoryTables {
  inventory_movements: InventoryMovementRow;
  inventory_positions: InventoryPositionRow;
  inventory_sources: InventorySourceRow;
  inventory_held_events: InventoryHeldEventRow;
  inventory_freshness: InventoryFreshnessRow;
  reservations: ReservationRow;
  inventory_safety_stock: SafetyStockRow;
  inventory_inbound_supply: InboundSupplyRow;
  inventory_drift_open: InventoryDriftOpenRow;
  inventory_sequence_gaps: InventorySequenceGapRow;
}
