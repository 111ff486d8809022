/**
 * Row type of the decisions table: one immutable row per decision. The columns are the keys it is
 * found by; `document` holds the whole decision (reasons, inputs) as it was recorded.
 */
export interface DecisionRow {
  id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  outcome: string;
  policy_id: string;
  /** 0 when the kind's built-in defaults were in force. */
  policy_version: number;
  /** `rule`, `model` or `person`. */
  made_by: string;
  /** 0 or 1, so both stores read it the same way. */
  applied_automatically: number;
  /** Epoch milliseconds of `madeAt`. */
  made_at: number;
  /** JSON of the validated decision. */
  document: string;
  /** The order a decision about an order or one of its lines belongs to; null for other subjects. */
  order_id: string | null;
}

export interface DecisionTables {
  decisions: DecisionRow;
}
