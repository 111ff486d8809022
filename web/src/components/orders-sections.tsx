import { useState } from 'react';
import { api, hasRole, type Me, type Page } from '../api.ts';
import { formatMinor, formatNumber, formatTime, useLoad } from './data.ts';
import { ServerTable } from './table.tsx';
import { Badge, ConfirmButton, Empty, ErrorBox, Loading } from './ui.tsx';
import { Link } from '../router.tsx';
import type { Hold, Order } from '../types.ts';
import type { Decision, Invoice, ReturnAuthorization, Shipment, TimelineEntry, WaitingBackorder } from '../types-orders.ts';

/** Change-feed topics of everything an order's screen shows: the order, its releases, shipments, invoices, returns and exceptions. */
export const ORDER_TOPICS = ['order', 'fulfillment', 'shipment', 'invoice', 'return', 'exception'];

/** The order's value at its line prices: what a person weighs first. */
export function orderValueMinor(order: Order): number {
  return order.lines.reduce((sum, l) => sum + l.orderedQuantity * l.unitPriceMinor, 0);
}

/**
 * When each of the order's waiting lines can expect its units (`GET /v1/backorders`, one request per
 * SKU that waits): what customer service is asked about a backorder.
 */
function useBackorderEstimates(order: Order): Map<number, WaitingBackorder> {
  const skus = [...new Set(order.lines.filter((l) => l.backorderedQuantity > 0).map((l) => l.sku))].sort();
  const loaded = useLoad(
    async () => (skus.length === 0 ? [] : (await Promise.all(skus.map((sku) => api.get<{ items: WaitingBackorder[] }>('/v1/backorders', { sku, orderId: order.id, limit: 500 })))).flatMap((r) => r.items)),
    [order.id, order.version, skus.join(',')],
    { live: ['order', 'inventory', 'procurement'] },
  );
  return new Map((loaded.data ?? []).map((w) => [w.lineNumber, w]));
}

/** A waiting line's estimate, in words. */
function BackorderEstimate(props: { waiting: WaitingBackorder }) {
  const { expectedAvailableAt, coveredBy } = props.waiting;
  const text = expectedAvailableAt === null ? 'no supply known' : coveredBy === 'stock' ? 'in stock now' : `expected ${formatTime(expectedAvailableAt)} (${coveredBy})`;
  return (
    <div className="muted small" data-testid={`backorder-estimate-${props.waiting.lineNumber}`} title="An estimate: lines ahead in priority are served first, and a new order may take the supply">
      {text}
    </div>
  );
}

