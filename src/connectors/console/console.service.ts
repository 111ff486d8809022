import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import type { FileConnector } from '../files/index.ts';
import type { OutboxService } from '../../platform/outbox/index.ts';
import type { WebhooksModule } from '../webhooks/index.ts';
import * as repo from './console.repo.ts';
import * as connectorsRepo from './console.connectors.repo.ts';
import { byAttention, DAY_MS, HOUR_MS, visibleTo } from './console.rules.ts';
import { ediPartnerEntry, folderEntries, followerEntry, inboxSourceEntry, subscriberEntry, webhookInEntries, webhookOutEntries, type BuildContext, type Entry } from './console.sources.ts';
import { connectorStatuses, type Connector, type ConnectorDetail, type ConnectorKind, type ConnectorList } from './console.types.ts';

export interface ConsoleDeps {
  db: Executor;
  clock: Clock;
  webhooks: Pick<WebhooksModule, 'webhookHealth'>;
  files: Pick<FileConnector, 'folderHealth'>;
  outbox: Pick<OutboxService, 'followerHealth'>;
  /** The trading partner a watched folder belongs to, if any (from the configuration). */
  folderPartner: (folder: string) => string | null;
}

/** What a key scoped to a trading partner may see; null for an operator's key. */
export type ConsoleScope = { partnerCode: string; inboxSources: readonly string[] } | null;

const RECENT_FAILURES = 20;

/** The integration console: one health view over every connector, and one connector with its recent failures. */
export function createIntegrationConsole(deps: ConsoleDeps) {
  const { db, clock } = deps;

  const context = (): BuildContext => {
    const now = clock.now();
    return { db, now, windows: { hourStart: now - HOUR_MS, dayStart: now - DAY_MS } };
  };

  /**
   * The entries of one kind. Webhooks and outbox subscribers carry every partner's traffic and are
   * never built for a scoped key; the others are filtered by name (and by `only`, for one connector)
   * before their statistics are read.
   */
  async function entriesOf(kind: ConnectorKind, ctx: BuildContext, scope: ConsoleScope, only?: string): Promise<Entry[]> {
    const shown = (name: string, partnerCode: string | null) => (only === undefined || name === only) && visibleTo({ kind, name, partnerCode }, scope);
    switch (kind) {
      case 'webhook-out':
      case 'webhook-in': {
        if (scope !== null) return [];
        const health = await deps.webhooks.webhookHealth();
        return kind === 'webhook-out' ? webhookOutEntries(ctx, health.outbound) : webhookInEntries(ctx, health.inbound);
      }
      case 'folder': {
        const folders = (await deps.files.folderHealth()).filter((f) => shown(f.name, deps.folderPartner(f.name)));
        return folderEntries(ctx, folders, deps.folderPartner);
      }
      case 'edi-partner': {
        const codes = (await connectorsRepo.tradingPartnerCodes(db)).filter((code) => shown(code, code));
        const entries: Entry[] = [];
        for (const code of codes) entries.push(await ediPartnerEntry(ctx, code));
        return entries;
      }
      case 'inbox-source': {
        const sources = (await repo.inboxSources(db)).filter((source) => shown(source, null));
        const entries: Entry[] = [];
        for (const source of sources) entries.push(await inboxSourceEntry(ctx, source));
        return entries;
      }
      case 'outbox-subscriber': {
        if (scope !== null) return [];
        const followers = (await deps.outbox.followerHealth()).filter((f) => shown(f.name, null));
        const entries: Entry[] = followers.map((f) => followerEntry(f));
        for (const name of (await repo.outboxSubscribers(db)).filter((n) => shown(n, null) && !followers.some((f) => f.name === n))) entries.push(await subscriberEntry(ctx, name));
        return entries;
      }
    }
  }

  const kinds: readonly ConnectorKind[] = ['webhook-out', 'webhook-in', 'folder', 'edi-partner', 'inbox-source', 'outbox-subscriber'];

  return {
    async list(scope: ConsoleScope, filter: { kind?: ConnectorKind | undefined } = {}): Promise<ConnectorList> {
      const ctx = context();
      const items: Connector[] = [];
      for (const kind of kinds) {
        if (filter.kind !== undefined && filter.kind !== kind) continue;
        for (const entry of await entriesOf(kind, ctx, scope)) items.push(entry.connector);
      }
      items.sort(byAttention);
      const summary = Object.fromEntries(connectorStatuses.map((s) => [s, items.filter((c) => c.status === s).length])) as ConnectorList['summary'];
      return { generatedAt: isoTime(ctx.now), summary, items };
    },

    /** One connector and its most recent failures; a connector the caller may not see is, to it, one that does not exist. */
    async get(kind: ConnectorKind, name: string, scope: ConsoleScope): Promise<ConnectorDetail> {
      const entry = (await entriesOf(kind, context(), scope, name)).find((e) => e.connector.name === name);
      if (!entry) throw new AppError('not_found', `no ${kind} connector named ${name}`, [{ path: 'params.name', message: 'unknown connector' }]);
      return { ...entry.connector, recentFailures: await entry.recentFailures(RECENT_FAILURES) };
    },
  };
}

export type IntegrationConsole = ReturnType<typeof createIntegrationConsole>;
