import type { Insertable, Selectable } from 'kysely';
import { isoTime } from '../../platform/clock.ts';
import type { NewEvent } from '../../platform/outbox/index.ts';
import type { ExceptionAuditRow, ExceptionRow } from './exceptions.tables.ts';
import { slaStateAt } from './sla.rules.ts';
import { isClosed, type AuditEntry, type AuditWhat, type CrossdockException, type ExceptionAction, type ExceptionActor, type ExceptionView } from './exceptions.types.ts';

/** An exception as stored: the API's view plus when its SLA timer looks next (not shown: it is plumbing). */
export interface StoredException {
  exception: CrossdockException;
  nextCheckAtMs: number | null;
}

export const fromRow = (row: Selectable<ExceptionRow>): StoredException => ({ exception: JSON.parse(row.document) as CrossdockException, nextCheckAtMs: row.next_check_at });

/** The exception as the API answers it at `nowMs`: with its SLA state then (`slaStateAt`). */
export function toView(e: CrossdockException, nowMs: number): ExceptionView {
  const facts = { raisedAtMs: Date.parse(e.raisedAt), slaDueAtMs: Date.parse(e.slaDueAt), breachRecorded: e.breachCount > 0, closed: isClosed(e.state) };
  return { ...e, slaState: slaStateAt(facts, nowMs) };
}

/** The columns are copies of the document's fields that queues filter and sort by. */
export function toRow({ exception: e, nextCheckAtMs }: StoredException): ExceptionRow {
  return {
    id: e.id,
    type: e.type,
    subject_type: e.subject.type,
    subject_id: e.subject.id,
    state: e.state,
    partner_code: e.partnerCode,
    owner_role: e.ownerRole,
    queue_role: e.queueRole,
    escalation_level: e.escalationLevel,
    assignee_name: e.assignee?.name ?? null,
    priority: e.priority,
    raised_at: Date.parse(e.raisedAt),
    updated_at: Date.parse(e.updatedAt),
    sla_due_at: Date.parse(e.slaDueAt),
    breach_count: e.breachCount,
    next_check_at: nextCheckAtMs,
    closed_at: e.closedAt === null ? null : Date.parse(e.closedAt),
    policy_version: e.policyVersion,
    version: e.version,
    document: JSON.stringify(e),
  };
}

/** One line for the audit trail, before it is stored. */
export interface NewAudit {
  what: AuditWhat;
  actor: ExceptionActor;
  action?: ExceptionAction | null;
  detail?: Record<string, unknown>;
  before: CrossdockException | null;
  after: CrossdockException | null;
}

export function toAuditRow(exceptionId: string, atMs: number, entry: NewAudit): Insertable<ExceptionAuditRow> {
  return {
    exception_id: exceptionId,
    at: atMs,
    actor_kind: entry.actor.kind,
    actor_key_id: entry.actor.keyId,
    actor_name: entry.actor.name,
    what: entry.what,
    action: entry.action ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
    before: entry.before === null ? null : JSON.stringify(entry.before),
    after: entry.after === null ? null : JSON.stringify(entry.after),
  };
}

export function toAuditEntry(row: Selectable<ExceptionAuditRow>): AuditEntry {
  return {
    seq: Number(row.seq),
    exceptionId: row.exception_id,
    at: isoTime(row.at),
    actor: { kind: row.actor_kind as ExceptionActor['kind'], keyId: row.actor_key_id, name: row.actor_name },
    what: row.what as AuditWhat,
    action: row.action as ExceptionAction | null,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  };
}

export const EXCEPTION_EVENT_SOURCE = '/crossdock/exceptions';

export type ExceptionEventKind = 'raised' | 'updated' | 'claimed' | 'assigned' | 'sla_breached' | 'escalated' | 'action_taken' | 'resolved' | 'dismissed';

/** An event about one exception: subject `exception:<id>`, data the exception after the change plus what changed. */
export function exceptionEvent(
  kind: ExceptionEventKind,
  exception: CrossdockException,
  extra: Record<string, unknown> = {},
  trace: { correlationId?: string | undefined; causationId?: string | undefined } = {},
): NewEvent {
  return {
    source: EXCEPTION_EVENT_SOURCE,
    type: `crossdock.exception.${kind}`,
    subject: `exception:${exception.id}`,
    data: { exceptionId: exception.id, ...extra, exception },
    correlationId: trace.correlationId ?? null,
    causationId: trace.causationId ?? null,
  };
}
