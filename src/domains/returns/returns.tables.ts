/**
 * An RMA is stored as its canonical document (JSON, validated on the way in and out) plus the
 * columns lists and locks need. The quantities an order line has on RMAs are summed from the
 * documents of that order's RMAs, read under the order's row lock, so no separate line table is kept.
 */
export interface ReturnAuthorizationRow {
  id: string;
  rma_number: string;
  order_id: string;
  /** The order's trading partner, so keys scoped to a partner see only its returns. */
  partner_code: string | null;
  customer_code: string;
  location_code: string;
  state: string;
  document: string;
  authorized_at: number;
  expires_at: number;
  updated_at: number;
  version: number;
}

export interface ReturnTables {
  return_authorizations: ReturnAuthorizationRow;
}
