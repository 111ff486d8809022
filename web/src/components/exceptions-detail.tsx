import { useState, type ReactNode } from 'react';
import { api, hasRole, type Me } from '../api.ts';
import { formatDuration, formatMinor, formatTime, useLoad } from './data.ts';
import { ServerTable } from './table.tsx';
import { Badge, ConfirmButton, Empty, ErrorBox, KeyValues, Loading, Section } from './ui.tsx';
import { Link } from '../router.tsx';
import {
  actionDetailOf,
  isLive,
  screenOf,
  type ActionAnswer,
  type ActionDetail,
  type AuditEntry,
  type CrossdockException,
  type ExceptionTypeDefinition,
  type ObjectRef,
} from '../types-exceptions.ts';

/**
 * One exception as a person works it: what happened and why, what it touches, who did what so far,
 * and the commands its type allows. Commands are shown only to the roles that may run them (the
 * role of its current queue, or admin); the hub checks the same rules and its refusals are shown.
 */
export function ExceptionDetail(props: {
  id: string;
  me: Me | null;
  hubNow: string | undefined;
  types: Map<string, ExceptionTypeDefinition>;
  pollMs: number;
  /** Called after a command changed the exception, so the queue refreshes at once. */
  onChanged: () => void;
}) {
  const detail = useLoad(() => api.get<CrossdockException>(`/v1/exceptions/${encodeURIComponent(props.id)}`), [props.id], { pollMs: props.pollMs, live: ['exception'] });
  const [answer, setAnswer] = useState<ActionAnswer['result'] & { action: string }>();
  const [auditVersion, setAuditVersion] = useState(0);
  const e = detail.data?.id === props.id ? detail.data : undefined;

  if (!e) return detail.error ? <ErrorBox error={detail.error} /> : <Loading />;
  const definition = props.types.get(e.type);
  const live = isLive(e.state);
  const mayWork = live && hasRole(props.me, e.queueRole);
  const claimedByMe = e.assignee !== null && props.me !== null && e.assignee.name === props.me.name;
  const changed = () => {
    detail.reload();
    setAuditVersion((v) => v + 1);
    props.onChanged();
  };

  return (
    <div className="exception-detail" data-testid="exception-detail" data-exception-id={e.id}>
      <Section
        title={definition?.title ?? e.type}
        actions={
          <span className="exception-badges">
            <Badge value={e.state} testId="exception-state" />
            {e.slaState && <Badge value={e.slaState} testId="exception-sla" />}
          </span>
        }
        testId="exception-summary"
      >
        <p className="exception-what">{e.summary.what}</p>
        <KeyValues
          rows={[
            ['Why', e.summary.why],
            ['Impact', e.summary.impact],
            ['Priority', <span key="p" data-testid="exception-priority">{e.priority}</span>],
            ['Queue', `${e.queueRole.replaceAll('_', ' ')}${e.escalationLevel > 0 ? ` (escalated, level ${e.escalationLevel})` : ''}`],
            ['Assignee', <span key="a" data-testid="exception-assignee">{e.assignee?.name ?? 'nobody'}</span>],
            ['Raised', formatTime(e.raisedAt)],
            ['SLA due', <SlaDue key="s" e={e} hubNow={props.hubNow} />],
            ['Clears when', definition?.clearsWhen ?? '—'],
          ]}
        />
        {e.resolution && (
          <p className="exception-resolution" data-testid="exception-resolution">
            <Badge value={e.resolution.outcome} /> by {e.resolution.by === 'action' ? `${e.resolution.actor.name} (${e.resolution.action ?? 'action'})` : 'the condition clearing'} at {formatTime(e.resolution.at)}: {e.resolution.reason}
          </p>
        )}
      </Section>

      {live && (
        <Section title="Actions" testId="exception-actions">
          {!mayWork ? (
            <p className="muted">Only the {e.queueRole.replaceAll('_', ' ')} queue (or an admin) may work this exception.</p>
          ) : (
            <div className="exception-commands">
              {!claimedByMe && (
                <ConfirmButton
                  label={e.assignee ? `Claim (from ${e.assignee.name})` : 'Claim'}
                  confirm={`Take “${e.summary.what}” for yourself?`}
                  onConfirm={() => api.post(`/v1/exceptions/${encodeURIComponent(e.id)}/claim`, {})}
                  onDone={changed}
                  kind="plain"
                  testId="claim"
                />
              )}
              {e.allowedActions.map((action) => (
                <ActionButton
                  key={action}
                  exception={e}
                  action={action}
                  detail={actionDetailOf(props.types, e.type, action)}
                  description={e.summary.options.find((o) => o.action === action)?.description}
                  onDone={(result) => {
                    setAnswer({ ...result, action });
                    changed();
                  }}
                />
              ))}
            </div>
          )}
          {answer && (
            <p className="exception-answer" data-testid="action-answer">
              <strong>{answer.action.replaceAll('_', ' ')}</strong>: {answer.outcome.replaceAll('_', ' ')}
              {answer.resolves ? ' — resolved' : ''}
              {answer.message ? ` — ${answer.message}` : ''}
            </p>
          )}
        </Section>
      )}

      <Section title="Context" testId="exception-context">
        <h3>Root cause</h3>
        <p>
          <code>{e.rootCause.code}</code> {e.rootCause.message}
        </p>
        <h3>Facts</h3>
        <Facts values={e.facts} />
        <h3>Priority inputs</h3>
        {Object.keys(e.priorityInputs).length === 0 ? <p className="muted">None given: the type’s base priority only.</p> : <Facts values={e.priorityInputs} />}
        <h3>Related</h3>
        <RelatedLinks e={e} />
      </Section>

      <Section title="Audit trail" testId="exception-audit">
        <ServerTable<AuditEntry>
          columns={[
            { header: 'At', render: (a) => <span className="small nowrap">{formatTime(a.at)}</span> },
            { header: 'Who', render: (a) => a.actor.name },
            { header: 'What', render: (a) => <span data-what={a.what}>{a.what.replaceAll('_', ' ')}{a.action ? ` · ${a.action.replaceAll('_', ' ')}` : ''}</span> },
            { header: 'Detail', render: (a) => <AuditDetail detail={a.detail} /> },
          ]}
          fetchPage={(cursor) => api.get(`/v1/exceptions/${encodeURIComponent(e.id)}/audit`, { limit: 50, cursor })}
          deps={[e.id, auditVersion]}
          rowKey={(a) => String(a.seq)}
          pollMs={props.pollMs}
          live={['exception']}
          empty="No audit lines yet."
          testId="audit-table"
        />
      </Section>
    </div>
  );
}

