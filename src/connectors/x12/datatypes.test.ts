import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatScaled, impliedToScaled, isDecimal, isValidDate, isValidTime, numericLength, toScaled } from './datatypes.ts';

test('dates: CCYYMMDD and YYMMDD naming real days', () => {
  assert.deepEqual(['20260714', '20240229', '260714', '20250229', '20261301', '2026071', '2026-07-14'].map(isValidDate), [true, true, true, false, false, false, false]);
});

test('times: HHMM up to HHMMSSdd on a 24-hour clock', () => {
  assert.deepEqual(['0000', '2359', '235959', '2359591', '23595912', '2400', '1260', '123', '12345'].map(isValidTime), [true, true, true, true, true, false, false, false, false]);
});

test('numbers: R with an exponent only in 005010, lengths count digits only', () => {
  assert.deepEqual(['1', '-1.5', '.5', '1.', '1E5', '1,5', ''].map((v) => isDecimal(v, false)), [true, true, true, true, false, false, false]);
  assert.equal(isDecimal('1.5E-3', true), true);
  assert.deepEqual(['-12.50', '1.5E-3', '007'].map(numericLength), [4, 2, 3]);
});

test('amounts become exact scaled integers and back', () => {
  assert.equal(toScaled('9.25', 2), 925n);
  assert.equal(toScaled('-0.5', 6), -500000n);
  assert.equal(toScaled('13045.940', 2), 1304594n, 'trailing zeros do not need room');
  assert.equal(toScaled('0.333', 2), null, 'more decimals than the scale holds exactly');
  assert.equal(toScaled('abc', 2), null);
  assert.equal(impliedToScaled('1350', 2, 4), 135000n);
  assert.equal(formatScaled(1304594n, 2), '13045.94');
  assert.equal(formatScaled(-5n, 2), '-0.05');
});
