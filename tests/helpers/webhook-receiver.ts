import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers: a status code, or `hang` to never answer (a request that times out). */
export type ReceiverMode = number | 'hang';

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Changes how the next requests are answered. */
  answer(mode: ReceiverMode): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that records what it is sent: the other end of outbound webhooks in tests. */
export async function startReceiver(mode: ReceiverMode = 200): Promise<WebhookReceiver> {
  let current = mode;
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (current === 'hang') return;
      res.writeHead(current, { 'content-type': 'text/plain' }).end(current < 300 ? 'ok' : `refused with ${current}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
