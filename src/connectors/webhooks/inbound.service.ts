import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../platform/clock.ts';
import { AppError, errorMessage } from '../../platform/errors.ts';
import { unprocessedError, type InboxService } from '../../platform/inbox/index.ts';
import { CROSSDOCK_SIGNATURE_HEADER, SHOPIFY_HMAC_HEADER, verifyCrossdock, verifyShopify, type SignatureVerdict } from './signature.rules.ts';
import { effectiveTopics, webhookInboxSource } from './sources.ts';
import type { WebhookSource, WebhooksConfig } from './webhooks.config.ts';
import type { InboundAnswer } from './webhooks.types.ts';

/** Per scheme: the headers naming the event id (the dedupe key) and the topic (the sender's event type). */
const schemeHeaders = {
  crossdock: { eventId: 'x-crossdock-event-id', topic: 'x-crossdock-event-type' },
  shopify: { eventId: 'x-shopify-webhook-id', topic: 'x-shopify-topic' },
} as const;

/** Event ids and topics are short printable ASCII; anything else is refused before it reaches the inbox. */
const TOKEN = /^[\x21-\x7e]{1,200}$/;

export interface InboundRequest {
  source: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received: the signature is over these bytes. */
  body: Buffer;
  correlationId: string;
}

export interface InboundDeps {
  clock: Clock;
  config: WebhooksConfig;
  inbox: InboxService;
  /** Counts the request for health. */
  record: (source: string, ok: boolean, error: string | null) => void;
}

/** A header given once, as a string; repeated or absent is undefined (a repeated signature is malformed). */
const single = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Inbound webhooks: authenticate, then keep. Checks run in a fixed order — source, signature (and its
 * timestamp), event id, topic, UTF-8 — and each refusal happens before anything is stored, so a forged
 * or expired request changes nothing. An authentic message goes to the inbox raw, deduplicated on
 * (source, event id), and is processed at once by the handler of its topic's message type.
 */
export function createInboundWebhooks(deps: InboundDeps) {
  const { clock, config, inbox } = deps;

  const verify = (source: WebhookSource, request: InboundRequest): SignatureVerdict => {
    if (source.scheme === 'shopify') return verifyShopify(single(request.headers, SHOPIFY_HMAC_HEADER), request.body, source.secrets);
    return verifyCrossdock(single(request.headers, CROSSDOCK_SIGNATURE_HEADER), request.body, source.secrets, clock.now(), config.timestampToleranceSeconds);
  };

  const token = (request: InboundRequest, header: string, what: string): string => {
    const value = single(request.headers, header)?.trim();
    if (value === undefined || !TOKEN.test(value)) {
      throw new AppError('validation_failed', `headers.${header}: the ${what} is ${value === undefined ? 'missing' : 'not 1–200 printable ASCII characters'}`, [
        { path: `headers.${header}`, message: value === undefined ? 'required' : 'expected 1–200 printable ASCII characters' },
      ]);
    }
    return value;
  };

  const authenticateAndKeep = async (name: string, source: WebhookSource, request: InboundRequest): Promise<{ status: 200 | 202; body: InboundAnswer }> => {
    const verdict = verify(source, request);
    if (!verdict.ok) throw new AppError(verdict.code, verdict.message, [{ path: verdict.path, message: verdict.message }]);
    const headers = schemeHeaders[source.scheme];
    const eventId = token(request, headers.eventId, 'event id');
    const topic = token(request, headers.topic, 'topic');
    const topics = effectiveTopics(source);
    const messageType = Object.hasOwn(topics, topic) ? topics[topic] : undefined;
    if (messageType === undefined) {
      throw new AppError('webhook_topic_unsupported', `source ${name} does not take topic "${topic}"; it takes ${Object.keys(topics).join(', ') || 'none'}`, [
        { path: `headers.${headers.topic}`, message: `one of: ${Object.keys(topics).join(', ')}` },
      ]);
    }
    let payload: string;
    try {
      payload = utf8.decode(request.body);
    } catch {
      throw new AppError('validation_failed', 'body: not valid UTF-8', [{ path: 'body', message: 'the body must be UTF-8 text' }]);
    }
    // The inbox keeps text, and PostgreSQL's text cannot hold U+0000: such a body could not be kept byte for byte.
    if (payload.includes('\u0000')) throw new AppError('validation_failed', 'body: contains a NUL character', [{ path: 'body', message: 'U+0000 cannot be stored' }]);
    const contentType = single(request.headers, 'content-type')?.slice(0, 200) || 'application/octet-stream';
    const received = await inbox.receiveAndProcess({ source: webhookInboxSource(name), dedupeKey: eventId, messageType, contentType, payload, correlationId: request.correlationId });
    const { message } = received;
    if (received.result === 'accepted' && (message.status === 'failed' || message.status === 'dead')) throw unprocessedError(message);
    const body: InboundAnswer = { result: received.result === 'exists' ? 'duplicate' : 'accepted', messageId: message.id, status: message.status, outcome: message.outcome };
    // Kept but not yet taken effect (a passing failure): the inbox retries it, so the sender is done.
    return { status: message.status === 'received' ? 202 : 200, body };
  };

  return {
    async receive(request: InboundRequest): Promise<{ status: 200 | 202; body: InboundAnswer }> {
      const source = Object.hasOwn(config.sources, request.source) ? config.sources[request.source] : undefined;
      if (!source) {
        throw new AppError('not_found', `no webhook source "${request.source.slice(0, 64)}" is configured`, [{ path: 'params.source', message: 'configure it under webhooks.sources' }]);
      }
      let outcome: { ok: boolean; error: string | null } = { ok: false, error: null };
      try {
        const answer = await authenticateAndKeep(request.source, source, request);
        outcome = { ok: true, error: null };
        return answer;
      } catch (error) {
        outcome = { ok: false, error: error instanceof AppError ? `${error.code}: ${error.message}` : errorMessage(error) };
        throw error;
      } finally {
        deps.record(request.source, outcome.ok, outcome.error);
      }
    },
  };
}

export type InboundWebhooks = ReturnType<typeof createInboundWebhooks>;
