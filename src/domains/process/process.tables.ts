/**
 * Row types of the process log (OCEL-shaped: events, their objects with qualifiers, objects, object
 * attribute changes and object-to-object links), the per-object facts the KPIs read, and the cursor
 * of the outbox sequence the log has caught up with. Times are epoch milliseconds.
 */
export interface ProcessEventRow {
  /** The outbox sequence of the domain event: the log's order. */
  seq: number;
  /** The outbox event id, also the OCEL event id. */
  id: string;
  type: string;
  activity: string;
  kind: string;
  time: number;
  /** EVENT_MANUAL | EVENT_EXCHANGE | EVENT_FAILURE. */
  flags: number;
  integration_source: string | null;
  /** JSON object of scalar attributes. */
  attributes: string;
}

export interface ProcessEventObjectRow {
  event_seq: number;
  object_id: string;
  object_type: string;
  qualifier: string;
  quantity: number | null;
}

export interface ProcessObjectRow {
  id: string;
  type: string;
  first_seq: number;
}

export interface ProcessObjectChangeRow {
  object_id: string;
  event_seq: number;
  name: string;
  /** JSON scalar. */
  value: string;
  time: number;
}

export interface ProcessObjectLinkRow {
  object_id: string;
  target_id: string;
  qualifier: string;
}

export interface ProcessFactRow {
  object_type: string;
  object_id: string;
  /** Time of the first and last event that touched the object. */
  active_from: number;
  active_to: number;
  /** 1 while the object counts in instant KPIs whatever its last event's time (an open order, exception, backorder). */
  open: number;
  document: string;
}

export interface ProcessCursorRow {
  name: string;
  last_seq: number;
  updated_at: number;
}

export interface ProcessTables {
  process_events: ProcessEventRow;
  process_event_objects: ProcessEventObjectRow;
  process_objects: ProcessObjectRow;
  process_object_changes: ProcessObjectChangeRow;
  process_object_links: ProcessObjectLinkRow;
  process_facts: ProcessFactRow;
  process_cursor: ProcessCursorRow;
}
