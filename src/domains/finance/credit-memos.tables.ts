/** A credit memo: the canonical document plus the columns queries need; `return_id` is unique (one per return). */
export interface CreditMemoRow {
  id: string;
  return_id: string;
  order_id: string;
  /** The order's trading partner, so keys scoped to a partner see only its memos. */
  partner_code: string | null;
  customer_code: string;
  total_minor: number;
  currency: string;
  issued_at: number;
  document: string;
}

export interface CreditMemoTables {
  credit_memos: CreditMemoRow;
}
