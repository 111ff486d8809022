import type { ReactNode } from 'react';
import { hasRole, type Me, type Role } from './api.ts';
import { href, type Location } from './router.tsx';

export interface NavEntry {
  path: string;
  label: string;
  /** Roles that see the entry; absent: everyone. The API enforces the same rules on its own. */
  roles?: Role[];
}

export const nav: NavEntry[] = [
  { path: '/', label: 'Overview' },
  { path: '/exceptions', label: 'Exceptions' },
  { path: '/orders', label: 'Orders' },
  { path: '/backorders', label: 'Backorders' },
  { path: '/inventory', label: 'Inventory' },
  { path: '/integrations', label: 'Integrations', roles: ['integration', 'viewer'] },
  { path: '/process', label: 'Process' },
  { path: '/policies', label: 'Policies' },
];

export function Layout(props: { me: Me; location: Location; onSignOut: () => void; children: ReactNode }) {
  const current = `/${props.location.segments[0] ?? ''}`;
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">Crossdock</div>
          <nav>
            {nav
              .filter((n) => !n.roles || hasRole(props.me, ...n.roles))
              .map((n) => (
                <a key={n.path} href={href(n.path)} className={current === n.path ? 'active' : ''} data-testid={`nav-${n.label.toLowerCase()}`}>
                  {n.label}
                </a>
              ))}
          </nav>
          <div className="who" data-testid="who">
            <div className="who-name">{props.me.name}</div>
            <div className="muted">{props.me.roles.join(', ').replaceAll('_', ' ')}</div>
            {props.me.partnerCode && <div className="muted">partner {props.me.partnerCode}</div>}
            <button type="button" className="btn plain" onClick={props.onSignOut} data-testid="sign-out">
              Sign out
            </button>
          </div>
        </div>
      </aside>
      <main className="content">{props.children}</main>
    </div>
  );
}