/** Lines with every quantity the hub tracks, and transfers still on their way to the shipping location. */
export function OrderLines(props: { order: Order }) {
  const { order } = props;
  const estimates = useBackorderEstimates(order);
  return (
    <div className="table-wrap">
      <table className="table compact" data-testid="order-lines">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>SKU</th>
            <th>State</th>
            <th className="num">Ordered</th>
            <th className="num">Allocated</th>
            <th className="num">Backordered</th>
            <th className="num">Shipped</th>
            <th className="num">Invoiced</th>
            <th className="num">Cancelled</th>
            <th className="num">Unit price</th>
            <th>Promise</th>
            <th>Transfers</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((l) => (
            <tr key={l.lineNumber} data-line={l.lineNumber}>
              <td className="num">{l.lineNumber}</td>
              <td>
                <Link to={`/inventory/${l.sku}`}>{l.sku}</Link>
                {l.substituteForSku && <div className="muted small">substitute for {l.substituteForSku}</div>}
                {l.orderedUnit !== 'EA' && <div className="muted small">{l.orderedUnitQuantity} {l.orderedUnit}</div>}
              </td>
              <td>
                <Badge value={l.state} />
              </td>
              <td className="num" data-qty="ordered">{formatNumber(l.orderedQuantity)}</td>
              <td className="num" data-qty="allocated">{formatNumber(l.allocatedQuantity)}</td>
              <td className="num" data-qty="backordered">
                {formatNumber(l.backorderedQuantity)}
                {estimates.has(l.lineNumber) && <BackorderEstimate waiting={estimates.get(l.lineNumber)!} />}
              </td>
              <td className="num" data-qty="shipped">{formatNumber(l.shippedQuantity)}</td>
              <td className="num" data-qty="invoiced">{formatNumber(l.invoicedQuantity)}</td>
              <td className="num" data-qty="cancelled">{formatNumber(l.cancelledQuantity)}</td>
              <td className="num">{formatMinor(l.unitPriceMinor, order.currency)}</td>
              <td>{l.promiseDate ?? '—'}</td>
              <td className="small">
                {(l.transfers ?? []).length === 0
                  ? '—'
                  : l.transfers!.map((t) => (
                      <div key={t.transferId}>
                        {t.quantity} {t.fromLocationCode} → {t.toLocationCode}
                      </div>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Holds, with release and reject for the hold's owner role (or admin); the hub checks the same. */
export function OrderHolds(props: { order: Order; me: Me | null; onChanged: () => void }) {
  const { order } = props;
  if (order.holds.length === 0) return <Empty>No holds.</Empty>;
  return (
    <table className="table compact" data-testid="order-holds">
      <thead>
        <tr>
          <th>Type</th>
          <th>Line</th>
          <th>Reason</th>
          <th>Owner</th>
          <th>Placed</th>
          <th>SLA due</th>
          <th>Outcome</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {order.holds.map((h) => (
          <tr key={h.id} data-hold={h.id}>
            <td>{h.type}</td>
            <td>{h.lineNumber ?? 'order'}</td>
            <td>
              <code>{h.reasonCode}</code> {h.reason}
            </td>
            <td>{h.ownerRole.replaceAll('_', ' ')}</td>
            <td className="small">{formatTime(h.placedAt)}</td>
            <td className="small">{formatTime(h.slaDueAt)}</td>
            <td>{h.resolution ? <span><Badge value={h.resolution} /> <span className="muted small">{h.resolvedBy ?? ''} {formatTime(h.resolvedAt)}</span></span> : <Badge value="held" />}</td>
            <td className="hold-actions">{!h.resolvedAt && hasRole(props.me, h.ownerRole) && <HoldCommands order={order} hold={h} onChanged={props.onChanged} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function HoldCommands(props: { order: Order; hold: Hold; onChanged: () => void }) {
  const [reason, setReason] = useState('');
  const path = (action: 'release' | 'reject') => `/v1/orders/${encodeURIComponent(props.order.id)}/holds/${encodeURIComponent(props.hold.id)}/${action}`;
  const reasonInput = (
    <label className="hold-reason">
      Reason (required, kept with the hold’s decision)
      <input type="text" value={reason} maxLength={500} onChange={(ev) => setReason(ev.target.value)} data-testid="hold-reason" />
    </label>
  );
  return (
    <>
      <ConfirmButton
        label="Release"
        confirm={`Release the ${props.hold.type} hold of ${props.order.externalOrderNumber}? The order goes on to allocation.`}
        onConfirm={() => api.post(path('release'), { reason: reason.trim() })}
        onDone={props.onChanged}
        testId={`release-${props.hold.id}`}
      >
        {reasonInput}
      </ConfirmButton>
      <ConfirmButton
        label="Reject"
        confirm={`Reject the ${props.hold.type} hold of ${props.order.externalOrderNumber}? The order is cancelled and its stock given back.`}
        onConfirm={() => api.post(path('reject'), { reason: reason.trim() })}
        onDone={props.onChanged}
        kind="danger"
        testId={`reject-${props.hold.id}`}
      >
        {reasonInput}
      </ConfirmButton>
    </>
  );
}

/** The order's process events, oldest first, as the event log relates them to the order and its parts. */
export function OrderTimeline(props: { orderId: string; pollMs?: number }) {
  return (
    <ServerTable<TimelineEntry>
      columns={[
        { header: 'At', render: (t) => <span className="small nowrap">{formatTime(t.at)}</span> },
        { header: 'Activity', render: (t) => <strong data-activity={t.activity}>{t.activity.replaceAll('_', ' ')}</strong> },
        {
          header: 'Objects',
          render: (t) => (
            <span className="small">
              {t.objects
                .filter((o) => !(o.type === 'order' && o.id === props.orderId))
                .map((o) => `${objectLabel(o, props.orderId)}${o.qualifier ? ` (${o.qualifier})` : ''}`)
                .join(', ')}
            </span>
          ),
        },
        { header: 'Attributes', render: (t) => <span className="small muted">{attributesText(t.attributes)}</span> },
      ]}
      fetchPage={(cursor) => api.get<Page<TimelineEntry>>(`/v1/orders/${encodeURIComponent(props.orderId)}/timeline`, { limit: 50, cursor })}
      deps={[props.orderId]}
      rowKey={(t) => t.id}
      pollMs={props.pollMs}
      live={ORDER_TOPICS}
      empty="No events recorded for this order yet."
      testId="order-timeline"
    />
  );
}

/** The order's own lines read as "line 2"; other objects by type and id. */
function objectLabel(o: { type: string; id: string }, orderId: string): string {
  if (o.type === 'order_line' && o.id.startsWith(orderId)) return `line ${o.id.slice(orderId.length + 1)}`;
  return `${o.type.replaceAll('_', ' ')} ${o.id}`;
}

/** The event's own attributes; its type and source are the log's bookkeeping, not the order's story. */
function attributesText(attributes: Record<string, unknown>): string {
  return Object.entries(attributes)
    .filter(([k, v]) => v !== null && v !== undefined && k !== 'eventType' && k !== 'source')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

/** Decisions shown at once; an order with more (hundreds of lines) offers the next page. */
const DECISIONS_PAGE = 200;

/**
 * The recorded decisions about the order and its lines (credit, pricing, sourcing, substitution,
 * backorder…), newest first, each with its reasons, and for sourcing the candidates it weighed.
 */
export function OrderDecisions(props: { order: Order }) {
  const { order } = props;
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  // One request for the order and all its lines (`orderId`), newest first, a page at a time.
  const loaded = useLoad(
    () => api.get<Page<Decision>>('/v1/decisions', { orderId: order.id, limit: DECISIONS_PAGE, ...(cursor !== undefined && { cursor }) }),
    [order.id, order.version, cursor],
  );
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  if (loaded.data.items.length === 0) return <Empty>No decisions recorded for this order.</Empty>;
  const next = loaded.data.nextCursor;
  return (
    <div className="decisions" data-testid="order-decisions">
      {loaded.data.items.map((d) => (
        <article key={d.id} className="decision" data-decision-kind={d.kind}>
          <header>
            <Badge value={d.kind} tone="info" /> <strong>{d.outcome.replaceAll('_', ' ')}</strong>
            <span className="muted small">
              {' '}
              {d.subject.type === 'order_line' ? `line ${d.subject.id.split(':')[1]}` : 'order'} · {d.madeBy}
              {d.appliedAutomatically ? ', automatic' : ''} · policy {d.policyId} v{d.policyVersion} · {formatTime(d.madeAt)}
            </span>
          </header>
          <ul className="reasons">
            {d.reasons.map((r, i) => (
              <li key={i}>
                <code>{r.code}</code> {r.message}
              </li>
            ))}
          </ul>
          <Candidates inputs={d.inputs} />
        </article>
      ))}
      {(cursor !== undefined || next !== null) && (
        <div className="toolbar">
          {cursor !== undefined && (
            <button type="button" className="btn plain" onClick={() => setCursor(undefined)} data-testid="decisions-newest">
              Newest
            </button>
          )}
          {next !== null && (
            <button type="button" className="btn plain" onClick={() => setCursor(next)} data-testid="decisions-older">
              Older decisions
            </button>
          )}
        </div>
      )}
    </div>
  );
}

interface Candidate {
  locationCode: string;
  atp?: number;
  confidence?: number;
  score?: number;
  distanceKm?: number;
}

/** Sourcing decisions carry the locations they scored: shown so the choice can be checked. */
function Candidates(props: { inputs: Record<string, unknown> }) {
  const candidates = props.inputs.candidates;
  if (!Array.isArray(candidates) || candidates.length === 0) return null;
  return (
    <table className="table compact candidates">
      <thead>
        <tr>
          <th>Location</th>
          <th className="num">ATP</th>
          <th className="num">Confidence</th>
          <th className="num">Distance km</th>
          <th className="num">Score</th>
        </tr>
      </thead>
      <tbody>
        {(candidates as Candidate[]).map((c) => (
          <tr key={c.locationCode}>
            <td>{c.locationCode}</td>
            <td className="num">{formatNumber(c.atp)}</td>
            <td className="num">{formatNumber(c.confidence)}</td>
            <td className="num">{formatNumber(c.distanceKm)}</td>
            <td className="num">{formatNumber(c.score)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OrderShipments(props: { orderId: string }) {
  const loaded = useLoad(() => api.get<{ items: Shipment[] }>(`/v1/orders/${encodeURIComponent(props.orderId)}/shipments`), [props.orderId], { pollMs: 10_000, live: ORDER_TOPICS });
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  if (loaded.data.items.length === 0) return <Empty>Nothing shipped yet.</Empty>;
  return (
    <table className="table compact" data-testid="order-shipments">
      <thead>
        <tr>
          <th>Shipment</th>
          <th>From</th>
          <th>Carrier</th>
          <th>Shipped</th>
          <th>Lines</th>
          <th>Short</th>
          <th>Latest milestone</th>
        </tr>
      </thead>
      <tbody>
        {loaded.data.items.map((s) => {
          const last = s.milestones[s.milestones.length - 1];
          return (
            <tr key={s.id}>
              <td>{s.shipmentNumber}</td>
              <td>{s.locationCode}</td>
              <td className="small">{[s.carrierScac, s.serviceCode, s.trackingNumber].filter(Boolean).join(' · ') || '—'}</td>
              <td className="small">{formatTime(s.shippedAt)}</td>
              <td className="small">{s.lines.map((l) => `#${l.lineNumber} ${l.sku} × ${l.quantity}`).join(', ') || 'none'}</td>
              <td className="small">{s.shortShipped.map((l) => `#${l.lineNumber} × ${l.quantity} (${l.handling})`).join(', ') || '—'}</td>
              <td className="small">{last ? <span><Badge value={last.type} /> {formatTime(last.occurredAt)}</span> : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function OrderInvoices(props: { orderId: string }) {
  return (
    <ServerTable<Invoice>
      columns={[
        { header: 'Invoice', render: (i) => i.invoiceNumber },
        { header: 'State', render: (i) => <Badge value={i.state} /> },
        { header: 'Issued', render: (i) => <span className="small">{formatTime(i.issuedAt)}</span> },
        { header: 'Lines', render: (i) => <span className="small">{i.lines.map((l) => `#${l.lineNumber} × ${l.quantity}`).join(', ')}</span> },
        { header: 'Total', className: 'num', render: (i) => formatMinor(i.totalMinor, i.currency) },
        {
          header: 'ERP',
          render: (i) =>
            i.erp ? (
              <span className="small">
                <Badge value={i.erp.status} tone={i.erp.agrees ? 'good' : 'bad'} />
                {!i.erp.agrees && i.erp.amountMinor !== null ? ` booked ${formatMinor(i.erp.amountMinor, i.currency)}` : ''}
                {i.erp.reason ? ` ${i.erp.reason}` : ''}
              </span>
            ) : (
              <span className="muted small">no answer yet</span>
            ),
        },
      ]}
      fetchPage={(cursor) => api.get<Page<Invoice>>(`/v1/orders/${encodeURIComponent(props.orderId)}/invoices`, { limit: 25, cursor })}
      deps={[props.orderId]}
      rowKey={(i) => i.id}
      empty="Not invoiced yet."
      testId="order-invoices"
    />
  );
}

export function OrderReturns(props: { orderId: string }) {
  const loaded = useLoad(() => api.get<{ items: ReturnAuthorization[] }>(`/v1/orders/${encodeURIComponent(props.orderId)}/returns`), [props.orderId]);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  if (loaded.data.items.length === 0) return <Empty>No returns.</Empty>;
  return (
    <table className="table compact" data-testid="order-returns">
      <thead>
        <tr>
          <th>RMA</th>
          <th>State</th>
          <th>To</th>
          <th>Lines</th>
          <th>Authorised</th>
          <th>Expires</th>
          <th>Received</th>
        </tr>
      </thead>
      <tbody>
        {loaded.data.items.map((r) => (
          <tr key={r.id}>
            <td>{r.rmaNumber}</td>
            <td>
              <Badge value={r.state} />
            </td>
            <td>{r.locationCode}</td>
            <td className="small">{r.lines.map((l) => `#${l.lineNumber} ${l.sku} × ${l.quantity} (${l.reasonCode}), ${l.receivedQuantity} received`).join('; ')}</td>
            <td className="small">{formatTime(r.authorizedAt)}</td>
            <td className="small">{formatTime(r.expiresAt)}</td>
            <td className="small">{formatTime(r.receivedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
