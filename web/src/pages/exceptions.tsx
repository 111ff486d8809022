import { useMemo, useState } from 'react';
import { api, type Page, type Role } from '../api.ts';
import { useSession } from '../auth.tsx';
import { ExceptionDetail } from '../components/exceptions-detail.tsx';
import { formatTime, useLoad } from '../components/data.ts';
import { ServerTable } from '../components/table.tsx';
import { Badge, Empty, ErrorBox } from '../components/ui.tsx';
import { setParam, type Location } from '../router.tsx';
import type { ExceptionSummary } from '../types.ts';
import { exceptionSorts, exceptionStates, type CrossdockException, type ExceptionTypes } from '../types-exceptions.ts';
import './exceptions.css';

/** Live queues refresh this often; the hub's clock may run fast (the demo), so a few seconds matter. */
const POLL_MS = 4_000;
/** The queue, its counts and the open exception go stale when any exception changes. */
const LIVE = ['exception'];

const workingRoles: Role[] = ['customer_service', 'planner', 'warehouse', 'finance', 'procurement', 'integration'];

/**
 * The exceptions workbench: the signed-in user's queues (by default the queue of their first
 * working role), sorted on the server, with the selected exception's context, audit trail and
 * commands beside it. Filters, sort and the selected exception live in the address.
 */
export function ExceptionsPage(props: { location: Location }) {
  const { me } = useSession();
  const { location } = props;
  const mine = (me?.roles ?? []).filter((r) => workingRoles.includes(r));
  // No queue in the address: the user's own; `all` asks for every queue explicitly.
  const queueParam = location.params.get('queue') ?? mine[0] ?? 'all';
  const queue = queueParam === 'all' ? undefined : queueParam;
  const type = location.params.get('type') ?? undefined;
  const state = location.params.get('state') ?? undefined;
  const sort = location.params.get('sort') ?? 'priority';
  const selected = location.params.get('id');
  const [refresh, setRefresh] = useState(0);

  const types = useLoad(() => api.get<ExceptionTypes>('/v1/exception-types'), []);
  const typeMap = useMemo(() => new Map((types.data?.items ?? []).map((t) => [t.type, t])), [types.data]);
  // The summary carries the hub's own time: the detail's time to due is told against it, never the
  // browser's clock. Each exception's SLA state comes from the hub with it (`slaState`).
  const summary = useLoad(() => api.get<ExceptionSummary>('/v1/exceptions/summary'), [refresh], { pollMs: POLL_MS, live: LIVE });
  const hubNow = summary.data?.generatedAt;
  const countOf = (role: string) => summary.data?.byQueue.find((q) => q.queue === role);
  const queueOptions: string[] = [...mine, ...workingRoles.filter((r) => !mine.includes(r)), 'admin'];

  return (
    <div className="page" data-testid="page-exceptions">
      <h1>Exceptions</h1>
      <div className="toolbar exceptions-toolbar">
        <label>
          Queue
          <select value={queueParam} onChange={(ev) => setParam(location, 'queue', ev.target.value)} data-testid="queue-filter">
            <option value="all">All queues</option>
            {queueOptions.map((role) => {
              const c = countOf(role);
              return (
                <option key={role} value={role}>
                  {role.replaceAll('_', ' ')}
                  {mine.includes(role as Role) ? ' (mine)' : ''}
                  {c ? ` · ${c.open + c.claimed} live` : ''}
                </option>
              );
            })}
          </select>
        </label>
        <label>
          Type
          <select value={type ?? ''} onChange={(ev) => setParam(location, 'type', ev.target.value)} data-testid="type-filter">
            <option value="">All types</option>
            {(types.data?.items ?? []).map((t) => (
              <option key={t.type} value={t.type}>
                {t.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          State
          <select value={state ?? ''} onChange={(ev) => setParam(location, 'state', ev.target.value)} data-testid="state-filter">
            <option value="">Live (open and claimed)</option>
            {exceptionStates.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort
          <select value={sort} onChange={(ev) => setParam(location, 'sort', ev.target.value)} data-testid="sort-filter">
            {exceptionSorts.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {queue && countOf(queue) && <QueueCounts counts={countOf(queue)!} />}
      </div>
      <ErrorBox error={types.error} />

      <div className={`workbench ${selected ? 'with-detail' : ''}`}>
        <div className="card workbench-queue">
          <ServerTable<CrossdockException>
            columns={[
              { header: 'Priority', sortKey: 'priority', className: 'num', render: (e) => e.priority },
              {
                header: 'Exception',
                render: (e) => (
                  <div>
                    <div className="queue-title">{typeMap.get(e.type)?.title ?? e.type}</div>
                    <div className="muted small queue-what">{e.summary.what}</div>
                  </div>
                ),
              },
              {
                header: 'State',
                render: (e) => (
                  <div className="state-cell">
                    <Badge value={e.state} />
                    <div className="muted small">
                      {e.assignee?.name ?? e.queueRole.replaceAll('_', ' ')}
                      {e.escalationLevel > 0 ? ' · escalated' : ''}
                    </div>
                  </div>
                ),
              },
              {
                header: 'SLA due',
                sortKey: 'slaDue',
                render: (e) => (
                  <div className="sla-cell">
                    {e.slaState && <Badge value={e.slaState} testId={`sla-${e.id}`} />}
                    <div className="muted small">{formatTime(e.slaDueAt)}</div>
                  </div>
                ),
              },
              { header: 'Raised', sortKey: 'age', render: (e) => <span className="small nowrap">{formatTime(e.raisedAt)}</span> },
            ]}
            fetchPage={(cursor) => api.get<Page<CrossdockException>>('/v1/exceptions', { queue, type, state, sort, limit: 25, cursor })}
            deps={[queue, type, state, sort, refresh]}
            rowKey={(e) => e.id}
            sort={sort}
            onSort={(key) => setParam(location, 'sort', key)}
            pollMs={POLL_MS}
            live={LIVE}
            onRowClick={(e) => setParam(location, 'id', e.id)}
            selectedKey={selected}
            empty={queue ? `Nothing in the ${queue.replaceAll('_', ' ')} queue${type || state ? ' with these filters' : ''}.` : 'No exceptions match.'}
            testId="exception-queue"
          />
        </div>
        {selected ? (
          <div className="workbench-detail">
            <div className="detail-close">
              <button type="button" className="btn plain" onClick={() => setParam(location, 'id', null)} data-testid="close-detail">
                Close ✕
              </button>
            </div>
            <ExceptionDetail id={selected} me={me} hubNow={hubNow} types={typeMap} pollMs={POLL_MS} onChanged={() => setRefresh((r) => r + 1)} />
          </div>
        ) : (
          <div className="workbench-detail workbench-hint">
            <Empty>Select an exception to see its context, audit trail and actions.</Empty>
          </div>
        )}
      </div>
    </div>
  );
}

function QueueCounts(props: { counts: ExceptionSummary['byQueue'][number] }) {
  const c = props.counts;
  return (
    <div className="queue-counts" data-testid="queue-counts">
      <span>{c.open} open</span>
      <span>{c.claimed} claimed</span>
      <Badge value={`${c.onTrack} on track`} tone="good" />
      <Badge value={`${c.atRisk} at risk`} tone="warn" />
      <Badge value={`${c.breached} breached`} tone="bad" />
    </div>
  );
}
