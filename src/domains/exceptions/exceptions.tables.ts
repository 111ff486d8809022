import type { Generated } from 'kysely';

/**
 * Row types of the exceptions tables. The columns are what queues filter, sort and dedupe by;
 * `document` holds the whole exception (facts, summary, resolution) as the API shows it.
 */
export interface ExceptionRow {
  id: string;
  type: string;
  subject_type: string;
  subject_id: string;
  state: string;
  partner_code: string | null;
  owner_role: string;
  /** The role whose queue holds it now: the owner, or the role of the current escalation level. */
  queue_role: string;
  escalation_level: number;
  assignee_name: string | null;
  priority: number;
  /** Epoch milliseconds, as every time column. */
  raised_at: number;
  updated_at: number;
  sla_due_at: number;
  breach_count: number;
  /** When the SLA timer should look next; null once nothing more can happen. */
  next_check_at: number | null;
  /** Null while live (open or claimed): the partial unique index allows one live row per subject and type. */
  closed_at: number | null;
  policy_version: number;
  /** Bumped by every change; a write names the version it read. */
  version: number;
  document: string;
}

/** One line of an exception's audit trail: who did what, when, and the exception before and after. */
export interface ExceptionAuditRow {
  seq: Generated<number>;
  exception_id: string;
  at: number;
  actor_kind: string;
  actor_key_id: string | null;
  actor_name: string;
  what: string;
  action: string | null;
  detail: string;
  before: string | null;
  after: string | null;
}

export interface ExceptionTables {
  exceptions: ExceptionRow;
  exception_audit: ExceptionAuditRow;
}
