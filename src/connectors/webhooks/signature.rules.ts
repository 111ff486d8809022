import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, pure (HMAC is a computation, not I/O). Two schemes:
 *
 * - ours, `X-Crossdock-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The
 *   timestamp is signed, so a captured request cannot be re-sent with a fresh one; several `v1=`
 *   may be given (a sender rotating its secret signs with both); unknown keys are ignored so the
 *   scheme can grow (`v2=`) without breaking receivers.
 * - Shopify's, `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the raw body>`. It signs no time, so
 *   it has no replay window of its own: replays are stopped by the webhook id and the order number.
 *
 * Every comparison is constant-time over equal lengths (`timingSafeEqual` after a length check), so
 * the time an answer takes says nothing about how much of a forged signature was right.
 */

export const CROSSDOCK_SIGNATURE_HEADER = 'x-crossdock-signature';
export const SHOPIFY_HMAC_HEADER = 'x-shopify-hmac-sha256';

/** Header values longer than this are refused unread: a signature header is short. */
const SIGNATURE_HEADER_MAX_CHARS = 1_024;
const V1_MAX = 4;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const UNIX_SECONDS = /^\d{1,12}$/;

export type SignatureFailure = {
  ok: false;
  code: 'webhook_signature_invalid' | 'webhook_timestamp_expired';
  /** The header at fault, for the error's details. */
  path: string;
  message: string;
};
export type SignatureVerdict = { ok: true } | SignatureFailure;

const hmac = (secret: string, parts: ReadonlyArray<string | Uint8Array>) => {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** Equal lengths first, then a constant-time comparison; different lengths are simply unequal. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The header value for a body signed at `timestampSeconds` (our scheme). */
export function signCrossdock(secret: string, timestampSeconds: number, body: string | Uint8Array): string {
  return `t=${timestampSeconds},v1=${hmac(secret, [`${timestampSeconds}.`, body]).toString('hex')}`;
}

/** Shopify's header value for a body: base64 of its HMAC-SHA256. */
export function signShopify(secret: string, body: string | Uint8Array): string {
  return hmac(secret, [body]).toString('base64');
}

export type ParsedCrossdockSignature = { ok: true; timestampSeconds: number; v1: Buffer[] } | { ok: false; message: string };

/** Reads `t=…,v1=…[,v1=…]`; never throws, whatever the input. */
export function parseCrossdockSignature(header: string): ParsedCrossdockSignature {
  if (header.length > SIGNATURE_HEADER_MAX_CHARS) return { ok: false, message: `longer than ${SIGNATURE_HEADER_MAX_CHARS} characters` };
  let timestamp: string | undefined;
  const v1: Buffer[] = [];
  for (const element of header.split(',')) {
    const eq = element.indexOf('=');
    if (eq <= 0) return { ok: false, message: 'expected t=<unix seconds>,v1=<hex>' };
    const key = element.slice(0, eq).trim();
    const value = element.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== undefined) return { ok: false, message: 't is given twice' };
      if (!UNIX_SECONDS.test(value)) return { ok: false, message: 't must be a Unix time in whole seconds' };
      timestamp = value;
    } else if (key === 'v1') {
      if (!HEX_SHA256.test(value)) return { ok: false, message: 'v1 must be 64 hexadecimal digits (HMAC-SHA256)' };
      if (v1.length === V1_MAX) return { ok: false, message: `at most ${V1_MAX} v1 signatures` };
      v1.push(Buffer.from(value, 'hex'));
    }
  }
  if (timestamp === undefined) return { ok: false, message: 't is missing' };
  if (v1.length === 0) return { ok: false, message: 'v1 is missing' };
  return { ok: true, timestampSeconds: Number(timestamp), v1 };
}

const invalid = (path: string, message: string): SignatureFailure => ({ ok: false, code: 'webhook_signature_invalid', path, message });

/**
 * Our scheme. The signature is checked before the timestamp, so `expired` is said only of a request
 * that really was signed with one of our secrets, just too long ago (or too far ahead: clocks drift
 * both ways); anything else is `invalid`.
 */
export function verifyCrossdock(
  header: string | undefined,
  body: Uint8Array,
  secrets: readonly string[],
  nowMs: number,
  toleranceSeconds: number,
): SignatureVerdict {
  const path = `headers.${CROSSDOCK_SIGNATURE_HEADER}`;
  if (header === undefined || header === '') return invalid(path, `the ${CROSSDOCK_SIGNATURE_HEADER} header is missing`);
  const parsed = parseCrossdockSignature(header);
  if (!parsed.ok) return invalid(path, `the ${CROSSDOCK_SIGNATURE_HEADER} header is malformed: ${parsed.message}`);
  const signed = secrets.some((secret) => {
    const expected = hmac(secret, [`${parsed.timestampSeconds}.`, body]);
    return parsed.v1.some((given) => constantTimeEqual(expected, given));
  });
  if (!signed) return invalid(path, 'the signature does not match the body and timestamp under any secret of this source');
  const skewSeconds = Math.abs(nowMs / 1000 - parsed.timestampSeconds);
  if (skewSeconds > toleranceSeconds) {
    return {
      ok: false,
      code: 'webhook_timestamp_expired',
      path,
      message: `the signature's timestamp is ${Math.round(skewSeconds)} s from the hub's clock; at most ${toleranceSeconds} s is accepted`,
    };
  }
  return { ok: true };
}

/** Shopify's scheme: the base64 HMAC of the raw body under one of the source's secrets. */
export function verifyShopify(header: string | undefined, body: Uint8Array, secrets: readonly string[]): SignatureVerdict {
  const path = `headers.${SHOPIFY_HMAC_HEADER}`;
  if (header === undefined || header === '') return invalid(path, `the ${SHOPIFY_HMAC_HEADER} header is missing`);
  const value = header.trim();
  if (!BASE64_SHA256.test(value)) return invalid(path, `the ${SHOPIFY_HMAC_HEADER} header is malformed: expected the base64 of an HMAC-SHA256 (44 characters)`);
  const given = Buffer.from(value, 'base64');
  const signed = secrets.some((secret) => constantTimeEqual(hmac(secret, [body]), given));
  return signed ? { ok: true } : invalid(path, 'the signature does not match the body under any secret of this source');
}
