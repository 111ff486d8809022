import { useState } from 'react';
import { api } from '../api.ts';
import { BarChart } from '../components/charts.tsx';
import { formatDuration, formatNumber, formatPercent, formatTime, useLoad } from '../components/data.ts';
import { ProcessMapGraph, edgeKey, hoursText } from '../components/process-map.tsx';
import { TrendChart } from '../components/process-trend.tsx';
import { ErrorBox, Loading, Section } from '../components/ui.tsx';
import { setParam, type Location } from '../router.tsx';
import type { KpiAnswer, KpiResult } from '../types.ts';
import { kpiDefinitions, mapObjectTypes, processWindows, type KpiDefinition, type ProcessMap, type ProcessWindowKey } from '../types-process.ts';
import './process.css';

/** How a KPI's number reads, from the unit the hub gives it (hours, seconds, share, per order). */
export function formatKpi(unit: string | undefined, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'hours') return formatDuration(value * 3_600_000);
  if (unit === 'seconds') return formatDuration(value * 1_000);
  if (unit?.startsWith('share')) return formatPercent(value);
  return formatNumber(value);
}

const dimensionLabels: Record<string, string> = {
  channel: 'Channel',
  segment: 'Customer segment',
  facility: 'Facility',
  stage: 'Stage',
  rootCause: 'Root cause',
  owner: 'Owner',
  queue: 'Queue',
  source: 'Source',
  supplier: 'Supplier',
};

const HOUR_MS = 3_600_000;

/**
 * Process intelligence: where orders (or lines, shipments, exceptions…) go and where they wait, the
 * paths they take, and any KPI broken down by slice and over time. The window is measured back from
 * the hub's own clock (an answer's `to`), never the browser's: the demo hub runs on a simulated,
 * accelerated clock, and a window computed from the browser's "now" would miss everything.
 */
