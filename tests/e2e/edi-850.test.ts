import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboundGroups, readInvoice, readPoAck } from '../../src/connectors/edi/index.ts';
import type { FileReport } from '../../src/connectors/files/index.ts';
import { acknowledgeInterchange, element, parseX12, writeInterchange } from '../../src/connectors/x12/index.ts';
import { sampleCustomer, seedSampleCatalog } from '../fixtures/catalog.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * EDI end to end through a partner's watched folder, on the selected store: a retail 850 becomes a
 * canonical order and is answered with a 997; replaying the interchange, in the same file or in a
 * new interchange, creates the order once (I5); a different file reusing an interchange control
 * number is reported as a duplicate; a partner's 999/997 is matched to the group we sent.
 */
const fixture = (name: string) => readFileSync(new URL(`../fixtures/x12/${name}`, import.meta.url), 'utf8');
// The fixture asks for delivery on 2010-12-14, before the test clock's today; intake refuses past
// dates, so the copy dropped here asks for a date after it. Everything else is byte for byte.
const po850 = fixture('850-retail-vics-004010.edi').replace('DTM*002*20101214', 'DTM*002*20260214');
const PO = '08292233294';
const root = mkdtempSync(join(tmpdir(), 'crossdock-edi-'));
const folders = [
  { name: 'xyz-edi', kind: 'x12', path: join(root, 'xyz'), partnerCode: 'XYZ' },
  { name: 'hc-edi', kind: 'x12', path: join(root, 'hc'), partnerCode: 'HCPAYER' },
] as const;
const dir = (folder: string, sub: string) => join(root, folder === 'xyz-edi' ? 'xyz' : 'hc', sub);
const list = (folder: string, sub: string) => (existsSync(dir(folder, sub)) ? readdirSync(dir(folder, sub)).sort() : []);
const drop = (folder: string, name: string, content: string) => writeFileSync(join(dir(folder, 'in'), name), content);

