import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { errorMessage } from '../../platform/errors.ts';
import { guardedLookup } from './targets.resolve.ts';
import { describeRefusal, hostOf, refusalOf } from './targets.rules.ts';

/** What one POST came to: a 2xx is a success; anything else, or no answer in time, a failure. */
export interface PostOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** How much of a refusing receiver's body is kept for the error message. */
const ERROR_BODY_MAX_BYTES = 512;

/**
 * Connections are kept alive per origin: a busy subscription would otherwise pay a TCP and TLS
 * handshake per event. A kept-alive socket was checked when it connected.
 */
const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 16 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 16 }) };

/**
 * Posts a body with a deadline for the whole exchange (connect, send, answer). Redirects are not
 * followed: a 3xx is a failure, since following one would let a receiver point the hub at an
 * address the target check never saw. The target's addresses are checked again at connect time.
 */
export function postJson(url: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; allowPrivate: boolean }): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ ok: false, statusCode: null, error: 'the URL does not parse' });
    }
    const literal = hostOf(target);
    const reason = options.allowPrivate || isIP(literal) === 0 ? null : refusalOf(literal);
    // A literal address is never looked up, so the guarded lookup cannot see it: check it here.
    if (reason !== null) return resolve({ ok: false, statusCode: null, error: `${literal} is a ${describeRefusal(reason)} address; refused` });
    const isHttps = target.protocol === 'https:';
    const send = isHttps ? httpsRequest : httpRequest;
    const signal = AbortSignal.timeout(options.timeoutMs);
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: isHttps ? agents.https : agents.http,
        lookup: guardedLookup(options.allowPrivate),
        signal,
      },
      (res: IncomingMessage) => {
        const statusCode = res.statusCode ?? 0;
        const kept: Buffer[] = [];
        let keptBytes = 0;
        res.on('data', (chunk: Buffer) => {
          if (keptBytes < ERROR_BODY_MAX_BYTES) {
            kept.push(chunk.subarray(0, ERROR_BODY_MAX_BYTES - keptBytes));
            keptBytes += Math.min(chunk.length, ERROR_BODY_MAX_BYTES - keptBytes);
          }
        });
        res.on('end', () => {
          if (statusCode >= 200 && statusCode < 300) return resolve({ ok: true, statusCode, error: null });
          const text = Buffer.concat(kept).toString('utf8').replace(/\s+/g, ' ').trim();
          resolve({ ok: false, statusCode, error: `HTTP ${statusCode}${text === '' ? '' : `: ${text}`}` });
        });
        res.on('error', (error) => resolve({ ok: false, statusCode, error: describe(error, options.timeoutMs) }));
      },
    );
    req.on('error', (error) => resolve({ ok: false, statusCode: null, error: describe(error, options.timeoutMs) }));
    req.end(body);
  });
}

const describe = (error: unknown, timeoutMs: number): string => {
  const name = error instanceof Error ? error.name : '';
  if (name === 'AbortError' || name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return errorMessage(error).slice(0, 500);
};
