import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, isoTime } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { createDecisionService, type DecisionService } from './decisions.service.ts';
import type { NewDecision } from './decisions.types.ts';

let t: TestStore;
let clock: ManualClock;
let decisions: DecisionService;
before(async () => {
  t = await createTestStore();
  clock = new ManualClock(Date.UTC(2026, 2, 1));
  decisions = createDecisionService({ db: t.store.db, ids: uuidV7Generator(clock, seededRandom(7)) });
});
after(async () => t.dispose());

const decision = (overrides: Partial<NewDecision> = {}): NewDecision => ({
  kind: 'credit',
  subject: { type: 'order', id: 'order-1' },
  outcome: 'hold',
  reasons: [{ code: 'over_limit', message: 'exposure 12 000.00 exceeds the limit 10 000.00' }],
  inputs: { exposureMinor: 1_200_000, limitMinor: 1_000_000 },
  policyId: 'credit',
  policyVersion: 0,
  madeBy: 'rule',
  appliedAutomatically: true,
  madeAt: isoTime(clock.now()),
  ...overrides,
});

const record = (items: NewDecision[]) => t.store.db.transaction().execute((tx) => decisions.record(tx, items));

test(`decisions recorded in a transaction that rolls back are not stored (${testStoreKind})`, async () => {
  const subject = { type: 'order', id: 'rolled-back' } as const;
  await assert.rejects(
    t.store.db.transaction().execute(async (tx) => {
      const stored = await decisions.record(tx, [decision({ subject }), decision({ subject, outcome: 'release' })]);
      assert.equal(stored.length, 2);
      assert.equal((await decisions.listForSubject(subject, tx)).length, 2, 'visible inside the transaction');
      throw new Error('the change the decisions explain failed');
    }),
    /the change the decisions explain failed/,
  );
  assert.deepEqual(await decisions.listForSubject(subject), []);
});

test(`decisions about one object list oldest first, as recorded (${testStoreKind})`, async () => {
  const subject = { type: 'order', id: 'order-7' } as const;
  const first = await record([decision({ subject, outcome: 'hold' }), decision({ subject: { type: 'order', id: 'other' } })]);
  clock.advance(60_000);
  const [second] = await record([decision({ subject, outcome: 'release', madeBy: 'person', appliedAutomatically: false, madeAt: isoTime(clock.now()) })]);
  clock.advance(60_000);
  const [third] = await record([
    decision({
      subject,
      kind: 'prediction',
      outcome: 'sla_miss_likely',
      madeBy: 'model',
      modelVersion: 'sla-risk-2026.03',
      reasons: [{ code: 'carrier_cutoff', message: 'carrier cut-off in 40 minutes', contribution: 0.62 }],
      // Another offset for the same kind of instant: stored in UTC.
      madeAt: new Date(clock.now()).toISOString().replace('Z', '+00:00'),
    }),
  ]);
  assert.match(first[0]!.id, /^[0-9a-f-]{36}$/);
  assert.equal(third!.madeAt, isoTime(clock.now()));

  const listed = await decisions.listForSubject(subject);
  assert.deepEqual(listed, [first[0], second, third]);
  assert.deepEqual(listed.map((d) => d.outcome), ['hold', 'release', 'sla_miss_likely']);
  assert.equal(listed[2]!.reasons[0]!.contribution, 0.62);
  assert.deepEqual(await decisions.get(second!.id), second);
  await assert.rejects(decisions.get('0190b6a0-0000-7000-8000-000000000000'), (e) => e instanceof AppError && e.code === 'not_found');
});

test(`list filters by kind and outcome, newest first, with a keyset cursor (${testStoreKind})`, async () => {
  clock.advance(3_600_000);
  const since = isoTime(clock.now());
  // Several in the same millisecond: the id breaks the tie, so no page repeats or skips one.
  const batch = await record(Array.from({ length: 5 }, (_, i) => decision({ kind: 'sourcing', outcome: i % 2 === 0 ? 'split' : 'single', subject: { type: 'order', id: `s-${i}` } })));
  clock.advance(1_000);
  const later = await record(Array.from({ length: 2 }, (_, i) => decision({ kind: 'sourcing', outcome: 'split', subject: { type: 'order', id: `l-${i}` }, madeAt: isoTime(clock.now()) })));
  const newestFirst = [...batch, ...later].reverse().map((d) => d.id);

  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await decisions.list({ kind: 'sourcing', limit: 3, cursor });
    seen.push(...page.items.map((d) => d.id));
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor !== undefined);
  assert.equal(pages, 3);
  assert.deepEqual(seen, newestFirst);

  const splits = await decisions.list({ kind: 'sourcing', outcome: 'split', limit: 50 });
  assert.deepEqual(splits.items.map((d) => d.subject.id), ['l-1', 'l-0', 's-4', 's-2', 's-0']);
  assert.equal(splits.nextCursor, null);
  const recent = await decisions.list({ since: isoTime(clock.now()), limit: 50 });
  assert.deepEqual(recent.items.map((d) => d.subject.id), ['l-1', 'l-0']);
  assert.equal((await decisions.list({ since, kind: 'credit', limit: 50 })).items.length, 0);
  const bySubject = await decisions.list({ subject: { type: 'order', id: 's-3' }, limit: 50 });
  assert.deepEqual(bySubject.items.map((d) => d.outcome), ['single']);
  await assert.rejects(decisions.list({ limit: 3, cursor: 'garbage' }), (e) => e instanceof AppError && e.code === 'invalid_cursor');
});

test(`more decisions than one INSERT takes are stored in chunks (${testStoreKind})`, async () => {
  const subject = { type: 'item', id: 'SKU-BULK' } as const;
  const stored = await record(Array.from({ length: 1_203 }, (_, i) => decision({ kind: 'replenishment', subject, outcome: `q${i}` })));
  const listed = await decisions.listForSubject(subject);
  assert.equal(listed.length, 1_203);
  assert.deepEqual(listed.map((d) => d.id), stored.map((d) => d.id));
});

test(`an invalid decision is a bug: record throws and stores none of the batch (${testStoreKind})`, async () => {
  const subject = { type: 'order', id: 'invalid-batch' } as const;
  const cases: Array<[string, NewDecision, RegExp]> = [
    ['no reasons', decision({ subject, reasons: [] }), /invalid decision \[1\].* at reasons: /],
    ['negative policy version', decision({ subject, policyVersion: -1 }), /at policyVersion: /],
    ['unknown field', { ...decision({ subject }), extra: true } as NewDecision, /invalid decision \[1\]/],
    ['time without offset', decision({ subject, madeAt: '2026-03-01T10:00:00' }), /at madeAt: /],
  ];
  for (const [label, bad, message] of cases) {
    await assert.rejects(record([decision({ subject }), bad]), (e) => {
      assert.ok(e instanceof Error && !(e instanceof AppError), `${label}: a plain Error`);
      assert.match(e.message, message, label);
      return true;
    });
  }
  assert.deepEqual(await decisions.listForSubject(subject), []);
});