export function ProcessPage(props: { location: Location }) {
  const { location } = props;
  const params = location.params;
  const windowKey = (processWindows.find((w) => w.key === params.get('window'))?.key ?? '7d') as ProcessWindowKey;
  const win = processWindows.find((w) => w.key === windowKey)!;
  const objectType = params.get('type') ?? 'order';
  const rank = params.get('rank') === 'total' ? 'total' : 'p90';
  const limit = Number(params.get('limit') ?? 20);
  // Edge detail: every edge, or only those followed by at least 1 % / 5 % of the objects.
  const detail = params.get('edges') ?? '1';
  const [refresh, setRefresh] = useState(0);
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);

  // The hub's "now": a default-window answer's `to`. Everything below is measured back from it.
  const anchor = useLoad(() => api.get<KpiAnswer>('/v1/process/kpis', { kpi: 'exception_rate' }).then((a) => a.to), [refresh]);
  const to = anchor.data;
  const from = to ? new Date(new Date(to).getTime() - win.hours * HOUR_MS).toISOString() : undefined;

  const map = useLoad(
    () => (to ? api.get<ProcessMap>('/v1/process/map', { objectType, from, to, rank, limit }) : Promise.resolve(undefined)),
    [to, from, objectType, rank, limit],
  );

  return (
    <div className="page process-page" data-testid="page-process">
      <div className="process-head">
        <h1>Process</h1>
        <div className="toolbar">
          <div className="segmented" role="group" aria-label="Window" data-testid="process-window">
            {processWindows.map((w) => (
              <button
                key={w.key}
                type="button"
                className={`btn ${w.key === windowKey ? 'primary' : 'plain'}`}
                onClick={() => setParam(location, 'window', w.key)}
                data-testid={`window-${w.key}`}
              >
                {w.label}
              </button>
            ))}
          </div>
          <button type="button" className="btn plain" onClick={() => setRefresh((r) => r + 1)} data-testid="process-refresh">
            Refresh
          </button>
          <span className="muted small" data-testid="process-asof">
            {to && from ? `${formatTime(from)} → ${formatTime(to)} (hub time)` : ''}
          </span>
        </div>
      </div>
      <ErrorBox error={anchor.error} />

      <Section
        title="Process map"
        testId="process-map-card"
        actions={
          <div className="toolbar">
            <label>
              Object type
              <select value={objectType} onChange={(e) => setParam(location, 'type', e.target.value)} data-testid="map-object-type">
                {mapObjectTypes.map((t) => (
                  <option key={t} value={t}>
                    {t.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Rank bottlenecks by
              <select value={rank} onChange={(e) => setParam(location, 'rank', e.target.value)} data-testid="map-rank">
                <option value="p90">p90 wait</option>
                <option value="total">total wait</option>
              </select>
            </label>
            <label>
              Edges
              <select value={detail} onChange={(e) => setParam(location, 'edges', e.target.value)} data-testid="map-edges">
                <option value="all">all</option>
                <option value="1">≥ 1% of objects</option>
                <option value="5">≥ 5% of objects</option>
              </select>
            </label>
            <label>
              Rows
              <select value={limit} onChange={(e) => setParam(location, 'limit', e.target.value)}>
                {[10, 20, 50, 100].map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          </div>
        }
      >
        <ErrorBox error={map.error} />
        {!map.data && !map.error && <Loading />}
        {map.data && (
          <>
            <p className="muted small" data-testid="map-summary" data-from={map.data.from} data-to={map.data.to}>
              {map.data.objects.toLocaleString('en-US')} {map.data.objectType.replaceAll('_', ' ')} objects, {map.data.events.toLocaleString('en-US')} events,{' '}
              {map.data.activities.length} activities, {map.data.edges.length} directly-follows edges
              {map.loading ? ' · updating…' : ''}
            </p>
            <ProcessMapGraph
              map={map.data}
              bottlenecks={3}
              minEdgeCount={detail === 'all' ? 0 : Math.ceil((map.data.objects * Number(detail)) / 100)}
              highlight={selectedEdge}
              onSelectEdge={setSelectedEdge}
            />
          </>
        )}
      </Section>

      {map.data && (
        <div className="columns">
          <Section title={`Bottlenecks, by ${rank === 'p90' ? 'p90' : 'total'} wait`} testId="bottlenecks">
            {map.data.bottlenecks.length === 0 ? (
              <div className="empty">No waits in this window.</div>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>From → to</th>
                    <th className="num">Count</th>
                    <th className="num">Median</th>
                    <th className="num">p90</th>
                    <th className="num">Mean</th>
                    <th className="num">Total</th>
                  </tr>
                </thead>
                <tbody>
                  {map.data.bottlenecks.map((b, i) => {
                    const key = edgeKey(b);
                    return (
                      <tr
                        key={key}
                        className={`clickable${selectedEdge === key ? ' selected' : ''}`}
                        onClick={() => setSelectedEdge(selectedEdge === key ? null : key)}
                        data-testid="bottleneck-row"
                      >
                        <td>{i + 1}</td>
                        <td>
                          {b.from} → {b.to}
                        </td>
                        <td className="num">{b.count.toLocaleString('en-US')}</td>
                        <td className="num">{hoursText(b.medianWaitHours)}</td>
                        <td className={`num${i < 3 && b.p90WaitHours > 0 ? ' bad' : ''}`}>{hoursText(b.p90WaitHours)}</td>
                        <td className="num">{hoursText(b.meanWaitHours)}</td>
                        <td className="num">{hoursText(b.totalWaitHours)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Variants: the most common paths" testId="variants">
            {map.data.variants.length === 0 ? (
              <div className="empty">No traces in this window.</div>
            ) : (
              <ol className="variants">
                {map.data.variants.map((v, i) => (
                  <li key={i} data-testid="variant">
                    <div className="variant-head">
                      <span className="variant-share">
                        <span className="variant-bar" style={{ width: `${Math.max(2, v.share * 100)}%` }} />
                      </span>
                      <strong>{formatPercent(v.share)}</strong>
                      <span className="muted">{v.count.toLocaleString('en-US')} objects</span>
                    </div>
                    <div className="variant-path">
                      {v.activities.map((a, j) => (
                        <span key={j} className="variant-item">
                          {j > 0 && <span className="variant-arrow">→</span>}
                          <span className="variant-step">{a}</span>
                        </span>
                      ))}
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </Section>
        </div>
      )}

      <KpiDrillDown location={location} to={to} from={from} defaultInterval={win.interval} />
    </div>
  );
}

function KpiDrillDown(props: { location: Location; to: string | undefined; from: string | undefined; defaultInterval: 'hour' | 'day' }) {
  const { location, to, from } = props;
  const params = location.params;
  const definition: KpiDefinition = kpiDefinitions.find((d) => d.kpi === params.get('kpi')) ?? kpiDefinitions[1]!;
  const requestedBy = params.get('by') ?? 'channel';
  // Offer only slices the KPI has: asking for another is a 400 from the hub.
  const by = definition.dimensions.includes(requestedBy as never) ? requestedBy : requestedBy === 'none' ? '' : (definition.dimensions[0] ?? '');
  const interval = params.get('interval') === 'day' || params.get('interval') === 'hour' ? params.get('interval')! : props.defaultInterval;

  const answer = useLoad(
    () => (to ? api.get<KpiAnswer>('/v1/process/kpis', { kpi: definition.kpi, from, to, by: by || undefined, interval }) : Promise.resolve(undefined)),
    [definition.kpi, from, to, by, interval],
  );
  const result: KpiResult | undefined = answer.data?.kpis[0];
  const format = (v: number) => formatKpi(result?.unit, v);
  const isShare = result?.unit.startsWith('share');
  const isDuration = result?.unit === 'hours' || result?.unit === 'seconds';

  return (
    <Section
      title="KPI drill-down"
      testId="kpi-drilldown"
      actions={
        <div className="toolbar">
          <label>
            KPI
            <select value={definition.kpi} onChange={(e) => setParam(location, 'kpi', e.target.value)} data-testid="kpi-select">
              {kpiDefinitions.map((d) => (
                <option key={d.kpi} value={d.kpi}>
                  {d.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            By
            <select value={by || 'none'} onChange={(e) => setParam(location, 'by', e.target.value)} data-testid="kpi-by">
              <option value="none">(no slice)</option>
              {definition.dimensions.map((d) => (
                <option key={d} value={d}>
                  {dimensionLabels[d] ?? d}
                </option>
              ))}
            </select>
          </label>
          <label>
            Interval
            <select value={interval} onChange={(e) => setParam(location, 'interval', e.target.value)} data-testid="kpi-interval">
              <option value="hour">hour</option>
              <option value="day">day</option>
            </select>
          </label>
        </div>
      }
    >
      <ErrorBox error={answer.error} />
      {!result && !answer.error && <Loading />}
      {result && (
        <div className="kpi-drill">
          <div className="kpi-drill-figure">
            <div className="kpi-label">{result.title}</div>
            <div className="kpi-drill-value" data-testid="kpi-value" data-from={answer.data?.from} data-to={answer.data?.to} data-by={answer.data?.by ?? ''}>
              {format(result.value ?? Number.NaN)}
            </div>
            <div className="muted small">
              {result.count.toLocaleString('en-US')} counted
              {isShare && result.denominator !== undefined ? ` · ${formatNumber(result.numerator)} of ${formatNumber(result.denominator)}` : ''}
            </div>
            {isDuration && (
              <div className="muted small">
                p50 {format(result.p50 ?? Number.NaN)} · p90 {format(result.p90 ?? Number.NaN)} · max {format(result.max ?? Number.NaN)}
              </div>
            )}
            <div className="kpi-definition" data-testid="kpi-definition">
              <div>
                <strong>Formula:</strong> {definition.formula}
              </div>
              <div>
                <strong>Counts:</strong> {definition.counts}
              </div>
              <div className="muted small">
                Defined in docs/kpis.md · <code>{definition.kpi}</code>
              </div>
            </div>
          </div>
          <div className="kpi-drill-charts">
            {by && (
              <>
                <h3>By {(dimensionLabels[by] ?? by).toLowerCase()}</h3>
                {(result.groups ?? []).length === 0 ? (
                  <div className="empty">Nothing counted in this window.</div>
                ) : (
                  <GroupBars groups={result.groups ?? []} format={format} />
                )}
              </>
            )}
            <h3>Per {interval}</h3>
            <TrendChart testId="kpi-trend" format={format} points={(result.series ?? []).map((s) => ({ start: s.start, value: s.value, count: s.count }))} />
          </div>
        </div>
      )}
    </Section>
  );
}

/** One bar per slice, labelled with the KPI's own value; the chart scales to the largest slice. */
function GroupBars(props: { groups: Array<{ key: string; value: number | null; count: number }>; format: (v: number) => string }) {
  return (
    <BarChart
      testId="kpi-groups"
      format={props.format}
      bars={props.groups.map((g) => ({ label: `${g.key} (${g.count})`, value: g.value ?? 0, tone: g.value === null ? 'muted' : 'info' }))}
    />
  );
}
