import { useEffect, useState, type ReactNode } from 'react';

/**
 * Hash routing (`#/orders/ORD-1?tab=lines`): the hub serves one page at `/app/`, and every screen
 * has an address that can be bookmarked or pasted into a ticket.
 */
export interface Location {
  path: string;
  segments: string[];
  params: URLSearchParams;
}

function read(): Location {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?');
  return { path, segments: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

export function useLocation(): Location {
  const [location, setLocation] = useState(read);
  useEffect(() => {
    const changed = () => setLocation(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return location;
}

export function href(path: string, params?: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | number | undefined | null>): void {
  window.location.hash = href(path, params).slice(1);
}

/** Changes query parameters of the current address (null or empty removes one), keeping the rest. */
export function setParams(location: Location, changes: Record<string, string | number | null | undefined>): void {
  const params: Record<string, string> = {};
  location.params.forEach((v, k) => (params[k] = v));
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') delete params[k];
    else params[k] = String(v);
  }
  navigate(location.path, params);
}

/** Replaces one query parameter of the current address, keeping the rest (filters, sort, page). */
export function setParam(location: Location, name: string, value: string | number | null | undefined): void {
  setParams(location, { [name]: value });
}

export function Link(props: { to: string; params?: Record<string, string | number | undefined | null>; children: ReactNode; className?: string; testId?: string }) {
  return (
    <a href={href(props.to, props.params)} className={props.className} data-testid={props.testId}>
      {props.children}
    </a>
  );
}
