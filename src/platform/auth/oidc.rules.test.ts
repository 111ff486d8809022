import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLOCK_SKEW_MS, checkClaims, isJwtShaped, isProblem, parseJwt, principalFromClaims, rolesFromClaim } from './oidc.rules.ts';

const now = Date.UTC(2026, 0, 1);
const s = (ms: number) => Math.floor(ms / 1000);
const good = { iss: 'https://idp.example', aud: 'crossdock', sub: 'u1', exp: s(now + 600_000) };
const expect = { issuer: 'https://idp.example', audience: 'crossdock', nowMs: now };

test('JWT shape: three base64url parts; API keys are not JWTs', () => {
  assert.equal(isJwtShaped('aGk.aGk.aGk'), true);
  assert.equal(isJwtShaped(`cdk_${'a'.repeat(32)}_${'b'.repeat(43)}`), false);
  assert.equal(isJwtShaped('a.b'), false);
  assert.equal(isJwtShaped('a.b.c.d'), false);
  const parsed = parseJwt(`${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('[1]').toString('base64url')}.c2ln`);
  assert.ok(isProblem(parsed) && /payload/.test(parsed.problem));
});

test('claims: issuer, audience as string or array, expiry and not-before with 60 s of skew', () => {
  assert.equal(checkClaims(good, expect), null);
  assert.equal(checkClaims({ ...good, aud: ['other', 'crossdock'] }, expect), null);
  assert.match(checkClaims({ ...good, aud: ['other'] }, expect)!, /audience/);
  assert.match(checkClaims({ ...good, iss: 'https://evil.example' }, expect)!, /issuer/);
  assert.match(checkClaims({ ...good, exp: undefined }, expect)!, /exp/);
  // Expired 30 s ago is still inside the skew; 61 s ago is not.
  assert.equal(checkClaims({ ...good, exp: s(now - 30_000) }, expect), null);
  assert.match(checkClaims({ ...good, exp: s(now - CLOCK_SKEW_MS - 1_000) }, expect)!, /expired/);
  assert.equal(checkClaims({ ...good, nbf: s(now + 30_000) }, expect), null);
  assert.match(checkClaims({ ...good, nbf: s(now + 120_000) }, expect)!, /not valid before/);
});

test('roles: only known names count, from an array or a spaced string; none is a problem', () => {
  assert.deepEqual(rolesFromClaim(['viewer', 'superuser', 'finance', 'viewer']), ['viewer', 'finance']);
  assert.deepEqual(rolesFromClaim('planner warehouse,nobody'), ['planner', 'warehouse']);
  assert.deepEqual(rolesFromClaim(42), []);
  const none = principalFromClaims({ ...good, roles: ['superuser'] }, { rolesClaim: 'roles', nameClaim: 'email' });
  assert.ok(isProblem(none) && /no known role/.test(none.problem));
});

test('principal: oidc:<sub>, name from the name claim else sub, partner from partner_code', () => {
  const claims = { rolesClaim: 'groups', nameClaim: 'email' };
  assert.deepEqual(principalFromClaims({ ...good, groups: ['viewer'], email: 'ann@example.com', partner_code: 'ACME' }, claims), {
    keyId: 'oidc:u1',
    name: 'ann@example.com',
    roles: ['viewer'],
    partnerCode: 'ACME',
    rateLimitPerMinute: null,
  });
  const bare = principalFromClaims({ ...good, groups: ['admin'] }, claims);
  assert.ok(!isProblem(bare) && bare.name === 'u1' && bare.partnerCode === null);
});
