import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SoakClient } from './client.ts';

/**
 * The simulated network that drives the soak: inside sales placing orders over the API under an
 * Idempotency-Key, a warehouse posting receipts with its own sequence numbers, the same warehouse
 * confirming what the hub released to it, and a partner dropping CSV order files into a watched
 * folder. Each remembers what the hub acknowledged, which is what the soak checks afterwards.
 */

export const SKUS = ['SOAK-1', 'SOAK-2', 'SOAK-3', 'SOAK-4'] as const;
export const LOCATIONS = ['SOAK-EAST', 'SOAK-WEST'] as const;
export const CUSTOMER = 'SOAK-CUST';
export const CHANNEL = 'SOAK-WEB';
export const SOURCE = 'SOAK-WMS';

export interface Acknowledged {
  /** External order number → the order id the hub answered with. */
  orders: Map<string, string>;
  /** Sequences of SOURCE the hub acknowledged. */
  events: number[];
  /** Shipment numbers the hub acknowledged as created or existing. */
  shipments: Set<string>;
  /** Releases the hub refused to confirm, with why (a request withdrawn meanwhile is fine). */
  refusedShipments: string[];
  /** CSV files dropped, with the external order numbers each holds. */
  files: Map<string, string[]>;
}

export const newAcknowledged = (): Acknowledged => ({ orders: new Map(), events: [], shipments: new Set(), refusedShipments: [], files: new Map() });

/** A small seeded generator (mulberry32), so a soak can be replayed with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const between = (random: () => number, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function unexpected(what: string, answer: { status: number; body: unknown }): Error {
  return new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
}

/** Inside sales (one desk per `who`): one order at a time, each retried under its Idempotency-Key until answered. */
export async function placeOrders(who: string, client: SoakClient, random: () => number, ack: Acknowledged, running: () => boolean): Promise<void> {
  for (let n = 1; running(); n++) {
    const externalOrderNumber = `SOAK-${who}-${n}`;
    const skus = [...new Set(Array.from({ length: between(random, 1, 2) }, () => pick(random, SKUS)))];
    const body = {
      channel: CHANNEL,
      externalOrderNumber,
      customerCode: CUSTOMER,
      shipToCode: 'ST',
      lines: skus.map((sku, i) => ({ lineNumber: i + 1, sku, quantity: between(random, 1, 4) })),
    };
    const answer = await client.send({ method: 'POST', path: '/v1/orders', body, idempotencyKey: `soak-${who}-${n}` });
    if (answer.status !== 201 && answer.status !== 200) throw unexpected(`order ${externalOrderNumber}`, answer);
    ack.orders.set(externalOrderNumber, answer.body.order.id);
    await sleep(between(random, 20, 150));
  }
}

/** The warehouse's feed: receipts numbered in order, the next sent only once the last was acknowledged. */
export async function postReceipts(client: SoakClient, random: () => number, ack: Acknowledged, running: () => boolean): Promise<void> {
  for (let sequence = 1; running(); sequence++) {
    const event = { source: SOURCE, sequence, type: 'receipt', sku: pick(random, SKUS), locationCode: pick(random, LOCATIONS), quantity: between(random, 3, 12), occurredAt: new Date().toISOString() };
    const answer = await client.send({ method: 'POST', path: '/v1/inventory/events', body: { events: [event] } });
    if (answer.status !== 200 && answer.status !== 202) throw unexpected(`receipt ${sequence}`, answer);
    ack.events.push(sequence);
    await sleep(between(random, 50, 300));
  }
}

/**
 * The warehouse confirming releases: it reads the event feed for `release_requested`, and ships
 * each request in full under a shipment number of its own, retrying until answered.
 */
export async function confirmShipments(client: SoakClient, random: () => number, ack: Acknowledged, running: () => boolean): Promise<void> {
  let after = 0;
  while (running()) {
    const page = await client.send({ method: 'GET', path: `/v1/events?after=${after}&type=crossdock.fulfillment.release_requested&limit=100` });
    if (page.status !== 200) throw unexpected('the event feed', page);
    after = Number(page.body.nextAfter);
    for (const event of page.body.items as Array<{ data: { request: { id: string; lines: Array<{ lineNumber: number; quantity: number }> } } }>) {
      const request = event.data.request;
      const shipmentNumber = `SOAK-SH-${request.id}`;
      const body = {
        fulfillmentRequestId: request.id,
        shipmentNumber,
        shippedAt: new Date().toISOString(),
        lines: request.lines.map((l) => ({ lineNumber: l.lineNumber, quantity: l.quantity })),
      };
      const answer = await client.send({ method: 'POST', path: '/v1/shipments', body });
      if (answer.status === 201 || answer.status === 200) ack.shipments.add(shipmentNumber);
      else if (answer.status >= 400 && answer.status < 500) ack.refusedShipments.push(`${shipmentNumber}: ${answer.status} ${JSON.stringify(answer.body)}`);
      else throw unexpected(`shipment ${shipmentNumber}`, answer);
    }
    await sleep(between(random, 300, 1000));
  }
}

/** A partner dropping CSV order files: written under a temporary name, then renamed into `in/`. */
export async function dropOrderFiles(folder: string, random: () => number, ack: Acknowledged, running: () => boolean): Promise<void> {
  for (let n = 1; running(); n++) {
    const name = `soak-orders-${n}.csv`;
    const numbers = [`SOAK-FILE-${n}-1`, `SOAK-FILE-${n}-2`];
    const rows = numbers.map((number) => `${number},${CUSTOMER},ST,1,${pick(random, SKUS)},${between(random, 1, 3)}`);
    writeFileSync(join(folder, 'in', `.${name}.part`), ['externalOrderNumber,customerCode,shipToCode,lineNumber,sku,quantity', ...rows, ''].join('\n'));
    renameSync(join(folder, 'in', `.${name}.part`), join(folder, 'in', name));
    ack.files.set(name, numbers);
    await sleep(between(random, 1_000, 3_000));
  }
}
