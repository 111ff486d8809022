import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { AppError, errorMessage } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';
import type { Random } from '../../platform/random.ts';
import * as repo from './webhooks.repo.ts';
import type { WebhooksConfig } from './webhooks.config.ts';
import type { WebhookSubscriptionRow } from './webhooks.tables.ts';
import { type ResolveHost } from './targets.resolve.ts';
import { checkTargetUrl, describeRefusal, firstRefused } from './targets.rules.ts';
import { createSubscriptionSchema, type CreateSubscription, type Subscription } from './webhooks.types.ts';

export interface SubscriptionDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  config: WebhooksConfig;
  resolveHost: ResolveHost;
}

const iso = (ms: number | null) => (ms === null ? null : isoTime(ms));

export function toSubscription(row: WebhookSubscriptionRow): Subscription {
  return {
    id: row.id,
    url: row.url,
    fallbackUrl: row.fallback_url,
    eventTypes: JSON.parse(row.event_types) as string[],
    description: row.description,
    status: row.status as Subscription['status'],
    createdAt: isoTime(Number(row.created_at)),
    createdBy: row.created_by,
    deletedAt: iso(row.deleted_at === null ? null : Number(row.deleted_at)),
  };
}

const SECRET_BYTES = 32;

export function createSubscriptionService(deps: SubscriptionDeps) {
  const { db, clock, ids, random, config } = deps;

  const refused = (path: string, message: string) => new AppError('webhook_target_refused', `${path.replace(/^body\./, '')}: ${message}`, [{ path, message }]);

  /**
   * Refuses a target that is, or resolves to, an address inside the hub's networks. This is a check
   * made once, when the subscription is created; every delivery checks the addresses again as it
   * connects (see targets.resolve.ts), because DNS answers change.
   */
  const checkTarget = async (raw: string, path: string): Promise<void> => {
    const checked = checkTargetUrl(raw, { allowHttp: config.allowHttpTargets, allowPrivate: config.allowPrivateTargets });
    if (!checked.ok) throw refused(path, checked.message);
    if (checked.literalAddress !== null) return;
    let addresses: string[];
    try {
      addresses = await deps.resolveHost(checked.host);
    } catch (error) {
      throw refused(path, `${checked.host} does not resolve (${errorMessage(error)})`);
    }
    if (addresses.length === 0) throw refused(path, `${checked.host} has no address`);
    const bad = config.allowPrivateTargets ? null : firstRefused(addresses);
    if (bad) throw refused(path, `${checked.host} resolves to ${bad.address}, a ${describeRefusal(bad.reason)} address`);
  };

  const load = async (id: string): Promise<WebhookSubscriptionRow> => {
    const row = await repo.findSubscription(db, id);
    if (!row) throw new AppError('not_found', `webhook subscription ${id} does not exist`, [{ path: 'params.id', message: 'unknown subscription id' }]);
    return row;
  };

  const newSecret = () => {
    const bytes = new Uint8Array(SECRET_BYTES);
    random.fill(bytes);
    return `whsec_${Buffer.from(bytes).toString('base64url')}`;
  };

  return {
    /** Creates a subscription; the answer carries its secret, which is never shown again. */
    async create(input: CreateSubscription, createdBy: string | null): Promise<{ subscription: Subscription; secret: string }> {
      const parsed = createSubscriptionSchema.parse(input);
      if (parsed.fallbackUrl !== undefined && parsed.fallbackUrl === parsed.url) {
        throw new AppError('validation_failed', 'fallbackUrl: must differ from url', [{ path: 'body.fallbackUrl', message: 'the same endpoint cannot be its own fallback' }]);
      }
      await checkTarget(parsed.url, 'body.url');
      if (parsed.fallbackUrl !== undefined) await checkTarget(parsed.fallbackUrl, 'body.fallbackUrl');
      const secret = parsed.secret ?? newSecret();
      const row: WebhookSubscriptionRow = {
        id: ids.next(),
        url: parsed.url,
        fallback_url: parsed.fallbackUrl ?? null,
        event_types: JSON.stringify(parsed.eventTypes),
        secret,
        description: parsed.description ?? null,
        status: 'active',
        // Events committed before this point are not the new subscription's; see docs/webhooks.md.
        start_after_seq: await repo.latestEventSeq(db),
        created_at: clock.now(),
        created_by: createdBy,
        deleted_at: null,
      };
      await repo.ensureEndpoints(db, [row.url, ...(row.fallback_url === null ? [] : [row.fallback_url])]);
      await repo.insertSubscription(db, row);
      return { subscription: toSubscription(row), secret };
    },

    async get(id: string): Promise<Subscription> {
      return toSubscription(await load(id));
    },

    async list(query: { status?: Subscription['status'] | undefined; limit: number; cursor?: string | undefined }): Promise<Page<Subscription>> {
      const afterId = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['s'] as const)[0];
      const rows = await repo.listSubscriptions(db, { status: query.status, afterId, limit: query.limit + 1 });
      return toPage(rows, query.limit, toSubscription, (row) => [row.id]);
    },

    /**
     * Stops a subscription. Its deliveries still to make, and its dead letters, are discarded with a
     * note: nothing will post to it again. Deleting a deleted subscription answers it as it is.
     */
    async remove(id: string): Promise<Subscription> {
      const now = clock.now();
      if (await repo.markSubscriptionDeleted(db, id, now)) {
        await repo.discardDeliveries(db, { subscriptionId: id }, ['pending', 'dead'], now, 'subscription deleted');
      }
      return toSubscription(await load(id));
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
