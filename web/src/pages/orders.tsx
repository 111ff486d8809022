import { useEffect, useState } from 'react';
import { api, type Page } from '../api.ts';
import { formatMinor, formatTime } from '../components/data.ts';
import { ServerTable } from '../components/table.tsx';
import { Badge, Choice } from '../components/ui.tsx';
import { navigate, setParam, type Location } from '../router.tsx';
import type { Order } from '../types.ts';
import { orderStates, orderSorts } from '../types-orders.ts';
import { orderValueMinor } from '../components/orders-sections.tsx';
import './orders.css';

/**
 * Orders: one search box for any reference (order id, external number, customer PO, customer,
 * partner or SKU — the hub matches each), a state filter and a sort, all answered by the server and
 * kept in the address so a search can be shared.
 */
export function OrdersPage(props: { location: Location }) {
  const { location } = props;
  const q = location.params.get('q') ?? '';
  const state = location.params.get('state') ?? '';
  const sort = location.params.get('sort') ?? 'newest';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  return (
    <div className="page" data-testid="page-orders">
      <h1>Orders</h1>
      <form
        className="toolbar orders-toolbar"
        onSubmit={(ev) => {
          ev.preventDefault();
          setParam(location, 'q', text.trim());
        }}
      >
        <label className="orders-search">
          Search by any reference
          <input
            type="search"
            value={text}
            maxLength={64}
            placeholder="Order id, order number, customer PO, customer, partner or SKU"
            onChange={(ev) => setText(ev.target.value)}
            data-testid="order-search"
          />
        </label>
        <button type="submit" className="btn primary" data-testid="order-search-submit">
          Search
        </button>
        <label>
          State
          <Choice
            value={state}
            onChange={(value) => setParam(location, 'state', value)}
            options={orderStates.map((s) => ({ value: s, label: s.replaceAll('_', ' ') }))}
            any={{ value: '', label: 'Any state' }}
            testId="order-state-filter"
          />
        </label>
        <label>
          Sort
          <Choice value={sort} onChange={(value) => setParam(location, 'sort', value)} options={orderSorts} testId="order-sort" />
        </label>
        {(q || state) && (
          <button type="button" className="btn plain" onClick={() => navigate('/orders', { sort: sort === 'newest' ? undefined : sort })} data-testid="order-search-clear">
            Clear
          </button>
        )}
      </form>

      <section className="card">
        <ServerTable<Order>
          columns={[
            {
              header: 'Order',
              render: (o) => (
                <div>
                  <a href={`#/orders/${encodeURIComponent(o.id)}`} onClick={(ev) => ev.stopPropagation()} className="order-number">
                    {o.externalOrderNumber}
                  </a>
                  <div className="muted small mono">{o.id}</div>
                </div>
              ),
            },
            { header: 'Customer', render: (o) => o.customerCode },
            { header: 'Customer PO', render: (o) => o.customerPo ?? '—' },
            { header: 'Channel', render: (o) => `${o.channel}${o.partnerCode ? ` · ${o.partnerCode}` : ''}` },
            { header: 'State', render: (o) => <Badge value={o.state} /> },
            { header: 'Lines', className: 'num', render: (o) => o.lines.length },
            { header: 'Value', className: 'num', render: (o) => formatMinor(orderValueMinor(o), o.currency) },
            { header: 'Holds', render: (o) => (o.holds.some((h) => !h.resolvedAt) ? <Badge value="on_hold" /> : '') },
            { header: 'Promise date', sortKey: 'promiseDate', render: (o) => o.promiseDate ?? '—' },
            { header: 'Received', sortKey: sort === 'oldest' ? 'oldest' : 'newest', render: (o) => <span className="small">{formatTime(o.receivedAt)}</span> },
          ]}
          fetchPage={(cursor) => api.get<Page<Order>>('/v1/orders', { q: q || undefined, state: state || undefined, sort, limit: 25, cursor })}
          deps={[q, state, sort]}
          rowKey={(o) => o.id}
          sort={sort}
          onSort={(key) => setParam(location, 'sort', key === sort && key === 'newest' ? 'oldest' : key === sort && key === 'oldest' ? 'newest' : key)}
          pollMs={10_000}
          live={['order']}
          onRowClick={(o) => navigate(`/orders/${o.id}`)}
          empty={q ? `No order matches “${q}”.` : 'No orders yet.'}
          testId="order-list"
        />
      </section>
    </div>
  );
}
