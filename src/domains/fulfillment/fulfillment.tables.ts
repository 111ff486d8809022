/** A release to one warehouse: the canonical fulfillment request as JSON, plus what queries need. */
export interface FulfillmentRequestRow {
  id: string;
  order_id: string;
  location_code: string;
  state: string;
  ship_by_at: number;
  /** Order lines in the request; a location's daily capacity is counted in lines. */
  line_count: number;
  document: string;
  released_at: number;
}

export interface FulfillmentTables {
  fulfillment_requests: FulfillmentRequestRow;
}
