import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCrossdockSignature, signCrossdock, signShopify, verifyCrossdock, verifyShopify } from './signature.rules.ts';

const SECRET = 'whsec_current_0123456789abcdef';
const OLD_SECRET = 'whsec_previous_0123456789abcdef';
const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
const T = NOW_MS / 1000;
const body = Buffer.from('{"id":1,"type":"orders.intake"}');

test('our scheme: a body signed now verifies under the current or the previous secret while rotating', () => {
  const header = signCrossdock(SECRET, T, body);
  assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.deepEqual(verifyCrossdock(header, body, [SECRET], NOW_MS, 300), { ok: true });
  assert.deepEqual(verifyCrossdock(signCrossdock(OLD_SECRET, T, body), body, [SECRET, OLD_SECRET], NOW_MS, 300), { ok: true });
  // A sender rotating on its side signs with both; either v1 may be the one we know.
  const both = `${signCrossdock(OLD_SECRET, T, body)},v1=${signCrossdock(SECRET, T, body).split('v1=')[1]}`;
  assert.deepEqual(verifyCrossdock(both, body, [SECRET], NOW_MS, 300), { ok: true });
  assert.equal(verifyCrossdock(signCrossdock(OLD_SECRET, T, body), body, [SECRET], NOW_MS, 300).ok, false, 'a dropped secret no longer verifies');
});

test('our scheme: the signed timestamp must be within the tolerance, both ways; only an authentic request is called expired', () => {
  const at = (seconds: number) => verifyCrossdock(signCrossdock(SECRET, seconds, body), body, [SECRET], NOW_MS, 300);
  assert.equal(at(T - 300).ok, true);
  assert.equal(at(T + 300).ok, true);
  const late = at(T - 301);
  assert.equal(late.ok === false && late.code, 'webhook_timestamp_expired');
  const early = at(T + 301);
  assert.equal(early.ok === false && early.code, 'webhook_timestamp_expired');
  // A forged signature with an old timestamp is forged, not expired.
  const forged = verifyCrossdock(`t=${T - 10_000},v1=${'0'.repeat(64)}`, body, [SECRET], NOW_MS, 300);
  assert.equal(forged.ok === false && forged.code, 'webhook_signature_invalid');
  // The timestamp is signed: moving it forward breaks the signature.
  const moved = signCrossdock(SECRET, T - 10_000, body).replace(`t=${T - 10_000}`, `t=${T}`);
  assert.equal(verifyCrossdock(moved, body, [SECRET], NOW_MS, 300).ok, false);
});

test('our scheme: missing and malformed headers are invalid, each with a message saying what is wrong', () => {
  const cases: Array<[string | undefined, RegExp]> = [
    [undefined, /missing/],
    ['', /missing/],
    ['v1=' + 'a'.repeat(64), /t is missing/],
    [`t=${T}`, /v1 is missing/],
    [`t=${T},v1=xyz`, /64 hexadecimal/],
    [`t=-5,v1=${'a'.repeat(64)}`, /whole seconds/],
    [`t=${T},t=${T},v1=${'a'.repeat(64)}`, /twice/],
    ['garbage', /expected t=/],
    ['t'.repeat(5_000), /longer than/],
  ];
  for (const [header, message] of cases) {
    const verdict = verifyCrossdock(header, body, [SECRET], NOW_MS, 300);
    assert.equal(verdict.ok, false, String(header));
    assert.equal(verdict.ok === false && verdict.code, 'webhook_signature_invalid');
    assert.match(verdict.ok === false ? verdict.message : '', message, String(header));
    assert.equal(verdict.ok === false && verdict.path, 'headers.x-crossdock-signature');
  }
});

test('Shopify: base64 HMAC of the raw body; any other header value or body is refused', () => {
  const header = signShopify(SECRET, body);
  assert.deepEqual(verifyShopify(header, body, [SECRET]), { ok: true });
  assert.deepEqual(verifyShopify(` ${header} `, body, [OLD_SECRET, SECRET]), { ok: true });
  assert.equal(verifyShopify(header, Buffer.concat([body, Buffer.from(' ')]), [SECRET]).ok, false, 'one byte more in the body');
  assert.equal(verifyShopify(undefined, body, [SECRET]).ok, false);
  assert.equal(verifyShopify(header.slice(1), body, [SECRET]).ok, false, 'truncated');
  assert.equal(verifyShopify(Buffer.from(header, 'base64').toString('hex'), body, [SECRET]).ok, false, 'hex instead of base64');
});

test('property: parsing never throws, and verification refuses every header or body that differs from a signed one', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (header) => {
      parseCrossdockSignature(header);
      const verdict = verifyCrossdock(header, body, [SECRET], NOW_MS, 300);
      assert.equal(verdict.ok, false);
      assert.equal(verifyShopify(header, body, [SECRET]).ok, false);
    }),
    { numRuns: 2_000 },
  );
  const signed = signCrossdock(SECRET, T, body);
  fc.assert(
    fc.property(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 33, max: 126 }), (index, code) => {
      const mutated = signed.slice(0, index) + String.fromCharCode(code) + signed.slice(index + 1);
      fc.pre(mutated.toLowerCase() !== signed);
      assert.equal(verifyCrossdock(mutated, body, [SECRET], NOW_MS, 300).ok, false);
    }),
    { numRuns: 1_000 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (other) => {
      fc.pre(!Buffer.from(other).equals(body));
      assert.equal(verifyCrossdock(signed, other, [SECRET], NOW_MS, 300).ok, false);
      assert.equal(verifyShopify(signShopify(SECRET, body), other, [SECRET]).ok, false);
    }),
    { numRuns: 1_000 },
  );
});
