/** Row types of the EDI connector's tables (migration 0020). */
export interface EdiControlNumberRow {
  partner_code: string;
  /** The last ISA13 we used for this partner; the next interchange gets one more. */
  interchange: number;
  /** The last GS06 we used. */
  group_number: number;
}

/** An interchange received from or sent to a partner, by its ISA13. */
export interface EdiInterchangeRow {
  partner_code: string;
  /** `in` (received) or `out` (sent). */
  direction: string;
  /** ISA13 as a number, so `000000042` and `42` are the same interchange. */
  control_number: number;
  /** SHA-256 of the file an inbound interchange came in; the same file read again is not a duplicate. */
  sha256: string | null;
  /** The acknowledgement we wrote for an inbound interchange (or the document we sent), once written. */
  file_name: string | null;
  created_at: number;
}

/** A functional group we sent, waiting for the partner's 997/999. */
export interface EdiOutboundGroupRow {
  partner_code: string;
  functional_id: string;
  group_control: number;
  interchange_control: number;
  /** Set control numbers of the group, JSON array of strings. */
  set_controls: string;
  /** `A`, `E`, `P`, `R` from the partner's AK9, or null while unacknowledged. */
  ack_status: string | null;
  /** The partner's per-set answers, JSON object of control number → status, once acknowledged. */
  ack_sets: string | null;
  sent_at: number;
  acked_at: number | null;
}

/** An outbound document by what it answers, so a redelivered event sends it once. */
export interface EdiDocumentRow {
  partner_code: string;
  document_key: string;
  interchange_control: number;
  created_at: number;
}

export interface EdiTables {
  edi_documents: EdiDocumentRow;
  edi_control_numbers: EdiControlNumberRow;
  edi_interchanges: EdiInterchangeRow;
  edi_outbound_groups: EdiOutboundGroupRow;
}
