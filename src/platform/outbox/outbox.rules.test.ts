import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, ExternalError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { decideDeliveryFailure, matchesType } from './outbox.rules.ts';

test('type filters match everything, a prefix, or one exact type', () => {
  const table: Array<[patterns: readonly string[] | '*', type: string, expected: boolean]> = [
    ['*', 'crossdock.inventory.adjusted', true],
    [['*'], 'anything', true],
    [['crossdock.inventory.*'], 'crossdock.inventory.adjusted', true],
    [['crossdock.inventory.*'], 'crossdock.inventory.count.recorded', true],
    [['crossdock.inventory.*'], 'crossdock.inventoryx.adjusted', false],
    [['crossdock.inventory.*'], 'crossdock.inventory', false],
    [['crossdock.orders.released'], 'crossdock.orders.released', true],
    [['crossdock.orders.released'], 'crossdock.orders.released.v2', false],
    [[], 'crossdock.orders.released', false],
    [['a.b', 'crossdock.orders.*'], 'crossdock.orders.closed', true],
  ];
  for (const [patterns, type, expected] of table) assert.equal(matchesType(patterns, type), expected, `${String(patterns)} ~ ${type}`);
});

test('retryable failures back off until attempts run out; terminal ones are dead at once', () => {
  const policy = { attemptsMax: 3, retryDelayMsBase: 1_000, retryDelayMsMax: 60_000 };
  const random = seededRandom(1);
  const retry = decideDeliveryFailure(new ExternalError('503 from partner', { retryable: true }), 1, 10_000, policy, random);
  assert.equal(retry.status, 'pending');
  assert.ok(retry.nextAttemptAt >= 10_500 && retry.nextAttemptAt <= 11_000);
  assert.match(retry.lastError, /ExternalError: 503 from partner/);
  assert.equal(decideDeliveryFailure(new Error('socket hang up'), 2, 0, policy, random).status, 'pending');
  assert.equal(decideDeliveryFailure(new Error('socket hang up'), 3, 0, policy, random).status, 'dead');
  assert.equal(decideDeliveryFailure(new ExternalError('400 bad payload', { retryable: false }), 1, 0, policy, random).status, 'dead');
  assert.equal(decideDeliveryFailure(new AppError('unprocessable', 'rejected'), 1, 0, policy, random).status, 'dead');
});
