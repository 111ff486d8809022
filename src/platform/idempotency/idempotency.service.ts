import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/store.ts';
import { startPoller, type Poller } from '../poller.ts';
import { completeClaim, deleteExpired, deleteExpiredKey, findKey, insertClaim, releaseClaim } from './idempotency.repo.ts';
import type { BeginResult, IdempotencyClaim, StoredResponse } from './idempotency.types.ts';

export interface IdempotencyDeps {
  db: Executor;
  clock: Clock;
  config: Config['idempotency'];
  /** Errors of the clean-up loop; the next tick tries again. */
  onLoopError?: (error: unknown) => void;
}

/** How often the background loop deletes expired keys. Expired keys are ignored anyway, so this only bounds the table. */
const PURGE_INTERVAL_MS = 10 * 60_000;
/** A claim can vanish between our insert and our read (released after a 5xx, or expired); then we try again. */
const CLAIM_ATTEMPTS = 4;

export interface IdempotencyService {
  /** Claims the key for this request, or says how to answer instead (replay, in progress, reused with another request). */
  begin(claim: IdempotencyClaim): Promise<BeginResult>;
  /** Stores the answer of a claimed request (2xx–4xx) so a retry gets it byte for byte. */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void>;
  /** Gives the key back after a 5xx: the effect did not happen, so the client may retry with it. */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Deletes every key past retention; returns how many. */
  purgeExpired(): Promise<number>;
  retentionMs: number;
  start(): void;
  stop(): Promise<void>;
}

const decodeResponse = (row: {
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  response_body_encoding: string | null;
}): StoredResponse => ({
  status: row.response_status ?? 500,
  headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
  body: Buffer.from(row.response_body ?? '', row.response_body_encoding === 'base64' ? 'base64' : 'utf8'),
});

export function createIdempotencyService(deps: IdempotencyDeps): IdempotencyService {
  const { db, clock } = deps;
  const retentionMs = deps.config.retentionHours * 3_600_000;
  let poller: Poller | null = null;

  const begin = async (claim: IdempotencyClaim): Promise<BeginResult> => {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = clock.now();
      const inserted = await insertClaim(db, {
        scope: claim.scope,
        idem_key: claim.key,
        fingerprint: claim.fingerprint,
        status: 'in_progress',
        created_at: now,
        completed_at: null,
        response_status: null,
        response_headers: null,
        response_body: null,
        response_body_encoding: null,
      });
      if (inserted) return { kind: 'claimed' };
      const row = await findKey(db, claim.scope, claim.key);
      if (!row) continue; // Released or purged since our insert: try to claim it again.
      if (row.created_at + retentionMs <= now) {
        // Expired keys count as never seen. Deleted lazily here; the loop deletes the rest.
        await deleteExpiredKey(db, row.scope, row.idem_key, row.created_at);
        continue;
      }
      if (row.fingerprint !== claim.fingerprint) return { kind: 'mismatch' };
      if (row.status !== 'completed') return { kind: 'in_progress' };
      return { kind: 'replay', response: decodeResponse(row) };
    }
    // The key keeps changing hands under us: another request holds it right now.
    return { kind: 'in_progress' };
  };

  const complete = async (claim: IdempotencyClaim, response: StoredResponse): Promise<void> => {
    const text = response.body.toString('utf8');
    // Text that survives a UTF-8 round trip is stored readable; anything else (binary) as base64.
    const utf8 = Buffer.from(text, 'utf8').equals(response.body) && !text.includes('\u0000');
    await completeClaim(db, claim.scope, claim.key, claim.fingerprint, {
      response_status: response.status,
      response_headers: JSON.stringify(response.headers),
      response_body: utf8 ? text : response.body.toString('base64'),
      response_body_encoding: utf8 ? 'utf8' : 'base64',
      completed_at: clock.now(),
    });
  };

  const release = async (claim: IdempotencyClaim): Promise<void> => {
    await releaseClaim(db, claim.scope, claim.key, claim.fingerprint);
  };

  const purgeExpired = () => deleteExpired(db, clock.now() - retentionMs);

  return {
    begin,
    complete,
    release,
    purgeExpired,
    retentionMs,
    start() {
      poller ??= startPoller({ intervalMs: PURGE_INTERVAL_MS, tick: purgeExpired, onError: deps.onLoopError ?? (() => undefined) });
    },
    async stop() {
      await poller?.stop();
      poller = null;
    },
  };
}
