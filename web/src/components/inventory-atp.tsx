import { api, type Page } from '../api.ts';
import { formatDuration, formatNumber, formatPercent, formatTime, useLoad } from './data.ts';
import { Badge, Choice, Empty, ErrorBox, Loading, type Tone } from './ui.tsx';
import type { ChannelRecord, LocationAvailability, LocationRecord, SkuAvailability } from '../types-inventory.ts';

/** What an availability question is: a SKU, and optionally one location, one channel and a "by" date. */
export interface AtpScope {
  sku: string;
  location?: string | undefined;
  channel?: string | undefined;
  date?: string | undefined;
}

/** ATP moves with every receipt and shipment, so the answer is asked again every few seconds. */
export const ATP_POLL_MS = 3_000;

export function useAvailability(scope: AtpScope) {
  return useLoad(
    () => api.get<SkuAvailability>(`/v1/availability/${encodeURIComponent(scope.sku)}`, { location: scope.location, channel: scope.channel, date: scope.date }),
    [scope.sku, scope.location, scope.channel, scope.date],
    { pollMs: ATP_POLL_MS },
  );
}

/**
 * The choices for the location and channel pickers come from master data. Both lists are short
 * (a distributor has a handful of warehouses and channels), so one page of each is enough.
 */
export function useInventoryChoices() {
  return useLoad(
    async () => {
      const [locations, channels] = await Promise.all([
        api.get<Page<LocationRecord>>('/v1/locations', { limit: 200 }),
        api.get<Page<ChannelRecord>>('/v1/channels', { limit: 200 }),
      ]);
      return { locations: locations.items, channels: channels.items };
    },
    [],
  );
}

