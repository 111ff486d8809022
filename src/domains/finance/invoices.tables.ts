/** An issued invoice: the canonical document as JSON, plus the columns lists and lookups need. */
export interface InvoiceRow {
  id: string;
  invoice_number: string;
  order_id: string;
  customer_code: string;
  /** The order's trading partner, for keys scoped to one. */
  partner_code: string | null;
  total_minor: number;
  currency: string;
  state: string;
  issued_at: number;
  document: string;
}

/** A shipment invoicing has seen, and the invoice that billed it once one has. */
export interface InvoiceShipmentRow {
  shipment_id: string;
  order_id: string;
  invoice_id: string | null;
  noted_at: number;
}

/** The last invoice number given out in a calendar year. */
export interface InvoiceNumberCounterRow {
  year: number;
  last_number: number;
}

/** An acknowledgement the ERP sent about an invoice, kept once per its id, with what it led to. */
export interface InvoiceErpAckRow {
  ack_id: string;
  invoice_id: string;
  status: string;
  erp_amount_minor: number | null;
  reason: string | null;
  received_at: number;
  /** applied | stale */
  outcome: string;
}

export interface InvoiceTables {
  invoices: InvoiceRow;
  invoice_shipments: InvoiceShipmentRow;
  invoice_number_counters: InvoiceNumberCounterRow;
  invoice_erp_acks: InvoiceErpAckRow;
}
