import { api, hasRole, type Page } from '../api.ts';
import { useSession } from '../auth.tsx';
import { BarChart, Sparkline } from '../components/charts.tsx';
import { formatDuration, formatPercent, formatTime, useLoad } from '../components/data.ts';
import { Badge, ErrorBox, Section } from '../components/ui.tsx';
import { Link, type Location } from '../router.tsx';
import type { ConnectorList, ExceptionSummary, KpiAnswer, OrderSummary } from '../types.ts';

/** The KPIs a manager reads first, in the order they read them. */
const headline: Array<{ kpi: string; label: string; format: (v: number | null) => string }> = [
  { kpi: 'touchless_rate', label: 'Touchless rate', format: formatPercent },
  { kpi: 'fill_rate_lines', label: 'Fill rate (lines)', format: formatPercent },
  { kpi: 'perfect_order_rate', label: 'Perfect order rate', format: formatPercent },
  { kpi: 'order_to_release_time', label: 'Order to release', format: hours },
  { kpi: 'order_cycle_time', label: 'Order cycle time', format: hours },
  { kpi: 'invoice_latency', label: 'Invoice latency', format: hours },
];

function hours(value: number | null): string {
  return value === null ? '—' : formatDuration(value * 3_600_000);
}

export function OverviewPage(_props: { location: Location }) {
  const { me } = useSession();
  const kpis = useLoad(
    () => Promise.all(headline.map((h) => api.get<KpiAnswer>('/v1/process/kpis', { kpi: h.kpi, interval: 'hour' }))),
    [],
    { pollMs: 15_000 },
  );
  const orders = useLoad(() => api.get<Page<OrderSummary>>('/v1/orders', { limit: 12 }), [], { pollMs: 3_000, live: ['order'] });
  const exceptions = useLoad(() => api.get<ExceptionSummary>('/v1/exceptions/summary'), [], { pollMs: 5_000, live: ['exception'] });
  const seesConnectors = hasRole(me, 'integration', 'viewer');
  const connectors = useLoad(() => (seesConnectors ? api.get<ConnectorList>('/v1/integrations') : Promise.resolve(null)), [seesConnectors], { pollMs: 10_000 });

  return (
    <div className="page" data-testid="page-overview">
      <h1>Overview</h1>
      <ErrorBox error={kpis.error} />
      <div className="kpi-grid" data-testid="kpis">
        {headline.map((h, i) => {
          const result = kpis.data?.[i]?.kpis[0];
          const series = (result?.series ?? []).slice(-48).map((b) => b.value ?? Number.NaN);
          return (
            <div className="kpi" key={h.kpi} data-testid={`kpi-${h.kpi}`}>
              <div className="kpi-label">{h.label}</div>
              <div className="kpi-value">{result ? h.format(result.value) : '…'}</div>
              <Sparkline values={series} />
              <div className="muted small">{result ? `${result.count} counted, last 30 days` : ''}</div>
            </div>
          );
        })}
      </div>

      <div className="columns">
        <Section title="Open exceptions by queue" actions={<Link to="/exceptions">Workbench →</Link>} testId="exceptions-by-queue">
          <ErrorBox error={exceptions.error} />
          {exceptions.data && (
            <>
              <p className="muted">{exceptions.data.total === 0 ? 'No live exceptions: every queue is clear.' : `${exceptions.data.total} live exceptions`}</p>
              <table className="table compact">
                <thead>
                  <tr>
                    <th>Queue</th>
                    <th>Open</th>
                    <th>Claimed</th>
                    <th>On track</th>
                    <th>At risk</th>
                    <th>Breached</th>
                  </tr>
                </thead>
                <tbody>
                  {exceptions.data.byQueue.map((q) => (
                    <tr key={q.queue}>
                      <td>
                        <Link to="/exceptions" params={{ queue: q.queue }}>
                          {q.queue.replaceAll('_', ' ')}
                        </Link>
                      </td>
                      <td>{q.open}</td>
                      <td>{q.claimed}</td>
                      <td>{q.onTrack}</td>
                      <td className={q.atRisk > 0 ? 'warn' : ''}>{q.atRisk}</td>
                      <td className={q.breached > 0 ? 'bad' : ''}>{q.breached}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <BarChart bars={exceptions.data.byType.slice(0, 8).map((t) => ({ label: t.type.replaceAll('_', ' '), value: t.count, tone: 'warn' }))} />
            </>
          )}
        </Section>

        <Section title="Live order flow" actions={<Link to="/orders">All orders →</Link>} testId="order-flow">
          <ErrorBox error={orders.error} />
          <table className="table compact">
            <thead>
              <tr>
                <th>Order</th>
                <th>Customer</th>
                <th>Channel</th>
                <th>State</th>
                <th>Received</th>
              </tr>
            </thead>
            <tbody>
              {(orders.data?.items ?? []).map((o) => (
                <tr key={o.id}>
                  <td>
                    <Link to={`/orders/${o.id}`}>{o.externalOrderNumber ?? o.id}</Link>
                  </td>
                  <td>{o.customerCode}</td>
                  <td>{o.channel}</td>
                  <td>
                    <Badge value={o.state} />
                  </td>
                  <td>{formatTime(o.receivedAt ?? o.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      </div>

      {seesConnectors && (
        <Section title="Connector health" actions={<Link to="/integrations">Integrations →</Link>} testId="connector-health">
          <ErrorBox error={connectors.error} />
          {connectors.data && (
            <div className="health-grid">
              {connectors.data.items.map((c) => (
                <Link key={`${c.kind}/${c.name}`} to="/integrations" params={{ kind: c.kind, name: c.name }} className={`health tone-${c.status === 'healthy' ? 'good' : c.status === 'idle' ? 'muted' : c.status === 'degraded' ? 'warn' : 'bad'}`}>
                  <span className="health-name">{c.name}</span>
                  <span className="muted small">{c.kind}</span>
                  <Badge value={c.status} />
                </Link>
              ))}
            </div>
          )}
        </Section>
      )}
    </div>
  );
}
