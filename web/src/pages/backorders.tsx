import { useEffect, useState } from 'react';
import { api, hasRole } from '../api.ts';
import { useSession } from '../auth.tsx';
import { formatNumber, formatTime, useLoad } from '../components/data.ts';
import { Badge, ConfirmButton, Empty, ErrorBox, Loading, SearchForm, Section } from '../components/ui.tsx';
import { Link, setParam, type Location } from '../router.tsx';
import type { BackorderAttempt, WaitingBackorder } from '../types-orders.ts';

/** What completes a waiting line, in words. */
function expectedText(w: WaitingBackorder): string {
  if (w.expectedAvailableAt === null) return 'no supply known';
  return w.coveredBy === 'stock' ? 'in stock now' : formatTime(w.expectedAvailableAt);
}

/**
 * Backorders: the order lines waiting for supply, in the order supply will serve them (customer tier,
 * promise date, age), with when each can expect its units. The hub allocates them when stock arrives;
 * a planner may allocate one SKU's lines by hand. `#/backorders?sku=…` shows one SKU.
 */
export function BackordersPage(props: { location: Location }) {
  const { me } = useSession();
  const sku = props.location.params.get('sku') ?? '';
  const [attempts, setAttempts] = useState<BackorderAttempt[] | null>(null);
  useEffect(() => setAttempts(null), [sku]);
  const waiting = useLoad(() => api.get<{ items: WaitingBackorder[] }>('/v1/backorders', { sku: sku || undefined, limit: 500 }), [sku], {
    live: ['order', 'inventory', 'procurement'],
    pollMs: 30_000,
  });
  const items = waiting.data?.items;
  const planner = hasRole(me, 'planner');

  return (
    <div className="page" data-testid="page-backorders">
      <h1>Backorders</h1>
      <Section
        title={sku ? `Lines waiting for ${sku}` : 'Lines waiting for supply'}
        testId="backorders"
        actions={
          planner && sku ? (
            <ConfirmButton
              label={`Allocate ${sku} now`}
              confirm={`Allocate the lines waiting for ${sku}, highest priority first, while usable stock lasts?`}
              onConfirm={async () => setAttempts((await api.post<{ attempts: BackorderAttempt[] }>('/v1/backorders/allocate', { skus: [sku] })).attempts)}
              onDone={waiting.reload}
              testId="allocate-backorders"
            />
          ) : undefined
        }
      >
        <SearchForm value={sku} onSubmit={(value) => setParam(props.location, 'sku', value)} placeholder="SKU" submitLabel="Show" testId="backorders-sku" />
        {attempts !== null && (
          <p className="small" data-testid="backorder-attempts">
            {attempts.length === 0 ? 'No usable stock: nothing was tried.' : attempts.map((a) => `${a.orderId.slice(-6)} line ${a.lineNumber}: ${a.result.replaceAll('_', ' ')}${a.reason ? ` (${a.reason})` : ''}`).join('; ')}
          </p>
        )}
        <ErrorBox error={waiting.error} />
        {!items ? (
          waiting.error ? null : <Loading />
        ) : items.length === 0 ? (
          <Empty>{sku ? `Nothing waits for ${sku}.` : 'No order line waits for supply.'}</Empty>
        ) : (
          <div className="table-wrap">
            <table className="table compact" data-testid="backorder-list">
              <thead>
                <tr>
                  <th className="num" title="0–100: customer tier, promise-date urgency and age; higher is served first">Priority</th>
                  <th>Order</th>
                  <th>Customer</th>
                  <th>SKU</th>
                  <th className="num">Waiting</th>
                  <th>Promise</th>
                  <th title="An estimate: lines above are served first, and a new order may take the supply">Expected</th>
                  <th>From</th>
                </tr>
              </thead>
              <tbody>
                {items.map((w) => (
                  <tr key={`${w.orderId}:${w.lineNumber}`} data-row={`${w.orderId}:${w.lineNumber}`}>
                    <td className="num">{formatNumber(w.priority)}</td>
                    <td>
                      <Link to={`/orders/${encodeURIComponent(w.orderId)}`}>{w.externalOrderNumber}</Link>
                      <div className="muted small">
                        line {w.lineNumber} · <Badge value={w.orderState} />
                      </div>
                    </td>
                    <td>
                      {w.customerCode}
                      <div className="muted small">{w.tier}</div>
                    </td>
                    <td>
                      <Link to={`/inventory/${encodeURIComponent(w.sku)}`}>{w.sku}</Link>
                    </td>
                    <td className="num">{formatNumber(w.waitingQuantity)}</td>
                    <td>{w.promiseDate ?? '—'}</td>
                    <td data-testid="backorder-expected">{expectedText(w)}</td>
                    <td className="small">{w.coveredBy ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}
