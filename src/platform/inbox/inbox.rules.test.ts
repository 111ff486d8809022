import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError, ExternalError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { decideFailure } from './inbox.rules.ts';

const policy = { attemptsMax: 3, retryDelayMsBase: 1_000, retryDelayMsMax: 60_000 };

test('a failure is classified by its error and the attempts made', () => {
  const rejected = new AppError('validation_failed', 'qty is required', [{ path: 'qty', message: 'required' }]);
  const unavailable = new ExternalError('ERP answered 503', { retryable: true });
  const refused = new ExternalError('ERP answered 400', { retryable: false });
  const unknown = new TypeError('cannot read properties of undefined');
  const table: Array<[error: unknown, attemptsMade: number, status: string, code: string]> = [
    [rejected, 1, 'failed', 'validation_failed'],
    [rejected, 3, 'failed', 'validation_failed'],
    [refused, 1, 'failed', 'unprocessable'],
    [unavailable, 1, 'received', 'dependency_unavailable'],
    [unavailable, 2, 'received', 'dependency_unavailable'],
    [unavailable, 3, 'dead', 'dependency_unavailable'],
    [unknown, 1, 'received', 'internal_error'],
    [unknown, 3, 'dead', 'internal_error'],
    ['a thrown string', 1, 'received', 'internal_error'],
  ];
  for (const [error, attemptsMade, status, code] of table) {
    const decision = decideFailure(error, attemptsMade, 0, policy, seededRandom(1));
    assert.equal(decision.status, status, `${String(error)} after ${attemptsMade}`);
    assert.equal(decision.error.code, code);
    assert.equal(decision.nextAttemptAt === null, status !== 'received');
  }
});

test('a retry is scheduled by backoff from now; details of a rejection are kept', () => {
  const retry = decideFailure(new Error('reset'), 2, 50_000, policy, seededRandom(2));
  assert.ok(retry.nextAttemptAt! >= 51_000 && retry.nextAttemptAt! <= 52_000, String(retry.nextAttemptAt));
  const rejected = decideFailure(new AppError('not_found', 'unknown SKU', [{ path: 'lines.0.sku', message: 'X-1' }]), 1, 0, policy, seededRandom(2));
  assert.deepEqual(rejected.error, { code: 'not_found', message: 'unknown SKU', details: [{ path: 'lines.0.sku', message: 'X-1' }] });
});