export function AtpFilters(props: {
  scope: Omit<AtpScope, 'sku'>;
  onChange: (changes: Partial<Record<'location' | 'channel' | 'date', string | null>>) => void;
}) {
  const choices = useInventoryChoices();
  return (
    <div className="toolbar atp-filters">
      <label>
        Location
        <Choice
          value={props.scope.location ?? ''}
          onChange={(value) => props.onChange({ location: value || null })}
          options={(choices.data?.locations ?? []).map((l) => ({ value: l.code, label: `${l.code} — ${l.name}` }))}
          any={{ value: '', label: 'All locations' }}
          testId="atp-location"
        />
      </label>
      <label>
        Channel
        <Choice
          value={props.scope.channel ?? ''}
          onChange={(value) => props.onChange({ channel: value || null })}
          options={(choices.data?.channels ?? []).map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` }))}
          any={{ value: '', label: 'Any channel' }}
          testId="atp-channel"
        />
      </label>
      <label>
        Available by
        <input type="date" value={props.scope.date ?? ''} onChange={(e) => props.onChange({ date: e.target.value || null })} data-testid="atp-date" />
      </label>
      {(props.scope.location || props.scope.channel || props.scope.date) && (
        <button
          type="button"
          className="btn plain"
          onClick={() => props.onChange({ location: null, channel: null, date: null })}
        >
          Clear
        </button>
      )}
      <ErrorBox error={choices.error} />
    </div>
  );
}

const freshnessTone: Record<string, Tone> = { fresh: 'good', stale: 'warn', unknown: 'muted' };

function confidenceTone(confidence: number): Tone {
  if (confidence >= 0.95) return 'good';
  if (confidence >= 0.7) return 'warn';
  return 'bad';
}

/**
 * ATP per location with each source's freshness and confidence. Ages are the hub's own (computed at
 * `asOf` on the hub's clock, which the demo runs faster than real time), never the browser's.
 */
export function AtpTable(props: { scope: AtpScope; testId?: string }) {
  const availability = useAvailability(props.scope);
  const data = availability.data;
  if (!data) return availability.error ? <ErrorBox error={availability.error} /> : <Loading />;
  const channelAsked = data.channelCode !== null;
  const dateAsked = data.byDate !== null;
  return (
    <div className="atp" data-testid={props.testId ?? 'atp'}>
      <ErrorBox error={availability.error} />
      <div className="atp-network" data-testid="atp-network">
        <div className="atp-figure">
          <span className="kpi-label">Network ATP</span>
          <span className="kpi-value" data-testid="atp-network-value">
            {formatNumber(data.network.atp)}
          </span>
        </div>
        {channelAsked && (
          <div className="atp-figure">
            <span className="kpi-label">For {data.channelCode}</span>
            <span className="kpi-value">{formatNumber(data.network.atpForChannel)}</span>
          </div>
        )}
        {dateAsked && (
          <div className="atp-figure">
            <span className="kpi-label" data-testid="atp-by-date">
              By {/^\d{4}-\d{2}-\d{2}$/.test(data.byDate!) ? data.byDate : formatTime(data.byDate)}
            </span>
            <span className="kpi-value">{formatNumber(data.network.atpByDate)}</span>
          </div>
        )}
        <div className="atp-figure">
          <span className="kpi-label">Confidence-adjusted</span>
          <span className="kpi-value">{formatNumber(data.network.confidenceAdjustedAtp)}</span>
        </div>
        <div className="atp-figure">
          <span className="kpi-label">Sellable locations</span>
          <span className="kpi-value">{data.network.sellableLocations}</span>
        </div>
        <div className="muted small atp-asof">
          as of {formatTime(data.asOf)} · ledger #{data.watermark}
          {data.itemClass ? ` · ${data.itemClass}` : ''}
        </div>
      </div>
      {data.locations.length === 0 ? (
        <Empty>No stock positions for {data.sku}{props.scope.location ? ` at ${props.scope.location}` : ''}.</Empty>
      ) : (
        <table className="table compact atp-table">
          <thead>
            <tr>
              <th>Location</th>
              <th className="num">On hand</th>
              <th className="num">Reserved</th>
              <th className="num" title="Safety stock / units protected for channels">Safety / prot.</th>
              <th className="num">ATP</th>
              {channelAsked && <th className="num">ATP {data.channelCode}</th>}
              {dateAsked && <th className="num">ATP by date</th>}
              <th className="num">Adjusted</th>
              <th>Sources: freshness and confidence</th>
            </tr>
          </thead>
          <tbody>
            {data.locations.map((l) => (
              <AtpRow key={l.locationCode} row={l} channelAsked={channelAsked} dateAsked={dateAsked} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function AtpRow(props: { row: LocationAvailability; channelAsked: boolean; dateAsked: boolean }) {
  const l = props.row;
  const protectedUnits = l.protections.reduce((sum, p) => sum + p.quantity, 0);
  const other = l.buckets.quarantined + l.buckets.damaged;
  return (
    <tr data-testid={`atp-row-${l.locationCode}`} className={l.sellable ? '' : 'unsellable'}>
      <td>
        <strong>{l.locationCode}</strong>
        {!l.sellable && <span className="muted small"> not sellable</span>}
        {l.buckets.inTransit > 0 && <div className="muted small">{formatNumber(l.buckets.inTransit)} in transit</div>}
      </td>
      <td className="num" data-testid={`onhand-${l.locationCode}`}>
        {formatNumber(l.buckets.onHand)}
        {other > 0 && <div className="muted small">{formatNumber(other)} quarantined/damaged</div>}
      </td>
      <td className="num" data-testid={`reserved-${l.locationCode}`}>
        {formatNumber(l.buckets.reserved)}
      </td>
      <td className="num" title={l.protections.map((p) => `${p.channelCode}: ${p.quantity}`).join(', ')}>
        {formatNumber(l.safetyStock)} / {formatNumber(protectedUnits)}
      </td>
      <td className="num atp-value" data-testid={`atp-${l.locationCode}`}>
        {formatNumber(l.atp)}
      </td>
      {props.channelAsked && <td className="num">{formatNumber(l.atpForChannel)}</td>}
      {props.dateAsked && (
        <td className="num" data-testid={`atp-by-date-${l.locationCode}`} title={l.byDateThrough && `Inbound supply counted up to ${formatTime(l.byDateThrough)}`}>
          {formatNumber(l.atpByDate)}
        </td>
      )}
      <td className="num">{formatNumber(l.confidenceAdjustedAtp)}</td>
      <td className="sources-cell">
        <div className="sources">
          {l.freshness.length === 0 && <span className="muted small">no source has reported</span>}
          {l.freshness.map((f) => (
            <div className="source" key={f.source} data-testid={`source-${l.locationCode}-${f.source}`}>
              <span className="source-name">{f.source}</span>
              <Badge value={f.state} tone={freshnessTone[f.state] ?? 'muted'} />
              <span className="muted small" title={`last report ${formatTime(f.lastReportAt)}; expected every ${formatDuration(f.expectedIntervalMs)}`}>
                {f.ageMs === null ? 'never reported' : `${formatDuration(f.ageMs)} old`} / every {formatDuration(f.expectedIntervalMs)}
              </span>
              <Badge value={`conf ${formatPercent(f.confidence)}`} tone={confidenceTone(f.confidence)} />
              {f.driftRatio > 0 && <span className="muted small">drift {formatPercent(f.driftRatio)}</span>}
            </div>
          ))}
          <div className="muted small">location confidence {formatPercent(l.confidence)}</div>
        </div>
      </td>
    </tr>
  );
}
