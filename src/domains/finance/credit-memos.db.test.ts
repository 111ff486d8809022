import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { createCreditMemoService, type CreditMemoService, type IssueCreditMemoInput } from './credit-memos.service.ts';

let t: TestStore;
let clock: ManualClock;
let memos: CreditMemoService;
before(async () => {
  t = await createTestStore();
  clock = new ManualClock(Date.UTC(2026, 2, 1));
  memos = createCreditMemoService({ db: t.store.db, ids: uuidV7Generator(clock, seededRandom(11)) });
});
after(async () => t.dispose());

const input = (returnId: string): IssueCreditMemoInput => ({
  returnId,
  rmaNumber: 'RMA-0001',
  orderId: '019b76da-a800-7008-b590-6be31a34885c',
  partnerCode: 'ACME',
  customerCode: 'CUST-ACME',
  currency: 'USD',
  lines: [
    { lineNumber: 1, sku: 'SKU-1', quantity: 3, unitPriceMinor: 1049, amountMinor: 3147 },
    { lineNumber: 2, sku: 'SKU-2', quantity: 1, unitPriceMinor: 500, amountMinor: 500 },
  ],
});

test(`a return gets one credit memo however often it is issued, and its total is the sum of its lines (${testStoreKind})`, async () => {
  const returnId = '019b76da-a800-7008-b590-6be31a348801';
  const first = await t.store.db.transaction().execute((tx) => memos.issueIn(tx, input(returnId), clock.now()));
  assert.equal(first.result, 'issued');
  assert.equal(first.creditMemo.totalMinor, 3647);
  clock.advance(60_000);
  const second = await t.store.db.transaction().execute((tx) => memos.issueIn(tx, { ...input(returnId), lines: [input(returnId).lines[0]!] }, clock.now()));
  assert.deepEqual(second, { result: 'exists', creditMemo: first.creditMemo }, 'the first memo stands, whatever the second call asked');
  const rows = await t.store.db.selectFrom('credit_memos').select(['id', 'total_minor', 'partner_code']).where('return_id', '=', returnId).execute();
  assert.deepEqual(rows, [{ id: first.creditMemo.id, total_minor: 3647, partner_code: 'ACME' }]);
  assert.deepEqual(await memos.get(first.creditMemo.id), first.creditMemo);
  assert.deepEqual(await memos.listForOrder(first.creditMemo.orderId), [first.creditMemo]);
});

test(`a memo is seen only by keys of its partner, and one whose lines do not add up is refused (${testStoreKind})`, async () => {
  const issued = await t.store.db.transaction().execute((tx) => memos.issueIn(tx, input('019b76da-a800-7008-b590-6be31a348802'), clock.now()));
  await assert.rejects(memos.get(issued.creditMemo.id, 'OTHER'), (e) => e instanceof AppError && e.code === 'not_found');
  assert.equal((await memos.get(issued.creditMemo.id, 'ACME')).id, issued.creditMemo.id);
  const unbalanced = { ...input('019b76da-a800-7008-b590-6be31a348803'), lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 3, unitPriceMinor: 1049, amountMinor: 3000 }] };
  await assert.rejects(t.store.db.transaction().execute((tx) => memos.issueIn(tx, unbalanced, clock.now())), /quantity × unit price/);
});
