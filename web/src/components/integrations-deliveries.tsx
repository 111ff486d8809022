import { useState } from 'react';
import { api, type Page } from '../api.ts';
import { setParams, type Location } from '../router.tsx';
import { webhookDeliveryStatuses, type OutboxDelivery, type WebhookDelivery, type WebhookDeliverySummary } from '../types-integrations.ts';
import { formatTime, useLoad } from './data.ts';
import { PayloadView, ReasonInput } from './integrations-common.tsx';
import { ServerTable } from './table.tsx';
import { Badge, Choice, ConfirmButton, ErrorBox, JsonView, KeyValues, Loading, Section } from './ui.tsx';

/**
 * Outbox dead letters: events an internal subscriber gave up on. Each can be delivered again (it
 * keeps its sequence) or given up for good, with a reason kept as the operator's note.
 */
export function OutboxDeadLetters(props: { location: Location; canOperate: boolean }) {
  const subscriber = props.location.params.get('subscriber') ?? '';
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<OutboxDelivery | null>(null);
  const changed = () => {
    setOpen(null);
    setVersion((v) => v + 1);
  };
  return (
    <div className="integrations-split">
      <Section
        title="Outbox dead letters"
        testId="dead-letters"
        actions={
          subscriber ? (
            <button type="button" className="btn plain" onClick={() => setParams(props.location, { subscriber: null })}>
              {subscriber} ✕
            </button>
          ) : undefined
        }
      >
        <ServerTable<OutboxDelivery>
          testId="dead-letter-table"
          deps={[subscriber, version]}
          pollMs={10_000}
          fetchPage={(cursor) => api.get<Page<OutboxDelivery>>('/v1/outbox/dead-letters', { subscriber: subscriber || undefined, limit: 25, cursor })}
          rowKey={(row) => String(row.id)}
          selectedKey={open ? String(open.id) : null}
          onRowClick={(row) => setOpen(row)}
          empty="No dead letters: every subscriber has its events."
          columns={[
            { header: 'Id', render: (row) => row.id },
            { header: 'Subscriber', render: (row) => <span className="small">{row.subscriber}</span> },
            {
              header: 'Event',
              render: (row) => (
                <div>
                  <div className="small">{row.event.type}</div>
                  <div className="muted small">{row.subject}</div>
                </div>
              ),
            },
            { header: 'Dead since', render: (row) => <span className="small">{formatTime(row.deadAt)}</span> },
            { header: 'Last error', render: (row) => <span className="small">{row.lastError ?? '—'}</span> },
            { header: 'Tries', className: 'num', render: (row) => `${row.attempts}${row.replayCount ? ` · ${row.replayCount} replayed` : ''}` },
          ]}
        />
      </Section>
      {open ? (
        <Section title={`Delivery ${open.id}`} testId="dead-letter-detail">
          <KeyValues
            rows={[
              ['Status', <Badge value={open.status} />],
              ['Subscriber', open.subscriber],
              ['Subject', open.subject],
              ['Attempts', open.attempts],
              ['Last error', open.lastError ?? '—'],
              ['Note', open.operatorNote ?? '—'],
            ]}
          />
          <h3>Event</h3>
          <JsonView value={open.event} testId="dead-letter-event" />
          {props.canOperate && open.status === 'dead' && (
            <DeadLetterActions
              replay={(reason) => api.post(`/v1/outbox/deliveries/${open.id}/replay`, { reason })}
              discard={(reason) => api.post(`/v1/outbox/deliveries/${open.id}/discard`, { reason })}
              onDone={changed}
            />
          )}
        </Section>
      ) : (
        <Section title="Delivery">
          <p className="muted">Pick a dead letter to read its event and deliver it again.</p>
        </Section>
      )}
    </div>
  );
}

