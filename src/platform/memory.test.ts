import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usableMemoryBytes } from './memory.ts';

const GB = 1_073_741_824;

test('a cgroup limit below the machine’s memory is what the process may use; none, or "max", leaves the machine’s', () => {
  assert.equal(usableMemoryBytes(2 * GB, 64 * GB), 2 * GB, 'a container of 2 GB on a 64 GB host');
  assert.equal(usableMemoryBytes(0, 64 * GB), 64 * GB, 'no limit');
  assert.equal(usableMemoryBytes(undefined, 64 * GB), 64 * GB, 'a runtime that reports none');
  assert.equal(usableMemoryBytes(2 ** 64, 64 * GB), 64 * GB, 'a limit of "max"');
  assert.ok(usableMemoryBytes() > 0, 'this machine');
});
