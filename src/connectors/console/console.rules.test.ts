import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveStatus, rate, visibleTo, type HealthFacts } from './console.rules.ts';

const quiet: HealthFacts = { lastHour: rate(0, 0), last24Hours: rate(0, 0), backlog: { pending: 0, retrying: 0, dead: 0 } };
const flowing: HealthFacts = { ...quiet, lastHour: rate(10, 0), last24Hours: rate(200, 0) };

test('nothing in 24 hours and nothing waiting is idle; traffic without trouble is healthy', () => {
  assert.deepEqual(deriveStatus(quiet), { status: 'idle', reasons: ['nothing in the last 24 hours'] });
  assert.deepEqual(deriveStatus(flowing), { status: 'healthy', reasons: [] });
  assert.equal(deriveStatus({ ...quiet, backlog: { pending: 3, retrying: 0, dead: 0 } }).status, 'healthy', 'work waiting for its first attempt is not idle');
});

test('an open circuit is failing, unless a fallback takes the traffic; half-open is degraded', () => {
  assert.deepEqual(deriveStatus({ ...flowing, breaker: 'open' }), { status: 'failing', reasons: ['circuit open'] });
  assert.equal(deriveStatus({ ...flowing, breaker: 'open', fallbackTakesOver: true }).status, 'degraded');
  assert.equal(deriveStatus({ ...flowing, breaker: 'half_open' }).status, 'degraded');
  assert.equal(deriveStatus({ ...flowing, breaker: 'closed' }).status, 'healthy');
});

test('half or more of the last hour failing is failing; any failure in the hour is degraded', () => {
  assert.equal(deriveStatus({ ...flowing, lastHour: rate(4, 2) }).status, 'failing');
  assert.equal(deriveStatus({ ...flowing, lastHour: rate(1, 1) }).status, 'failing');
  const some = deriveStatus({ ...flowing, lastHour: rate(10, 1) });
  assert.deepEqual(some, { status: 'degraded', reasons: ["1 of the last hour's 10 failed"] });
});

test('a clean hour after a bad day is still degraded at 5% over 24 hours, not below', () => {
  assert.equal(deriveStatus({ ...flowing, last24Hours: rate(100, 5) }).status, 'degraded');
  assert.equal(deriveStatus({ ...flowing, last24Hours: rate(100, 4) }).status, 'healthy');
  assert.equal(deriveStatus({ ...quiet, last24Hours: rate(2, 2) }).status, 'degraded', 'a quiet hour does not hide yesterday');
});

test('anything waiting for a person or retrying is degraded, even on an otherwise quiet connector', () => {
  assert.equal(deriveStatus({ ...quiet, backlog: { pending: 0, retrying: 0, dead: 1 } }).status, 'degraded');
  assert.equal(deriveStatus({ ...quiet, backlog: { pending: 0, retrying: 2, dead: 0 } }).status, 'degraded');
  assert.equal(deriveStatus({ ...flowing, acksOverdue: 1 }).status, 'degraded');
  assert.equal(deriveStatus({ ...flowing, acksRejected: 1 }).status, 'degraded');
});

test('a folder that cannot be read is failing, and failing lists the lesser reasons after its own', () => {
  const verdict = deriveStatus({ ...flowing, unavailable: 'EACCES', backlog: { pending: 0, retrying: 0, dead: 2 } });
  assert.deepEqual(verdict, { status: 'failing', reasons: ['cannot be read: EACCES', '2 waiting for a person (dead or rejected)'] });
});

test('a key scoped to a partner sees its EDI partner, its folders and its inbox sources, never webhooks or subscribers', () => {
  const scope = { partnerCode: 'ACME', inboxSources: ['edi:ACME', 'api:k1'] };
  assert.equal(visibleTo({ kind: 'edi-partner', name: 'ACME', partnerCode: 'ACME' }, scope), true);
  assert.equal(visibleTo({ kind: 'edi-partner', name: 'GLOBEX', partnerCode: 'GLOBEX' }, scope), false);
  assert.equal(visibleTo({ kind: 'folder', name: 'acme-edi', partnerCode: 'ACME' }, scope), true);
  assert.equal(visibleTo({ kind: 'folder', name: 'wms', partnerCode: null }, scope), false);
  assert.equal(visibleTo({ kind: 'inbox-source', name: 'api:k1', partnerCode: null }, scope), true);
  assert.equal(visibleTo({ kind: 'inbox-source', name: 'api:k2', partnerCode: null }, scope), false);
  assert.equal(visibleTo({ kind: 'webhook-out', name: 'https://x', partnerCode: null }, scope), false);
  assert.equal(visibleTo({ kind: 'outbox-subscriber', name: 'process', partnerCode: null }, scope), false);
  assert.equal(visibleTo({ kind: 'webhook-in', name: 'shop', partnerCode: null }, null), true, 'an operator sees everything');
});