/** Outbound webhook deliveries; `?status=dead` (the default) lists the dead letters, `?delivery=` the one open. */
export function WebhookDeliveries(props: { location: Location; canOperate: boolean }) {
  const { params } = props.location;
  const status = params.get('status') ?? 'dead';
  const deliveryId = params.get('delivery');
  const [version, setVersion] = useState(0);
  return (
    <div className="integrations-split">
      <Section
        title="Webhook deliveries"
        testId="webhook-deliveries"
        actions={
          <Choice value={status} onChange={(status) => setParams(props.location, { status })} options={webhookDeliveryStatuses} any={{ value: 'any', label: 'Any status' }} label="Status" testId="webhook-status" />
        }
      >
        <ServerTable<WebhookDeliverySummary>
          testId="webhook-table"
          deps={[status, version]}
          pollMs={10_000}
          fetchPage={(cursor) => api.get<Page<WebhookDeliverySummary>>('/v1/webhook-deliveries', { status: status === 'any' ? undefined : status, limit: 25, cursor })}
          rowKey={(row) => row.id}
          selectedKey={deliveryId}
          onRowClick={(row) => setParams(props.location, { delivery: row.id })}
          empty={`No ${status === 'any' ? '' : `${status} `}webhook deliveries.`}
          columns={[
            { header: 'Created', render: (row) => <span className="small">{formatTime(row.createdAt)}</span> },
            { header: 'Event', render: (row) => <span className="small">{row.eventType}</span> },
            { header: 'Status', render: (row) => <Badge value={row.status} /> },
            { header: 'Last answer', render: (row) => <span className="small">{row.lastStatusCode ?? '—'} {row.lastError ?? ''}</span> },
            { header: 'Tries', className: 'num', render: (row) => `${row.attempts}${row.replayCount ? ` · ${row.replayCount} replayed` : ''}` },
          ]}
        />
      </Section>
      {deliveryId ? (
        // Keyed by id: another delivery opened never shows the previous one's data while it loads.
        <WebhookDeliveryDetail key={deliveryId} id={deliveryId} canOperate={props.canOperate} onChanged={() => setVersion((v) => v + 1)} />
      ) : (
        <Section title="Delivery">
          <p className="muted">Pick a delivery to read the body it posts.</p>
        </Section>
      )}
    </div>
  );
}

function WebhookDeliveryDetail(props: { id: string; canOperate: boolean; onChanged: () => void }) {
  const delivery = useLoad(() => api.get<WebhookDelivery>(`/v1/webhook-deliveries/${encodeURIComponent(props.id)}`), [props.id], { pollMs: 10_000 });
  const d = delivery.data;
  if (!d) return <Section title="Delivery">{delivery.error ? <ErrorBox error={delivery.error} /> : <Loading />}</Section>;
  return (
    <Section title={`Delivery ${d.id}`} testId="webhook-delivery-detail">
      <KeyValues
        rows={[
          ['Status', <Badge value={d.status} testId="webhook-delivery-status" />],
          ['Subscription', d.subscriptionId],
          ['Event', `${d.eventType} #${d.sequence} (${d.eventId})`],
          [
            'Attempts',
            <span data-testid="webhook-delivery-attempts">
              {`${d.attempts}${d.nextAttemptAt ? `, next at ${formatTime(d.nextAttemptAt)}` : ''}${d.replayCount ? ` · ${d.replayCount} replayed` : ''}`}
            </span>,
          ],
          ['Last answer', <span data-testid="webhook-delivery-error">{`${d.lastStatusCode ?? '—'} ${d.lastError ?? ''} ${d.lastEndpoint ? `(${d.lastEndpoint})` : ''}`}</span>],
          ['Delivered', formatTime(d.deliveredAt)],
          ['Dead since', formatTime(d.deadAt)],
          ['Note', <span data-testid="webhook-delivery-note">{d.operatorNote ?? '—'}</span>],
        ]}
      />
      <h3>Body posted</h3>
      <PayloadView payload={d.payload} testId="webhook-payload" />
      {props.canOperate && d.status === 'dead' && (
        <DeadLetterActions
          replay={(reason) => api.post(`/v1/webhook-deliveries/${encodeURIComponent(d.id)}/replay`, { reason })}
          discard={(reason) => api.post(`/v1/webhook-deliveries/${encodeURIComponent(d.id)}/discard`, { reason })}
          onDone={() => {
            delivery.reload();
            props.onChanged();
          }}
        />
      )}
    </Section>
  );
}

/** Replay (optional reason) and discard (reason required) of a dead letter, each confirmed first. */
function DeadLetterActions(props: { replay: (reason: string | undefined) => Promise<unknown>; discard: (reason: string) => Promise<unknown>; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [discardReason, setDiscardReason] = useState('');
  return (
    <div className="toolbar message-actions">
      <ConfirmButton label="Replay" confirm="Deliver this again now, with a fresh attempt budget?" testId="replay" onConfirm={() => props.replay(reason.trim() || undefined)} onDone={props.onDone}>
        <ReasonInput value={reason} onChange={setReason} testId="replay-reason" />
      </ConfirmButton>
      <ConfirmButton
        label="Discard"
        kind="danger"
        confirm="Give up on this delivery for good? Say why; the reason is kept with it."
        testId="discard"
        onConfirm={() => props.discard(discardReason.trim())}
        onDone={props.onDone}
      >
        <ReasonInput value={discardReason} onChange={setDiscardReason} required testId="discard-reason" />
      </ConfirmButton>
    </div>
  );
}
