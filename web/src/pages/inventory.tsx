import { api, type Page } from '../api.ts';
import { AtpFilters, AtpTable } from '../components/inventory-atp.tsx';
import { ServerTable } from '../components/table.tsx';
import { SearchForm, Section } from '../components/ui.tsx';
import { Link, setParam, setParams, type Location } from '../router.tsx';
import type { Item } from '../types-inventory.ts';
import './inventory.css';

/**
 * The ATP explorer: find a SKU by the start of its code, then read its availability per location for
 * a channel and by a date, with each source's freshness and confidence. Everything the view shows is
 * in the address (`#/inventory?sku=…&location=…&channel=…&date=…`), so a view can be shared.
 */
export function InventoryPage(props: { location: Location }) {
  const { params } = props.location;
  const sku = params.get('sku') ?? '';
  const q = params.get('q') ?? '';
  const scope = { location: params.get('location') ?? undefined, channel: params.get('channel') ?? undefined, date: params.get('date') ?? undefined };

  return (
    <div className="page inventory-page" data-testid="page-inventory">
      <h1>Inventory</h1>
      <div className="inventory-layout">
        <Section title="Find a SKU" testId="sku-search">
          <SearchForm value={q} onSubmit={(value) => setParam(props.location, 'q', value)} placeholder="SKU starts with…" submitLabel="Search" testId="sku-query" />
          <ServerTable<Item>
            testId="sku-results"
            deps={[q]}
            fetchPage={(cursor) => api.get<Page<Item>>('/v1/items', { q: q || undefined, limit: 15, cursor })}
            rowKey={(row) => row.sku}
            selectedKey={sku || null}
            onRowClick={(row) => setParam(props.location, 'sku', row.sku)}
            empty={q ? `No SKU starts with ${q}.` : 'No items in master data.'}
            columns={[
              { header: 'SKU', render: (row) => <strong>{row.sku}</strong> },
              { header: 'Description', render: (row) => <span className="small" title={row.itemClass ?? ''}>{row.description}</span> },
            ]}
          />
        </Section>

        <Section
          title={sku ? `Availability of ${sku}` : 'Availability'}
          actions={sku ? <Link to={`/inventory/${encodeURIComponent(sku)}`} testId="open-sku">SKU page: ledger and reservations →</Link> : undefined}
          testId="atp-explorer"
        >
          <AtpFilters scope={scope} onChange={(changes) => setParams(props.location, changes)} />
          {sku ? <AtpTable scope={{ sku, ...scope }} /> : <p className="muted">Pick a SKU to see its available-to-promise per location.</p>}
        </Section>
      </div>
    </div>
  );
}
