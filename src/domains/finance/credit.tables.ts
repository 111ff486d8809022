/** A receivables, limit or hold-flag update from the ERP or finance, kept per reference. */
export interface CreditUpdateRow {
  customer_code: string;
  reference: string;
  /** Epoch milliseconds: when the sender's figures were true. */
  as_of: number;
  /** `claimed` while being applied, then `applied`, `stale` or `superseded`. */
  status: string;
  received_at: number;
  document: string;
}

export interface CreditTables {
  credit_updates: CreditUpdateRow;
}