let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { files: { folders: folders.map((f) => ({ ...f })) } } });
  await seedSampleCatalog(t.app.services.catalog);
  const { catalog } = t.app.services;
  const buyerItems = ['065322-117', '066850-116', '060733-110', '065308-116', '065374-118', '067504-118'];
  await catalog.tradingPartners.create({
    code: 'XYZ',
    name: 'XYZ Retail',
    role: 'customer',
    x12: { interchangeIdQualifier: '12', interchangeId: '4405197800', groupId: '4405197800', version: '004010', documents: ['850', '855', '856', '810'], acknowledgement: '997', usageIndicator: 'P' },
    itemCrossReferences: buyerItems.map((partnerItem, i) => ({ partnerItem, sku: i % 2 === 0 ? 'SKU-1' : 'SKU-2' })),
    unitMappings: [],
  });
  await catalog.customers.create({ ...sampleCustomer, code: 'CUST-XYZ', name: 'XYZ Retail Inc.', tradingPartnerCode: 'XYZ' });
  await catalog.tradingPartners.create({
    code: 'HCPAYER',
    name: 'A partner answering with a 997',
    role: 'customer',
    x12: { interchangeIdQualifier: 'ZZ', interchangeId: 'ReceiverID', groupId: 'ReceiverDept', version: '005010', documents: ['810'], acknowledgement: '999', usageIndicator: 'P' },
    itemCrossReferences: [],
    unitMappings: [],
  });
  await t.app.services.inventory.availability.refreshMasterData();
  await t.app.services.files.pollFolders(); // makes the folders' directories
});
after(async () => {
  await t.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function pollTwice() {
  await t.app.services.files.pollFolders();
  return t.app.services.files.pollFolders();
}
const ordersNumbered = async (externalOrderNumber: string) =>
  (await t.app.http.inject({ method: 'GET', url: `/v1/orders?externalOrderNumber=${externalOrderNumber}`, headers: t.as('viewer') })).json().items as Array<{
    id: string;
    partnerCode: string;
    customerCode: string;
    lines: Array<{ lineNumber: number; sku: string; orderedQuantity: number }>;
  }>;
const reportOf = (folder: string, name: string) => JSON.parse(readFileSync(join(dir(folder, 'error'), `${name}.report.json`), 'utf8')) as FileReport;
/** The 850 fixture as another interchange: new ISA13/IEA02, the same purchase order inside. */
const asInterchange = (control: string) => po850.replace('*000003438*0*P*', `*${control}*0*P*`).replace('IEA*1*000003438', `IEA*1*${control}`);

test('a retail 850 becomes one canonical order and is answered with a 997 accepting it', async () => {
  drop('xyz-edi', 'po-1.edi', po850);
  assert.deepEqual(await pollTwice(), { processed: 1, partial: 0, rejected: 0, retrying: 0 });
  const orders = await ordersNumbered(PO);
  assert.equal(orders.length, 1);
  const [order] = orders;
  assert.equal(order!.customerCode, 'CUST-XYZ');
  assert.deepEqual(
    order!.lines.map((l) => [l.lineNumber, l.sku, l.orderedQuantity]),
    [[1, 'SKU-1', 120], [2, 'SKU-2', 220], [3, 'SKU-1', 126], [4, 'SKU-2', 76], [5, 'SKU-1', 72], [6, 'SKU-2', 696]],
    'six PO1 lines, buyer item numbers resolved through the partner cross-references',
  );

  assert.deepEqual(list('xyz-edi', 'out'), ['XYZ-997-000000001.x12']);
  const ack = parseX12(readFileSync(join(dir('xyz-edi', 'out'), 'XYZ-997-000000001.x12'), 'utf8'));
  assert.equal(ack.valid, true, 'the acknowledgement passes our own validator');
  const [interchange] = ack.interchanges;
  assert.equal(interchange!.header.receiverId.trim(), '4405197800', 'sent back to the partner');
  const set = interchange!.groups[0]!.sets[0]!;
  assert.equal(set.id, '997');
  const ak1 = set.segments.find((s) => s.id === 'AK1')!;
  const ak9 = set.segments.find((s) => s.id === 'AK9')!;
  assert.deepEqual([element(ak1, 1), element(ak1, 2)], ['PO', '1421'], 'answers the PO group 1421');
  assert.equal(element(ak9, 1), 'A');
});

test('replaying the interchange, in the same file or in a new interchange, creates the order once (I5)', async () => {
  for (const name of ['po-1-again.edi', 'po-1-third.edi']) drop('xyz-edi', name, po850);
  assert.equal((await pollTwice()).processed, 2);
  assert.equal((await ordersNumbered(PO)).length, 1, 'the same file again takes no effect');
  assert.deepEqual(list('xyz-edi', 'out'), ['XYZ-997-000000001.x12'], 'an interchange already answered is not answered again');

  drop('xyz-edi', 'po-1-resent.edi', asInterchange('000003439'));
  assert.equal((await pollTwice()).processed, 1);
  assert.equal((await ordersNumbered(PO)).length, 1, 'the purchase order in a new interchange is still one order');
  assert.deepEqual(list('xyz-edi', 'out'), ['XYZ-997-000000001.x12', 'XYZ-997-000000002.x12'], 'control numbers run on per partner');
  const second = parseX12(readFileSync(join(dir('xyz-edi', 'out'), 'XYZ-997-000000002.x12'), 'utf8')).interchanges[0]!;
  assert.equal(second.groups[0]!.header.controlNumber, '2', 'group control numbers run on too');
});

test('another file reusing an interchange control number is reported as a duplicate and not taken in', async () => {
  const reused = asInterchange('000003438').replace(`BEG*00*SA*${PO}`, 'BEG*00*SA*PO-OTHER');
  drop('xyz-edi', 'reused.edi', reused);
  assert.equal((await pollTwice()).rejected, 1);
  const report = reportOf('xyz-edi', 'reused.edi');
  assert.deepEqual(report.problems.map((p) => p.code), ['duplicate_interchange']);
  assert.equal((await ordersNumbered('PO-OTHER')).length, 0);
  assert.equal(list('xyz-edi', 'out').length, 2, 'a duplicate is not acknowledged');
});

test('an 850 with a syntax error is rejected in its 997 and not taken in', async () => {
  const bad = asInterchange('000003440').replace('PO1*3*126*EA*', 'PO1*3*12X*EA*');
  drop('xyz-edi', 'bad.edi', bad);
  assert.equal((await pollTwice()).rejected, 1);
  const report = reportOf('xyz-edi', 'bad.edi');
  assert.ok(report.problems.length > 0 && report.problems.some((p) => p.line !== undefined), 'problems name the segment position');
  const ack = parseX12(readFileSync(join(dir('xyz-edi', 'out'), 'XYZ-997-000000003.x12'), 'utf8')).interchanges[0]!.groups[0]!.sets[0]!;
  assert.equal(element(ack.segments.find((s) => s.id === 'AK9')!, 1), 'R', 'the partner is told the set was rejected');
});

test('a partner 997 (005010) is matched to the group we sent and its rejection recorded', async () => {
  await t.testStore.store.db
    .insertInto('edi_outbound_groups')
    .values({ partner_code: 'HCPAYER', functional_id: 'HC', group_control: 1, interchange_control: 7, set_controls: JSON.stringify(['0021', '0022']), ack_status: null, ack_sets: null, sent_at: 0, acked_at: null })
    .execute();
  drop('hc-edi', 'ack.edi', fixture('997-rejection-005010.edi'));
  assert.equal((await pollTwice()).processed, 1);
  const [group] = await outboundGroups(t.testStore.store.db, 'HCPAYER');
  assert.equal(group!.ack_status, 'R');
  assert.deepEqual(JSON.parse(group!.ack_sets!), { '0021': 'R', '0022': 'R' });
  assert.deepEqual(list('hc-edi', 'out'), [], 'acknowledgements are never acknowledged');
});

test('our allocation decisions go back as an 855, once per decision, and the partner 997 answering it is tracked', async () => {
  // The fixture's prices differ from the contract (the first order waits on pricing holds); this PO
  // asks the contract prices, so it is allocated at once.
  const atContract = asInterchange('000003450')
    .replace(`BEG*00*SA*${PO}`, 'BEG*00*SA*PO-855')
    .replace(/^(PO1\*(\d)\*\d+\*EA\*)[\d.]+/gm, (_, head: string, n: string) => `${head}${Number(n) % 2 === 1 ? '10.49' : '10.99'}`)
    .replace('AMT*1*13045.94', 'AMT*1*14237.9');
  // SKU-1 is on its way on a purchase order due on the 20th; nothing is in stock, so the order's
  // lines wait, and the 855 dates SKU-1's backorders with it (ACK04 068).
  const call = (method: 'POST', url: string, payload?: object) => t.app.http.inject({ method, url, headers: t.as('procurement'), ...(payload && { payload }) });
  const po = (await call('POST', '/v1/purchase-orders', { poNumber: 'PO-IN-855', supplierCode: 'SUP-GLOVECO', locationCode: 'DC-EAST', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 100_000 }] })).json();
  await call('POST', `/v1/purchase-orders/${po.purchaseOrder.id}/send`);
  assert.equal((await call('POST', `/v1/purchase-orders/${po.purchaseOrder.id}/ship`, { expectedDate: '2026-01-20' })).statusCode, 200);
  drop('xyz-edi', 'po-855.edi', atContract);
  assert.equal((await pollTwice()).processed, 1);
  for (let i = 0; i < 5; i++) await t.app.services.outbox.dispatchDue();
  const acks = list('xyz-edi', 'out').filter((name) => name.startsWith('XYZ-855-'));
  assert.equal(acks.length, 1, 'one 855 for the one decision taken on the order');
  const text = readFileSync(join(dir('xyz-edi', 'out'), acks[0]!), 'utf8');
  const document = parseX12(text);
  assert.equal(document.valid, true, 'the 855 passes our own validator');
  const interchange = document.interchanges[0]!;
  const ack = readPoAck(interchange.groups[0]!.sets[0]!.segments)!;
  assert.equal(ack.poNumber, 'PO-855');
  const [order] = await ordersNumbered('PO-855');
  const full = (await t.app.http.inject({ method: 'GET', url: `/v1/orders/${order!.id}`, headers: t.as('viewer') })).json() as { lines: Array<{ lineNumber: number; allocatedQuantity: number; orderedQuantity: number }> };
  assert.deepEqual(
    ack.lines.map((l) => [l.lineNumber, l.partnerItem, l.quantity, l.accepted, l.backordered + l.rejected]),
    // Three buyer numbers map to each SKU here; the order keeps the SKU, so the 855 names the first.
    full.lines.map((l) => [l.lineNumber, l.lineNumber % 2 === 1 ? '065322-117' : '066850-116', l.orderedQuantity, l.allocatedQuantity, l.orderedQuantity - l.allocatedQuantity]),
    'each line states what we allocated and what waits, with the partner’s item number',
  );
  assert.deepEqual(
    ack.lines.map((l) => [l.lineNumber, l.backordered > 0, l.backorderShipDate]),
    full.lines.map((l) => [l.lineNumber, true, l.lineNumber % 2 === 1 ? '2026-01-20' : undefined]),
    'SKU-1 (odd lines) is dated by the purchase order on its way; SKU-2 has no supply known',
  );

  // The partner answers our 855 with an accepting 997, as its translator would.
  const reply = writeInterchange(acknowledgeInterchange(interchange, { controlNumber: 501, firstGroupControlNumber: 77, at: new Date(Date.UTC(2026, 0, 1)) }));
  assert.ok(reply.ok);
  drop('xyz-edi', 'their-997.edi', reply.text);
  assert.equal((await pollTwice()).processed, 1);
  const [group] = await outboundGroups(t.testStore.store.db, 'XYZ');
  assert.equal(group!.ack_status, 'A');
  assert.deepEqual(JSON.parse(group!.ack_sets!), { '0001': 'A' });
});

