import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStoreFailure } from './store.ts';

test('a failing store is told apart from a refused statement', () => {
  const withCode = (code: string) => Object.assign(new Error(code), { code });
  for (const code of ['SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_BUSY', '08006', '40001', '53100', '57P01', 'ECONNRESET']) assert.equal(isStoreFailure(withCode(code)), true, code);
  for (const code of ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', '23505', '22P02', '42P01']) assert.equal(isStoreFailure(withCode(code)), false, code);
  assert.equal(isStoreFailure(new TypeError('a bug')), false);
  assert.equal(isStoreFailure(null), false);
});