function SlaDue(props: { e: CrossdockException; hubNow: string | undefined }) {
  const { e, hubNow } = props;
  const left = hubNow && isLive(e.state) ? Date.parse(e.slaDueAt) - Date.parse(hubNow) : null;
  return (
    <span>
      {formatTime(e.slaDueAt)}
      {left !== null && <span className="muted"> ({left >= 0 ? `in ${formatDuration(left)}` : `${formatDuration(-left)} ago`})</span>}
      {e.slaBreachedAt && <span className="bad"> breached {formatTime(e.slaBreachedAt)}</span>}
    </span>
  );
}

/**
 * One allowed action: asks for what the hub says the action takes (a reason, a date, a corrected
 * payload), then runs it. The hub validates the request against the same description, so a missing
 * required input comes back as its refusal, shown in the dialog. Until the registry is loaded the
 * inputs are unknown and the button waits.
 */
function ActionButton(props: {
  exception: CrossdockException;
  action: string;
  detail: ActionDetail | undefined;
  description: string | undefined;
  onDone: (result: ActionAnswer['result']) => void;
}) {
  const inputs = props.detail?.inputs;
  const [reason, setReason] = useState('');
  const [promiseDate, setPromiseDate] = useState('');
  const [payload, setPayload] = useState('');
  const run = async () => {
    const params: Record<string, unknown> = {};
    // An empty field is left out, so the hub names a required one as missing rather than malformed.
    if (inputs?.promiseDate && promiseDate !== '') params.promiseDate = promiseDate;
    if (inputs?.payload && payload.trim() !== '') params.payload = payload;
    const body: { reason?: string; params?: Record<string, unknown> } = {};
    if (reason.trim() !== '') body.reason = reason.trim();
    if (Object.keys(params).length > 0) body.params = params;
    const answer = await api.post<ActionAnswer>(`/v1/exceptions/${encodeURIComponent(props.exception.id)}/actions/${props.action}`, body);
    setReason('');
    props.onDone(answer.result);
  };
  const need = (n: 'required' | 'optional' | undefined, optionalNote: string) => (n === 'required' ? ' (required)' : ` (optional${optionalNote})`);
  return (
    <ConfirmButton
      label={props.detail?.title ?? props.action.replaceAll('_', ' ')}
      confirm={`${props.description ?? props.action.replaceAll('_', ' ')} — for “${props.exception.summary.what}”?`}
      onConfirm={run}
      disabled={!inputs}
      kind={props.detail?.danger ? 'danger' : 'primary'}
      testId={`action-${props.action}`}
    >
      {inputs && (
        <div className="action-inputs">
          {inputs.promiseDate && (
            <label>
              New promise date{need(inputs.promiseDate, '')}
              <input type="date" value={promiseDate} required={inputs.promiseDate === 'required'} onChange={(ev) => setPromiseDate(ev.target.value)} data-testid="action-promise-date" />
            </label>
          )}
          {inputs.payload && (
            <label>
              Corrected payload{need(inputs.payload, ': empty replays the message as received')}
              <textarea value={payload} required={inputs.payload === 'required'} onChange={(ev) => setPayload(ev.target.value)} data-testid="action-payload" />
            </label>
          )}
          <label>
            Reason{need(inputs.reason, ', for the audit trail')}
            <input type="text" value={reason} maxLength={500} required={inputs.reason === 'required'} onChange={(ev) => setReason(ev.target.value)} data-testid="action-reason" />
          </label>
        </div>
      )}
    </ConfirmButton>
  );
}

