import { useEffect, useState, type ReactNode } from 'react';
import type { Page } from '../api.ts';
import { useLoad } from './data.ts';
import { Empty, ErrorBox } from './ui.tsx';

export interface Column<T> {
  header: string;
  render: (row: T) => ReactNode;
  /** When set, the header sorts on the server by this key. */
  sortKey?: string;
  className?: string;
}

/**
 * A table whose pages come from the server with keyset cursors: only one page is ever in the
 * browser, so a queue of 100,000 items pages as fast as one of ten. Sorting is the server's too;
 * the current sort is in the address (the caller owns it) so a sorted view can be shared.
 */
export function ServerTable<T>(props: {
  columns: Array<Column<T>>;
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  /** What the rows depend on (filters, sort); a change starts again at the first page. */
  deps: unknown[];
  rowKey: (row: T) => string;
  sort?: string;
  onSort?: (key: string) => void;
  pollMs?: number;
  /** Change-feed topics that make the rows stale (see useLoad). */
  live?: readonly string[];
  empty?: ReactNode;
  testId?: string;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
}) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const depsKey = JSON.stringify(props.deps);
  useEffect(() => setCursors([undefined]), [depsKey]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => props.fetchPage(cursor), [depsKey, cursor], { pollMs: props.pollMs, live: props.live });
  const rows = page.data?.items ?? [];

  return (
    <div className="table-wrap" data-testid={props.testId}>
      <ErrorBox error={page.error} />
      <table className="table">
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.header} className={c.className}>
                {c.sortKey && props.onSort ? (
                  <button type="button" className={`sort ${props.sort === c.sortKey ? 'active' : ''}`} onClick={() => props.onSort?.(c.sortKey!)}>
                    {c.header}
                    {props.sort === c.sortKey ? ' ▾' : ''}
                  </button>
                ) : (
                  c.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = props.rowKey(row);
            return (
              <tr
                key={key}
                data-row={key}
                className={`${props.onRowClick ? 'clickable' : ''} ${props.selectedKey === key ? 'selected' : ''}`}
                onClick={props.onRowClick ? () => props.onRowClick?.(row) : undefined}
              >
                {props.columns.map((c) => (
                  <td key={c.header} className={c.className}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {!page.loading && rows.length === 0 && !page.error && <Empty>{props.empty ?? 'Nothing here.'}</Empty>}
      <div className="pager">
        <button type="button" className="btn plain" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Previous
        </button>
        <span className="muted">Page {cursors.length}{page.loading ? ' · loading…' : ''}</span>
        <button
          type="button"
          className="btn plain"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors((c) => [...c, page.data!.nextCursor!])}
          data-testid="next-page"
        >
          Next →
        </button>
      </div>
    </div>
  );
}
