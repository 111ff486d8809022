import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, type TestStore } from '../../../tests/helpers/store.ts';
import { insertInterchange, nextControlNumbers } from './edi.repo.ts';

/** Control numbers per partner, on the selected store: never the same number twice, even under concurrency. */
let t: TestStore;
before(async () => {
  t = await createTestStore();
});
after(async () => {
  await t.dispose();
});

test('concurrent writers each get their own interchange and group control numbers, per partner', async () => {
  const take = (partner: string, groups: number) => t.store.db.transaction().execute((tx) => nextControlNumbers(tx, partner, groups));
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => take('P1', (i % 3) + 1)));
  const interchanges = results.map((r) => r.interchange).sort((a, b) => a - b);
  assert.deepEqual(interchanges, Array.from({ length: 12 }, (_, i) => i + 1), 'ISA13 runs 1 … 12 without a gap or a repeat');
  const groups = results.flatMap((r, i) => Array.from({ length: (i % 3) + 1 }, (_, k) => r.firstGroup + k)).sort((a, b) => a - b);
  assert.deepEqual(groups, Array.from({ length: groups.length }, (_, i) => i + 1), 'group numbers never overlap');
  assert.equal((await take('P2', 1)).interchange, 1, 'each partner has its own sequence');
});

test('a rolled-back transaction gives its number back; an interchange is recorded once', async () => {
  await assert.rejects(
    t.store.db.transaction().execute(async (tx) => {
      await nextControlNumbers(tx, 'P3', 1);
      throw new Error('the file could not be written');
    }),
  );
  const next = await t.store.db.transaction().execute((tx) => nextControlNumbers(tx, 'P3', 1));
  assert.deepEqual(next, { interchange: 1, firstGroup: 1 });
  const record = () => t.store.db.transaction().execute((tx) => insertInterchange(tx, { partnerCode: 'P3', direction: 'in', controlNumber: 3438, sha256: 'abc', fileName: null, at: 0 }));
  assert.equal(await record(), true);
  assert.equal(await record(), false);
});