function Facts(props: { values: Record<string, unknown> }) {
  const rows = Object.entries(props.values)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]): [string, ReactNode] => [k, factText(v)]);
  return rows.length === 0 ? <p className="muted">None.</p> : <KeyValues rows={rows} />;
}

function factText(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'amountMinor' in value && 'currency' in value) {
    const money = value as { amountMinor: number; currency: string };
    return formatMinor(money.amountMinor, money.currency);
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function RelatedLinks(props: { e: CrossdockException }) {
  const seen = new Set<string>();
  const refs: ObjectRef[] = [];
  for (const ref of [props.e.subject, ...props.e.links.map((l) => l.ref), ...props.e.related]) {
    const key = `${ref.type}:${ref.id}`;
    if (!seen.has(key)) {
      seen.add(key);
      refs.push(ref);
    }
  }
  if (refs.length === 0) return <Empty>Nothing related.</Empty>;
  return (
    <ul className="related" data-testid="related-links">
      {refs.map((ref) => {
        const screen = screenOf(ref);
        const label = `${ref.type.replaceAll('_', ' ')} ${ref.id}`;
        return (
          <li key={`${ref.type}:${ref.id}`}>
            {screen ? (
              <Link to={screen.path} testId={`related-${ref.type}`}>
                {label}
              </Link>
            ) : (
              <span>{label}</span>
            )}
            {ref === props.e.subject && <span className="muted"> (subject)</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** The audit line's detail in a sentence: the reason, the result, the error, the escalation step. */
function AuditDetail(props: { detail: Record<string, unknown> }) {
  const d = props.detail;
  const parts: string[] = [];
  if (typeof d.reason === 'string') parts.push(d.reason);
  const rootCause = d.rootCause as { message?: string } | undefined;
  if (rootCause?.message) parts.push(rootCause.message);
  const assignee = d.assignee as { name?: string } | null | undefined;
  if (assignee?.name) parts.push(`to ${assignee.name}`);
  const step = d.step as { role?: string } | undefined;
  if (step?.role) parts.push(`to the ${step.role.replaceAll('_', ' ')} queue`);
  const result = d.result as { outcome?: string; message?: string } | undefined;
  if (result?.outcome) parts.push(`→ ${result.outcome.replaceAll('_', ' ')}${result.message ? `: ${result.message}` : ''}`);
  const error = d.error as { code?: string; message?: string } | undefined;
  if (error?.code) parts.push(`failed: ${error.code} ${error.message ?? ''}`);
  if (parts.length === 0) {
    const rest = Object.entries(d).filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
    parts.push(rest.map(([k, v]) => `${k}: ${String(v)}`).join(', '));
  }
  return <span className="small audit-detail">{parts.join(' ')}</span>;
}
