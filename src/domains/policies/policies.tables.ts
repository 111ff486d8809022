/** Row type of the policies table: one row per version of a kind's document. */
export interface PolicyRow {
  id: string;
  /** The registered kind, such as `credit`. */
  kind: string;
  /** 1, 2, 3… per kind; unique with `kind`. */
  version: number;
  /** JSON of the validated document. */
  document: string;
  /** `draft`, `active` or `retired`; at most one `active` row per kind (a partial unique index). */
  status: string;
  comment: string | null;
  /** Epoch milliseconds from the injected clock. */
  created_at: number;
  created_by_key_id: string;
  created_by_name: string;
  activated_at: number | null;
  activated_by_key_id: string | null;
  activated_by_name: string | null;
  /** When a later activation replaced this version. */
  retired_at: number | null;
}

export interface PolicyTables {
  policies: PolicyRow;
}
