import { useState } from 'react';
import { api, type Page } from '../api.ts';
import { ATP_POLL_MS, AtpFilters, AtpTable } from '../components/inventory-atp.tsx';
import { formatMinor, formatNumber, formatTime, useLoad } from '../components/data.ts';
import { ServerTable } from '../components/table.tsx';
import { Badge, Choice, ErrorBox, KeyValues, Loading, Section } from '../components/ui.tsx';
import { Link, setParams, type Location } from '../router.tsx';
import type { Item, Movement, Reservation } from '../types-inventory.ts';
import './inventory.css';

/**
 * One SKU: its master data, ATP per location (live), the ledger movements that made it (newest
 * first, paged on the server) and the reservations holding it. `?location=` narrows both the ATP
 * and the ledger to one location.
 */
export function SkuPage(props: { location: Location }) {
  const sku = props.location.segments[1] ?? '';
  const { params } = props.location;
  const scope = { location: params.get('location') ?? undefined, channel: params.get('channel') ?? undefined, date: params.get('date') ?? undefined };
  const item = useLoad(() => api.get<Item>(`/v1/items/${encodeURIComponent(sku)}`), [sku]);

  return (
    <div className="page sku-page" data-testid="page-sku">
      <p className="muted small">
        <Link to="/inventory" params={{ sku }}>
          ← Inventory explorer
        </Link>
      </p>
      <h1>
        {sku} {item.data && <span className="muted small">{item.data.description}</span>}
      </h1>
      <div className="columns">
        <Section title="Item" testId="sku-facts">
          <ErrorBox error={item.error} />
          {item.data ? <ItemFacts item={item.data} /> : !item.error && <Loading />}
        </Section>
        <Section title="Reservations" testId="sku-reservations">
          <Reservations sku={sku} locationCode={scope.location} />
        </Section>
      </div>
      <Section title="Available to promise" testId="sku-atp">
        <AtpFilters scope={scope} onChange={(changes) => setParams(props.location, changes)} />
        <AtpTable scope={{ sku, ...scope }} />
      </Section>
      <Section title={`Ledger movements${scope.location ? ` at ${scope.location}` : ''}`} testId="sku-movements">
        <ServerTable<Movement>
          testId="movements"
          deps={[sku, scope.location]}
          pollMs={ATP_POLL_MS}
          fetchPage={(cursor) => api.get<Page<Movement>>('/v1/inventory/movements', { sku, locationCode: scope.location, limit: 25, cursor })}
          rowKey={(row) => row.id}
          empty="No movements recorded for this SKU."
          columns={[
            { header: 'Occurred', render: (row) => formatTime(row.occurredAt) },
            { header: 'Location', render: (row) => row.locationCode },
            { header: 'Kind', render: (row) => <Badge value={row.kind} tone="info" /> },
            {
              header: 'Quantity',
              className: 'num',
              render: (row) => <span className={row.quantity < 0 ? 'qty-out' : 'qty-in'}>{row.quantity > 0 ? `+${formatNumber(row.quantity)}` : formatNumber(row.quantity)}</span>,
            },
            { header: 'On hand after', className: 'num', render: (row) => formatNumber(row.onHandAfter) },
            { header: 'Source', render: (row) => <span className="small">{row.source ?? '—'}</span> },
            { header: 'Reference', render: (row) => <span className="small">{row.reference ?? '—'}</span> },
            { header: 'Recorded', render: (row) => <span className="muted small">{formatTime(row.recordedAt)}</span> },
          ]}
        />
      </Section>
    </div>
  );
}

function ItemFacts(props: { item: Item }) {
  const i = props.item;
  return (
    <KeyValues
      rows={[
        ['Description', i.description],
        ['Status', <Badge value={i.status} />],
        ['Class', i.itemClass ?? '—'],
        ['GTIN', i.gtin ?? '—'],
        ['Base unit', i.baseUnit],
        ['Pack sizes', i.packSizes.length ? i.packSizes.map((p) => `${p.unit} = ${p.quantity} ${i.baseUnit}`).join(', ') : '—'],
        ['Unit cost', formatMinor(i.unitCostMinor, i.currency)],
        ['List price', formatMinor(i.listPriceMinor, i.currency)],
        ['Weight', i.weightKg === undefined ? '—' : `${i.weightKg} kg`],
        ['Substitutes', i.substitutes?.length ? i.substitutes.map((s) => (typeof s === 'string' ? s : s.sku)).join(', ') : 'none'],
        ['Version', `${i.version}, updated ${formatTime(i.updatedAt)}`],
      ]}
    />
  );
}

/** Reservations holding this SKU (pending ones by default), newest first, paged on the server. */
function Reservations(props: { sku: string; locationCode: string | undefined }) {
  const [state, setState] = useState('pending');
  return (
    <>
      <div className="toolbar">
        <label>
          State
          <Choice value={state} onChange={setState} options={['pending', 'committed', 'released', 'expired']} testId="reservation-state" />
        </label>
      </div>
      <ServerTable<Reservation>
        testId="reservations"
        deps={[props.sku, props.locationCode, state]}
        pollMs={ATP_POLL_MS * 2}
        rowKey={(r) => r.id}
        fetchPage={(cursor) => api.get<Page<Reservation>>('/v1/reservations', { sku: props.sku, locationCode: props.locationCode, state, limit: 10, cursor })}
        empty={`No ${state} reservations.`}
        columns={[
          { header: 'Order', render: (r) => <Link to={`/orders/${encodeURIComponent(r.orderId)}`}>{r.orderId}</Link> },
          { header: 'Line', render: (r) => r.lineNumber },
          { header: 'Location', render: (r) => r.locationCode },
          { header: 'Quantity', className: 'num', render: (r) => formatNumber(r.quantity) },
          { header: 'State', render: (r) => <Badge value={r.state} /> },
          { header: 'Created', render: (r) => formatTime(r.createdAt) },
          { header: 'Expires / resolved', render: (r) => (r.resolvedAt ? formatTime(r.resolvedAt) : formatTime(r.expiresAt)) },
        ]}
      />
    </>
  );
}
