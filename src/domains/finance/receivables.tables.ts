/** One invoice or credit memo as it moved a customer's open receivables (see receivables.service.ts). */
export interface ReceivableAdjustmentRow {
  /** The invoice's or credit memo's id: a document is counted once. */
  document_id: string;
  /** `invoice` or `credit_memo`. */
  document_type: string;
  customer_code: string;
  /** Signed minor units: positive for an invoice, negative for a credit memo. */
  amount_minor: number;
  currency: string;
  /** Epoch milliseconds: when the document was issued. */
  occurred_at: number;
  /** 1 when it moved the customer's figure; 0 when an ERP figure as of a later time already covered it. */
  counted: number;
  recorded_at: number;
}

export interface ReceivableTables {
  receivable_adjustments: ReceivableAdjustmentRow;
}
