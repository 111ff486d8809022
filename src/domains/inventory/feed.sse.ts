import type { ServerResponse } from 'node:http';
import { isoTime, type Clock } from '../../platform/clock.ts';
import type { AvailabilityProjection } from './availability.projection.ts';
import { createCoalescer, type PendingSku } from './feed.coalescer.ts';

/**
 * The availability change feed as Server-Sent Events. One coalescer serves every connection: each
 * batch is rendered once and written to each client whose SKU filter matches, so the cost of a
 * change does not grow with the number of SKUs a client watches.
 *
 * Wire format, one event per SKU:
 *
 *     id: 1042
 *     event: availability
 *     data: {"sku":"SKU-1","lastMovementSeq":1042,"acceptedAtMs":…,"publishedAt":"…","publishedAtMs":…,
 *            "locations":[{"locationCode":"DC-EAST","atp":40,"confidence":1,"confidenceAdjustedAtp":40}],
 *            "network":{"atp":40,"confidenceAdjustedAtp":40}}
 *
 * `id` is the SKU's ledger watermark (its highest movement sequence). A batch is written in
 * watermark order, so a client that reconnects with `Last-Event-ID: n` is sent the current
 * availability of every SKU changed at or after n: nothing is missed, at worst one SKU is repeated.
 * Each event carries the whole current picture of its SKU, so a repeat is harmless.
 */

export interface FeedSnapshot {
  sku: string;
  lastMovementSeq: number;
  locations: Array<{ locationCode: string; atp: number; confidence: number; confidenceAdjustedAtp: number }>;
  network: { atp: number; confidenceAdjustedAtp: number };
}

export interface FeedEventData extends FeedSnapshot {
  acceptedAtMs: number;
  publishedAt: string;
  publishedAtMs: number;
}

export interface FeedDeps {
  projection: AvailabilityProjection;
  snapshot(sku: string): FeedSnapshot;
  clock: Clock;
  coalesceMs: number;
  heartbeatMs?: number;
  /** Bytes a slow client may leave unread before it is dropped; it reconnects with Last-Event-ID. */
  clientBacklogBytesMax?: number;
}

export interface FeedConnection {
  skus: ReadonlySet<string> | null;
  /** The Last-Event-ID the client presented, when it is a ledger watermark. */
  lastEventId: number | null;
  headers?: Record<string, string>;
}

interface Client {
  res: ServerResponse;
  skus: ReadonlySet<string> | null;
  heartbeat: NodeJS.Timeout;
}

interface Rendered {
  sku: string;
  seq: number;
  text: string;
}

const HEARTBEAT_MS = 15_000;
const BACKLOG_BYTES_MAX = 4 * 1024 * 1024;

export function createAvailabilityFeed(deps: FeedDeps) {
  const clients = new Set<Client>();
  const heartbeatMs = deps.heartbeatMs ?? HEARTBEAT_MS;
  const backlogMax = deps.clientBacklogBytesMax ?? BACKLOG_BYTES_MAX;

  function render(sku: string, acceptedAtMs: number, nowMs: number): Rendered {
    const snapshot = deps.snapshot(sku);
    const data: FeedEventData = { ...snapshot, acceptedAtMs, publishedAt: isoTime(nowMs), publishedAtMs: nowMs };
    return { sku, seq: snapshot.lastMovementSeq, text: `id: ${snapshot.lastMovementSeq}\nevent: availability\ndata: ${JSON.stringify(data)}\n\n` };
  }

  function send(client: Client, text: string): void {
    if (client.res.writableEnded || client.res.destroyed) return;
    // A client that stops reading would make the process buffer without bound; it is cut off and
    // will catch up by reconnecting with its Last-Event-ID.
    if (client.res.writableLength > backlogMax) {
      drop(client);
      return;
    }
    client.res.write(text);
  }

  function drop(client: Client): void {
    clearInterval(client.heartbeat);
    clients.delete(client);
    if (!client.res.writableEnded) client.res.end();
  }

  function publish(batch: PendingSku[]): void {
    if (clients.size === 0) return;
    const nowMs = deps.clock.now();
    const events = batch.map((p) => render(p.sku, p.firstAcceptedAtMs, nowMs)).sort((a, b) => a.seq - b.seq);
    const all = events.map((e) => e.text).join('');
    for (const client of clients) {
      const skus = client.skus;
      send(client, skus === null ? all : events.filter((e) => skus.has(e.sku)).map((e) => e.text).join(''));
    }
  }

  const coalescer = createCoalescer(deps.coalesceMs, publish);
  // With nobody listening there is nothing to render; changes are not even gathered.
  const unsubscribe = deps.projection.onTouch((touches) => {
    if (clients.size > 0) coalescer.add(touches);
  });

  return {
    /** Takes over a raw response (the route has hijacked it) and streams to it until it closes. */
    connect(res: ServerResponse, connection: FeedConnection): void {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Proxies such as nginx buffer responses unless told not to, which would hold events back.
        'x-accel-buffering': 'no',
        ...connection.headers,
      });
      // A first comment sends the headers at once, so the client knows it is connected.
      res.write(': connected\n\n');
      const client: Client = {
        res,
        skus: connection.skus,
        heartbeat: setInterval(() => send(client, ': heartbeat\n\n'), heartbeatMs).unref(),
      };
      clients.add(client);
      res.on('close', () => drop(client));

      if (connection.lastEventId !== null) {
        const since = connection.lastEventId;
        const skus = connection.skus
          ? [...connection.skus].filter((sku) => deps.projection.skuWatermark(sku) >= since)
          : deps.projection.skusChangedSince(since);
        const nowMs = deps.clock.now();
        const replay = skus.map((sku) => render(sku, nowMs, nowMs)).sort((a, b) => a.seq - b.seq);
        if (replay.length > 0) send(client, replay.map((e) => e.text).join(''));
      }
    },

    clientCount: (): number => clients.size,

    /** Publishes what is pending at once; for tests and shutdown. */
    flush: (): void => coalescer.flush(),

    /** Ends every stream; run before the HTTP server closes, which would otherwise wait for them. */
    close(): void {
      coalescer.close();
      unsubscribe();
      for (const client of [...clients]) drop(client);
    },
  };
}

export type AvailabilityFeed = ReturnType<typeof createAvailabilityFeed>;
