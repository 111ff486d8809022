import { hasRole } from '../api.ts';
import { useSession } from '../auth.tsx';
import { ConnectorsPanel } from '../components/integrations-connectors.tsx';
import { OutboxDeadLetters, WebhookDeliveries } from '../components/integrations-deliveries.tsx';
import { InboxPanel } from '../components/integrations-inbox.tsx';
import { href, type Location } from '../router.tsx';
import './integrations.css';

const tabs = [
  { id: 'connectors', label: 'Connectors' },
  { id: 'inbox', label: 'Inbox' },
  { id: 'dead-letters', label: 'Outbox dead letters' },
  { id: 'webhooks', label: 'Webhook deliveries' },
] as const;

/**
 * The integration console: connector health, the inbox with raw payloads (edit and replay), and the
 * outbox and webhook dead letters. The API lets only integration, viewer (read-only) and admin read
 * these, and only integration and admin act on them; the page follows it, and the API decides.
 */
export function IntegrationsPage(props: { location: Location }) {
  const { me } = useSession();
  const { params } = props.location;
  const tab = params.get('tab') ?? (params.get('message') ? 'inbox' : params.get('delivery') ? 'webhooks' : 'connectors');
  const canOperate = hasRole(me, 'integration');

  if (!hasRole(me, 'integration', 'viewer')) {
    return (
      <div className="page" data-testid="page-integrations">
        <h1>Integrations</h1>
        <p className="muted" data-testid="integrations-not-allowed">
          The integration console is for the integration and viewer roles. Ask an administrator if you need it.
        </p>
      </div>
    );
  }

  return (
    <div className="page integrations-page" data-testid="page-integrations">
      <h1>
        Integrations {!canOperate && <span className="muted small">(read only)</span>}
      </h1>
      <nav className="tabs" data-testid="integrations-tabs">
        {tabs.map((t) => (
          <a key={t.id} href={href('/integrations', { tab: t.id })} className={tab === t.id ? 'active' : ''} data-testid={`tab-${t.id}`}>
            {t.label}
          </a>
        ))}
      </nav>
      {tab === 'connectors' && <ConnectorsPanel location={props.location} />}
      {tab === 'inbox' && <InboxPanel location={props.location} canOperate={canOperate} />}
      {tab === 'dead-letters' && <OutboxDeadLetters location={props.location} canOperate={canOperate} />}
      {tab === 'webhooks' && <WebhookDeliveries location={props.location} canOperate={canOperate} />}
    </div>
  );
}
