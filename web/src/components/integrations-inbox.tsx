import { useEffect, useState } from 'react';
import { api, type Page } from '../api.ts';
import { setParams, type Location } from '../router.tsx';
import { inboxStatuses, type InboxMessage, type InboxMessageSummary, type InboxReplay } from '../types-integrations.ts';
import { formatTime, useLoad } from './data.ts';
import { PayloadView, prettyJson, ReasonInput } from './integrations-common.tsx';
import { ServerTable } from './table.tsx';
import { Badge, Choice, ConfirmButton, Empty, ErrorBox, JsonView, KeyValues, Loading, Section } from './ui.tsx';

/**
 * The inbox: every message received (API, webhooks, files, EDI) with its raw payload kept. Failed
 * and dead messages wait for a person, who reads the payload, corrects it if need be and replays it,
 * or discards it saying why. `?status=` filters (failed by default: what needs work), `?message=`
 * keeps the open message in the address.
 */
export function InboxPanel(props: { location: Location; canOperate: boolean }) {
  const { params } = props.location;
  const status = params.get('status') ?? 'failed';
  const source = params.get('source') ?? '';
  const messageId = params.get('message');
  // Bumped after a command so the list shows the message's new status at once.
  const [version, setVersion] = useState(0);

  return (
    <div className="integrations-split">
      <Section
        title="Inbox"
        testId="inbox"
        actions={
          <span className="toolbar">
            <Choice value={status} onChange={(status) => setParams(props.location, { status })} options={inboxStatuses} any={{ value: 'any', label: 'Any status' }} label="Status" testId="inbox-status" />
            {source && (
              <button type="button" className="btn plain" onClick={() => setParams(props.location, { source: null })} title="Show every source">
                {source} ✕
              </button>
            )}
          </span>
        }
      >
        <ServerTable<InboxMessageSummary>
          testId="inbox-table"
          deps={[status, source, version]}
          pollMs={5_000}
          fetchPage={(cursor) => api.get<Page<InboxMessageSummary>>('/v1/inbox', { status: status === 'any' ? undefined : status, source: source || undefined, limit: 25, cursor })}
          rowKey={(row) => row.id}
          selectedKey={messageId}
          onRowClick={(row) => setParams(props.location, { message: row.id })}
          empty={`No ${status === 'any' ? '' : `${status} `}messages.`}
          columns={[
            { header: 'Received', render: (row) => <span className="small">{formatTime(row.receivedAt)}</span> },
            {
              header: 'Message',
              render: (row) => (
                <div>
                  <div className="small">{row.messageType}</div>
                  <div className="muted small">{row.source}</div>
                </div>
              ),
            },
            { header: 'Status', render: (row) => <Badge value={row.status} /> },
            { header: 'Error', render: (row) => <span className="small">{row.error ? `${row.error.code}: ${row.error.message}` : '—'}</span> },
            { header: 'Tries', className: 'num', render: (row) => `${row.attempts}${row.replayCount ? ` · ${row.replayCount} replayed` : ''}` },
          ]}
        />
      </Section>
      {messageId ? (
        <MessageDetail id={messageId} canOperate={props.canOperate} onChanged={() => setVersion((v) => v + 1)} />
      ) : (
        <Section title="Message">
          <p className="muted">Pick a message to read its raw payload, correct it and replay it.</p>
        </Section>
      )}
    </div>
  );
}