test('an issued invoice goes to the partner as an 810 that balances and reads back, once however often the event comes', async () => {
  const [order] = await ordersNumbered('PO-855');
  const invoice = {
    id: randomUUID(),
    invoiceNumber: 'INV-855-1',
    orderId: order!.id,
    shipmentIds: [],
    customerCode: 'CUST-XYZ',
    currency: 'USD',
    lines: [
      { lineNumber: 1, sku: 'SKU-1', quantity: 120, unitPriceMinor: 1049, amountMinor: 125_880 },
      { lineNumber: 2, sku: 'SKU-2', quantity: 20, unitPriceMinor: 1099, amountMinor: 21_980 },
    ],
    totalMinor: 147_860,
    issuedAt: '2026-01-01T00:00:00.000Z',
    state: 'issued',
  };
  for (let i = 0; i < 2; i++) {
    await t.testStore.store.db.transaction().execute((tx) =>
      t.app.services.outbox.append(tx, { source: '/crossdock/finance', type: 'crossdock.invoice.issued', subject: `invoice:${invoice.id}`, data: { invoice, policyVersion: 1 } }),
    );
  }
  for (let i = 0; i < 3; i++) await t.app.services.outbox.dispatchDue();
  const sent = list('xyz-edi', 'out').filter((name) => name.startsWith('XYZ-810-'));
  assert.equal(sent.length, 1, 'one 810 per invoice');
  const document = parseX12(readFileSync(join(dir('xyz-edi', 'out'), sent[0]!), 'utf8'));
  assert.equal(document.valid, true);
  const read = readInvoice(document.interchanges[0]!.groups[0]!.sets[0]!.segments)!;
  assert.deepEqual(
    [read.invoiceNumber, read.poNumber, read.totalMinor, read.lines.map((l) => [l.lineNumber, l.partnerItem, l.quantity, l.unitPriceMinor])],
    ['INV-855-1', 'PO-855', 147_860, [[1, '065322-117', 120, 1049], [2, '066850-116', 20, 1099]]],
  );
});
