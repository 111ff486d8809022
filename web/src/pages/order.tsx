import { api } from '../api.ts';
import { useSession } from '../auth.tsx';
import { formatMinor, formatTime, useLoad } from '../components/data.ts';
import { ORDER_TOPICS, OrderDecisions, OrderHolds, OrderInvoices, OrderLines, OrderReturns, OrderShipments, OrderTimeline, orderValueMinor } from '../components/orders-sections.tsx';
import { Badge, ErrorBox, KeyValues, Loading, Section } from '../components/ui.tsx';
import { href, Link, type Location } from '../router.tsx';
import type { Order } from '../types.ts';
import './orders.css';

const tabs = [
  { key: 'lines', label: 'Lines & holds' },
  { key: 'timeline', label: 'Timeline' },
  { key: 'decisions', label: 'Decisions' },
  { key: 'shipments', label: 'Shipments' },
  { key: 'invoices', label: 'Invoices' },
  { key: 'returns', label: 'Returns' },
] as const;

/**
 * One order: its header, then one tab per part of its life (lines and holds, the event timeline,
 * the decisions made about it, shipments, invoices, returns). The tab is in the address.
 */
export function OrderPage(props: { location: Location }) {
  const { me } = useSession();
  const id = props.location.segments[1] ?? '';
  const tab = props.location.params.get('tab') ?? 'lines';
  const order = useLoad(() => api.get<Order>(`/v1/orders/${encodeURIComponent(id)}`), [id], { pollMs: 5_000, live: ORDER_TOPICS });
  const o = order.data?.id === id ? order.data : undefined;

  return (
    <div className="page" data-testid="page-order">
      <div className="order-title">
        <Link to="/orders">← Orders</Link>
        <h1 data-testid="order-heading">{o ? `Order ${o.externalOrderNumber}` : 'Order'}</h1>
        {o && <Badge value={o.state} testId="order-state" />}
      </div>
      <ErrorBox error={order.error} />
      {!o && !order.error && <Loading />}
      {o && (
        <>
          <Section title="Header" testId="order-header">
            <KeyValues
              rows={[
                ['Customer', o.customerCode],
                ['Channel', o.channel],
                ['Partner', o.partnerCode ?? '—'],
                ['Order number', o.externalOrderNumber],
                ['Customer PO', o.customerPo ?? '—'],
                ['Ship to', o.shipToCode ?? 'one-off address'],
                ['Value', formatMinor(orderValueMinor(o), o.currency)],
                ['Received', formatTime(o.receivedAt)],
                ['Requested delivery', o.requestedDeliveryDate ?? '—'],
                ['Promise date', o.promiseDate ?? '—'],
                ['Updated', formatTime(o.updatedAt)],
                ['Hub id', <code key="id">{o.id}</code>],
              ]}
            />
          </Section>

          <section className="card">
            <nav className="tabs" data-testid="order-tabs">
              {tabs.map((t) => (
                <a key={t.key} href={href(`/orders/${id}`, { tab: t.key === 'lines' ? undefined : t.key })} className={tab === t.key ? 'active' : ''} data-testid={`tab-${t.key}`}>
                  {t.label}
                  {t.key === 'lines' && o.holds.some((h) => !h.resolvedAt) ? ' ●' : ''}
                </a>
              ))}
            </nav>
            {tab === 'lines' && (
              <div className="order-lines-tab">
                <OrderLines order={o} />
                <h3>Holds</h3>
                <OrderHolds order={o} me={me} onChanged={order.reload} />
              </div>
            )}
            {tab === 'timeline' && <OrderTimeline orderId={o.id} pollMs={5_000} />}
            {tab === 'decisions' && <OrderDecisions order={o} />}
            {tab === 'shipments' && <OrderShipments orderId={o.id} />}
            {tab === 'invoices' && <OrderInvoices orderId={o.id} />}
            {tab === 'returns' && <OrderReturns orderId={o.id} />}
          </section>
        </>
      )}
    </div>
  );
}
