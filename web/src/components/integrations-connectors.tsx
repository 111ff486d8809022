import { api } from '../api.ts';
import { href, setParams, type Location } from '../router.tsx';
import type { Connector, ConnectorList } from '../types.ts';
import { connectorKinds, type ConnectorDetail, type RecentFailure } from '../types-integrations.ts';
import { formatPercent, formatTime, useLoad } from './data.ts';
import { Badge, Choice, Empty, ErrorBox, JsonView, KeyValues, Loading, Section, type Tone } from './ui.tsx';

const statusTone: Record<string, Tone> = { healthy: 'good', degraded: 'warn', failing: 'bad', idle: 'muted' };

/** Every connector's health, most serious first (the hub's order), and the one picked in the address. */
export function ConnectorsPanel(props: { location: Location }) {
  const { params } = props.location;
  const kindFilter = params.get('filter') ?? '';
  const kind = params.get('kind');
  const name = params.get('name');
  const list = useLoad(() => api.get<ConnectorList>('/v1/integrations', { kind: kindFilter || undefined }), [kindFilter], { pollMs: 10_000 });

  return (
    <div className="integrations-split">
      <Section
        title="Connectors"
        testId="connectors"
        actions={
          <Choice value={kindFilter} onChange={(filter) => setParams(props.location, { filter })} options={connectorKinds} any={{ value: '', label: 'All kinds' }} label="Kind" testId="connector-kind" />
        }
      >
        <ErrorBox error={list.error} />
        {list.data && (
          <p className="connector-summary">
            {Object.entries(list.data.summary).map(([status, count]) => (
              <Badge key={status} value={`${count} ${status}`} tone={statusTone[status] ?? 'muted'} />
            ))}
            <span className="muted small"> as of {formatTime(list.data.generatedAt)}</span>
          </p>
        )}
        {!list.data && !list.error && <Loading />}
        {list.data?.items.length === 0 && <Empty>No connectors.</Empty>}
        {list.data && list.data.items.length > 0 && (
          <table className="table compact" data-testid="connector-table">
            <thead>
              <tr>
                <th>Connector</th>
                <th>Status</th>
                <th className="num">Errors 1 h</th>
                <th className="num">Backlog</th>
                <th>Last success</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => {
                const key = `${c.kind}/${c.name}`;
                return (
                  <tr
                    key={key}
                    data-row={key}
                    className={`clickable ${kind === c.kind && name === c.name ? 'selected' : ''}`}
                    onClick={() => setParams(props.location, { kind: c.kind, name: c.name })}
                  >
                    <td>
                      <div className="connector-name">{c.name}</div>
                      <div className="muted small">{c.kind}</div>
                    </td>
                    <td>
                      <Badge value={c.status} tone={statusTone[c.status] ?? 'muted'} />
                      {c.reasons[0] && <div className="muted small">{c.reasons[0]}</div>}
                    </td>
                    <td className="num">{rate(c)}</td>
                    <td className="num">
                      {c.backlog.pending + c.backlog.retrying}
                      {c.backlog.dead > 0 && <span className="bad"> · {c.backlog.dead} dead</span>}
                    </td>
                    <td className="small">{formatTime(c.lastSuccessAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Section>
      {kind && name ? <ConnectorDetailPanel kind={kind} name={name} /> : <Section title="Connector">{<p className="muted">Pick a connector to see its failures, breaker and backlog.</p>}</Section>}
    </div>
  );
}

function rate(c: Connector): string {
  const hour = c.errorRate.lastHour;
  return hour.requests === 0 ? '—' : `${formatPercent(hour.errorRate)} of ${hour.requests}`;
}

export function ConnectorDetailPanel(props: { kind: string; name: string }) {
  const detail = useLoad(() => api.get<ConnectorDetail>(`/v1/integrations/${encodeURIComponent(props.kind)}/${encodeURIComponent(props.name)}`), [props.kind, props.name], {
    pollMs: 10_000,
  });
  const c = detail.data;
  return (
    <Section title={`${props.kind}: ${props.name}`} testId="connector-detail">
      <ErrorBox error={detail.error} />
      {!c && !detail.error && <Loading />}
      {c && (
        <>
          <p>
            <Badge value={c.status} tone={statusTone[c.status] ?? 'muted'} testId="connector-status" />
          </p>
          {c.reasons.length > 0 && (
            <ul className="reasons">
              {c.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          <KeyValues
            rows={[
              ['Last success', formatTime(c.lastSuccessAt)],
              ['Last failure', formatTime(c.lastFailureAt)],
              ['Last error', c.lastError ?? '—'],
              ['Errors, last hour', `${c.errorRate.lastHour.failures} of ${c.errorRate.lastHour.requests} (${formatPercent(c.errorRate.lastHour.errorRate)})`],
              ['Errors, last 24 h', `${c.errorRate.last24Hours.failures} of ${c.errorRate.last24Hours.requests} (${formatPercent(c.errorRate.last24Hours.errorRate)})`],
              ['Backlog', `${c.backlog.pending} pending · ${c.backlog.retrying} retrying · ${c.backlog.dead} waiting for a person`],
              [
                'Breaker',
                c.breaker ? (
                  <span>
                    <Badge value={c.breaker.state} tone={c.breaker.state === 'closed' ? 'good' : c.breaker.state === 'open' ? 'bad' : 'warn'} /> {c.breaker.consecutiveFailures} consecutive
                    failures{c.breaker.retryAt ? `, retry at ${formatTime(c.breaker.retryAt)}` : ''}
                  </span>
                ) : (
                  'none (not an outbound endpoint)'
                ),
              ],
              [
                'Inbox source',
                c.inboxSource ? (
                  <a href={href('/integrations', { tab: 'inbox', source: c.inboxSource })} data-testid="connector-inbox-link">
                    {c.inboxSource}
                  </a>
                ) : (
                  '—'
                ),
              ],
              ['Partner', c.partnerCode ?? '—'],
            ]}
          />
          {Object.keys(c.details).length > 0 && (
            <details>
              <summary className="muted small">Details</summary>
              <JsonView value={c.details} />
            </details>
          )}
          <h3>Recent failures</h3>
          {c.recentFailures.length === 0 ? (
            <Empty>No recent failures.</Empty>
          ) : (
            <table className="table compact" data-testid="recent-failures">
              <thead>
                <tr>
                  <th>At</th>
                  <th>What</th>
                  <th>Status</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {c.recentFailures.map((f, i) => (
                  <tr key={`${f.ref?.id ?? 'request'}-${i}`}>
                    <td className="small">{formatTime(f.at)}</td>
                    <td className="small">
                      <FailureRef failure={f} />
                    </td>
                    <td>
                      <Badge value={f.status} />
                    </td>
                    <td className="small">{f.error ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Section>
  );
}

/** Where a failure can be looked at and replayed: messages and deliveries link to their tab. */
function FailureRef(props: { failure: RecentFailure }) {
  const ref = props.failure.ref;
  if (!ref) return <span className="muted">refused request (not kept)</span>;
  const target =
    ref.type === 'inbox-message'
      ? href('/integrations', { tab: 'inbox', message: ref.id, status: '' })
      : ref.type === 'webhook-delivery'
        ? href('/integrations', { tab: 'webhooks', delivery: ref.id })
        : ref.type === 'outbox-delivery'
          ? href('/integrations', { tab: 'dead-letters' })
          : null;
  const label = `${ref.type} ${ref.id}`;
  return target ? (
    <a href={target} data-testid={`failure-${ref.id}`}>
      {label}
    </a>
  ) : (
    <span>{label}</span>
  );
}