export function MessageDetail(props: { id: string; canOperate: boolean; onChanged: () => void }) {
  const message = useLoad(() => api.get<InboxMessage>(`/v1/inbox/${encodeURIComponent(props.id)}`), [props.id], { pollMs: 5_000 });
  const replays = useLoad(() => api.get<{ items: InboxReplay[] }>(`/v1/inbox/${encodeURIComponent(props.id)}/replays`), [props.id]);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [startedFrom, setStartedFrom] = useState('');
  const [reason, setReason] = useState('');
  const [discardReason, setDiscardReason] = useState('');
  useEffect(() => {
    setEditing(false);
    setReason('');
    setDiscardReason('');
  }, [props.id]);

  const m = message.data;
  if (!m) return <Section title="Message">{message.error ? <ErrorBox error={message.error} /> : <Loading />}</Section>;
  const actionable = m.status === 'failed' || m.status === 'dead';
  const isJson = m.contentType.includes('json');
  const draftProblem = editing && isJson && prettyJson(draft) === null ? 'The edited payload is not valid JSON.' : null;
  const changed = editing && draft !== startedFrom;
  const done = () => {
    setEditing(false);
    setReason('');
    message.reload();
    replays.reload();
    props.onChanged();
  };

  return (
    <Section title={`Message ${m.id}`} testId="message-detail">
      <ErrorBox error={message.error} />
      <KeyValues
        rows={[
          ['Status', <Badge value={m.status} testId="message-status" />],
          ['Type', `${m.messageType} (${m.contentType})`],
          ['Source', m.source],
          ['Received', formatTime(m.receivedAt)],
          ['Processed', formatTime(m.processedAt)],
          ['Attempts', `${m.attempts}${m.nextAttemptAt ? `, next at ${formatTime(m.nextAttemptAt)}` : ''}`],
          ['Replayed', `${m.replayCount} time(s)${m.edited ? ', payload edited' : ''}`],
          ['Correlation id', m.correlationId ?? '—'],
          ['Note', m.operatorNote ?? '—'],
        ]}
      />
      {m.error && (
        <div className="error-box message-error" data-testid="message-error">
          <strong>{m.error.code}</strong> {m.error.message}
          {m.error.details.length > 0 && (
            <ul>
              {m.error.details.map((d, i) => (
                <li key={i}>
                  {d.path && <code>{d.path}</code>} {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {m.outcome !== null && m.outcome !== undefined && (
        <details>
          <summary className="muted small">Outcome</summary>
          <JsonView value={m.outcome} testId="message-outcome" />
        </details>
      )}

      <h3>{editing ? 'Edit payload' : 'Raw payload'}</h3>
      {editing ? (
        <>
          <textarea className="payload-editor" value={draft} onChange={(e) => setDraft(e.target.value)} spellCheck={false} data-testid="payload-editor" aria-label="Payload" />
          {draftProblem && <p className="bad small">{draftProblem}</p>}
        </>
      ) : (
        <PayloadView payload={m.payload} testId="raw-payload" />
      )}
      {m.originalPayload !== null && (
        <details>
          <summary className="muted small">Payload as first received</summary>
          <PayloadView payload={m.originalPayload} testId="original-payload" />
        </details>
      )}

      {props.canOperate && actionable && (
        <div className="toolbar message-actions">
          {editing ? (
            <button type="button" className="btn plain" onClick={() => setEditing(false)}>
              Cancel edit
            </button>
          ) : (
            <button
              type="button"
              className="btn plain"
              onClick={() => {
                // JSON is edited indented, which reads better and is the same document to the handler.
                const start = isJson ? (prettyJson(m.payload) ?? m.payload) : m.payload;
                setDraft(start);
                setStartedFrom(start);
                setEditing(true);
              }}
              data-testid="edit-payload"
            >
              Edit payload
            </button>
          )}
          <ConfirmButton
            label={changed ? 'Replay edited' : 'Replay'}
            confirm={changed ? 'Process this message again with the edited payload? The payload first received is kept.' : 'Process this message again as it is?'}
            disabled={draftProblem !== null}
            testId="replay"
            onConfirm={() => api.post<InboxMessage>(`/v1/inbox/${encodeURIComponent(m.id)}/replay`, { payload: changed ? draft : undefined, reason: reason.trim() || undefined })}
            onDone={done}
          >
            <ReasonInput value={reason} onChange={setReason} testId="replay-reason" />
          </ConfirmButton>
          <ConfirmButton
            label="Discard"
            kind="danger"
            confirm="Give up on this message for good? Say why; the reason is kept with it."
            testId="discard"
            onConfirm={() => api.post<InboxMessage>(`/v1/inbox/${encodeURIComponent(m.id)}/discard`, { reason: discardReason.trim() })}
            onDone={done}
          >
            <ReasonInput value={discardReason} onChange={setDiscardReason} required testId="discard-reason" />
          </ConfirmButton>
        </div>
      )}

      <h3>Replays</h3>
      <ErrorBox error={replays.error} />
      {replays.data && replays.data.items.length === 0 && <Empty>Never replayed.</Empty>}
      {replays.data && replays.data.items.length > 0 && (
        <table className="table compact" data-testid="replays">
          <thead>
            <tr>
              <th>At</th>
              <th>By</th>
              <th>Status before</th>
              <th>Edited</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {replays.data.items.map((r) => (
              <tr key={r.id}>
                <td className="small">{formatTime(r.at)}</td>
                <td className="small">{r.actor ?? '—'}</td>
                <td>
                  <Badge value={r.statusBefore} />
                </td>
                <td>
                  {r.edited ? (
                    <details>
                      <summary>yes</summary>
                      <div className="small muted">before</div>
                      <PayloadView payload={r.payloadBefore ?? ''} />
                      <div className="small muted">after</div>
                      <PayloadView payload={r.payloadAfter ?? ''} />
                    </details>
                  ) : (
                    'no'
                  )}
                </td>
                <td className="small">{r.reason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
