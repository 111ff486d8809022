import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAvailability, transferNumberFor } from '../../src/connectors/edi/index.ts';
import type { FileReport } from '../../src/connectors/files/index.ts';
import { parseX12 } from '../../src/connectors/x12/index.ts';
import { sampleCustomer, sampleSubstituteItem, sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * Supply documents end to end through partners' watched folders, on the selected store: a supplier's
 * 856 ships our purchase order (inbound supply by its DTM 017 date), a warehouse's 944 receives it
 * (on hand rises at the PO's location), a 3PL's 846 reconciles on hand as a snapshot of the
 * location's source, and our 846 tells a customer partner its ATP. Each file dropped twice, or its
 * documents resent in a new interchange, takes effect once; bad documents go to error/ with a report
 * naming the segment.
 */
const root = mkdtempSync(join(tmpdir(), 'crossdock-edi-supply-'));
const folders = [
  { name: 'gloveco-edi', kind: 'x12', path: join(root, 'gloveco'), partnerCode: 'GLOVECO' },
  { name: 'tpl-edi', kind: 'x12', path: join(root, 'tpl'), partnerCode: 'TPL' },
  { name: 'retailx-edi', kind: 'x12', path: join(root, 'retailx'), partnerCode: 'RETAILX' },
] as const;
const dir = (partner: string, sub: string) => join(root, partner, sub);
const list = (partner: string, sub: string) => (existsSync(dir(partner, sub)) ? readdirSync(dir(partner, sub)).sort() : []);
const drop = (partner: string, name: string, content: string) => writeFileSync(join(dir(partner, 'in'), name), content);
const reportOf = (partner: string, name: string) => JSON.parse(readFileSync(join(dir(partner, 'error'), `${name}.report.json`), 'utf8')) as FileReport;

/** One interchange from `sender` to us, with one set of `setId` in group `functionalId`. */
function interchange(sender: string, control: number, functionalId: string, setId: string, body: string[]): string {
  const isa13 = String(control).padStart(9, '0');
  const segments = [`ST*${setId}*0001`, ...body];
  return [
    `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*CROSSDOCK      *260101*1200*U*00401*${isa13}*0*P*>`,
    `GS*${functionalId}*${sender}*CROSSDOCK*20260101*1200*${control}*X*004010`,
    ...segments,
    `SE*${segments.length + 1}*0001`,
    `GE*1*${control}`,
    `IEA*1*${isa13}`,
  ].join('~') + '~\n';
}

const asn = (control: number, poNumber: string, item = 'GC-100') =>
  interchange('GLOVECO', control, 'SH', '856', [
    'BSN*00*SHIP-77*20260102*0900',
    'DTM*011*20260102',
    'DTM*017*20260120',
    'HL*1**S*1',
    'HL*2*1*O*1',
    `PRF*${poNumber}`,
    'HL*3*2*I*0',
    `LIN*1*VP*${item}`,
    'SN1**20*CS',
    'CTT*3*20',
  ]);
const receipt = (control: number, receiptNumber: string, reference: string, item = 'SKU-1', quantity = 120) =>
  interchange('TPL', control, 'RE', '944', [`W17*F*20260121*${receiptNumber}*${reference}`, 'N1*WH*East DC*92*DC-EAST', `W07*${quantity}*EA**VN*${item}`, `W14*${quantity}`]);
const advice = (control: number, location: string, quantity: string) =>
  interchange('TPL', control, 'IB', '846', ['BIA*00*DD*INV-9*20260101*1100', `N1*WH*East DC*92*${location}`, 'LIN**VN*SKU-1', `QTY*17*${quantity}*EA`, 'LIN**VN*SKU-2', 'QTY*33*24*EA', 'CTT*2']);

let t: TestApp;
let poId = '';
before(async () => {
  t = await createTestApp({ config: { files: { folders: folders.map((f) => ({ ...f })) } } });
  const { catalog } = t.app.services;
  await seedSampleCatalog(catalog);
  const x12 = (id: string, documents: Array<'846' | '856' | '944'>) => ({ interchangeIdQualifier: 'ZZ', interchangeId: id, groupId: id, version: '004010' as const, documents, acknowledgement: '997' as const, usageIndicator: 'P' as const });
  await catalog.tradingPartners.create({ code: 'GLOVECO', name: 'GloveCo EDI', role: 'supplier', x12: x12('GLOVECO', ['856']), itemCrossReferences: [{ partnerItem: 'GC-100', sku: 'SKU-1' }], unitMappings: [{ partnerUnit: 'CS', unit: 'CA' }] });
  await catalog.tradingPartners.create({ code: 'TPL', name: 'A 3PL', role: 'third_party_logistics', x12: x12('TPL', ['944', '846']), itemCrossReferences: [], unitMappings: [] });
  await catalog.tradingPartners.create({ code: 'RETAILX', name: 'Retail X', role: 'customer', x12: x12('RETAILX', ['846']), itemCrossReferences: [{ partnerItem: 'RX-1', gtin: '012345678905', sku: 'SKU-1' }, { partnerItem: 'RX-2', sku: 'SKU-2' }], unitMappings: [] });
  await catalog.customers.create({ ...sampleCustomer, code: 'CUST-RX', tradingPartnerCode: 'RETAILX' });
  await catalog.suppliers.create({ code: 'SUP-EDI', name: 'GloveCo by EDI', leadTimeDaysMean: 10, leadTimeDaysStdDev: 1, tradingPartnerCode: 'GLOVECO', currency: 'USD' });
  await t.app.services.inventory.availability.refreshMasterData();
  const created = await t.app.http.inject({ method: 'POST', url: '/v1/purchase-orders', headers: t.as('procurement'), payload: { poNumber: 'PO-EDI-1', supplierCode: 'SUP-EDI', locationCode: 'DC-EAST', lines: [{ lineNumber: 1, sku: 'SKU-1', quantity: 240 }] } });
  assert.equal(created.statusCode, 201, created.body);
  poId = created.json().purchaseOrder.id;
  assert.equal((await t.app.http.inject({ method: 'POST', url: `/v1/purchase-orders/${poId}/send`, headers: t.as('procurement'), payload: {} })).statusCode, 200);
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
const purchaseOrder = async () => (await t.app.http.inject({ method: 'GET', url: `/v1/purchase-orders/${poId}`, headers: t.as('viewer') })).json() as { state: string; expectedDate: string; version: number; lines: Array<{ receivedQuantity: number }> };
const onHand = async (sku: string, location = 'DC-EAST') => (await t.testStore.store.db.selectFrom('inventory_positions').select('on_hand').where('sku', '=', sku).where('location_code', '=', location).executeTakeFirst())?.on_hand ?? 0;
const call = async (method: 'GET' | 'POST' | 'PUT', url: string, role: Parameters<TestApp['as']>[0], payload?: object) => {
  const response = await t.app.http.inject({ method, url, headers: t.as(role), ...(payload === undefined ? {} : { payload }) });
  assert.ok(response.statusCode < 300, `${method} ${url}: ${response.body}`);
  return response.json();
};
/** Inbound supply is replaced right after the inbox's commit; this waits for that write without a clock. */
async function inboundSupply(reference: string): Promise<Array<{ sku: string; quantity: number; expectedAt: string }>> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await t.app.http.inject({ method: 'GET', url: `/v1/inventory/inbound-supply/${encodeURIComponent(reference)}`, headers: t.as('viewer') });
    if (response.statusCode === 200) return response.json().lines;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return [];
}

test('a supplier 856 ships our PO: its open quantity is inbound supply by DTM 017; the same ASN again, in any file, is one effect', async () => {
  drop('gloveco', 'asn-1.x12', asn(1, 'PO-EDI-1'));
  assert.deepEqual(await pollTwice(), { processed: 1, partial: 0, rejected: 0, retrying: 0 });
  const shipped = await purchaseOrder();
  assert.deepEqual([shipped.state, shipped.expectedDate], ['shipped', '2026-01-20']);
  // From local midnight of the 20th at DC-EAST, in New York (UTC−5 in January).
  assert.deepEqual(await inboundSupply('po:PO-EDI-1'), [{ sku: 'SKU-1', locationCode: 'DC-EAST', quantity: 240, expectedAt: '2026-01-20T05:00:00.000Z' }]);
  assert.deepEqual(list('gloveco', 'out'), ['GLOVECO-997-000000001.x12'], 'acknowledged with a 997');

  drop('gloveco', 'asn-1-again.x12', asn(1, 'PO-EDI-1'));
  drop('gloveco', 'asn-1-resent.x12', asn(2, 'PO-EDI-1'));
  assert.equal((await pollTwice()).processed, 2);
  assert.equal((await purchaseOrder()).version, shipped.version, 'the purchase order did not move again');
});

test('an 856 for a PO we never sent, or of an item not on the PO, goes to error/ naming the segment', async () => {
  drop('gloveco', 'asn-unknown.x12', asn(3, 'PO-NOPE'));
  drop('gloveco', 'asn-item.x12', asn(4, 'PO-EDI-1', 'SKU-2'));
  assert.equal((await pollTwice()).rejected, 2);
  const unknown = reportOf('gloveco', 'asn-unknown.x12');
  assert.deepEqual(unknown.problems.map((p) => [p.code, p.line]), [['unknown_purchase_order', 7]], 'PRF is the 7th segment of the set');
  const item = reportOf('gloveco', 'asn-item.x12');
  assert.deepEqual(item.problems.map((p) => [p.code, p.line]), [['item_not_on_order', 9]], 'LIN is the 9th segment of the set');
});

test('a warehouse 944 receives the PO at its location once, however often it is sent', async () => {
  const before = await onHand('SKU-1');
  drop('tpl', 'rcpt-1.x12', receipt(1, 'WR-1', 'PO-EDI-1'));
  assert.equal((await pollTwice()).processed, 1);
  const received = await purchaseOrder();
  assert.deepEqual([received.state, received.lines[0]!.receivedQuantity], ['partially_received', 120]);
  assert.equal(await onHand('SKU-1'), before + 120);
  assert.deepEqual((await inboundSupply('po:PO-EDI-1')).map((l) => l.quantity), [120], 'what is still open stays inbound');

  drop('tpl', 'rcpt-1-again.x12', receipt(1, 'WR-1', 'PO-EDI-1'));
  drop('tpl', 'rcpt-1-resent.x12', receipt(2, 'WR-1', 'PO-EDI-1'));
  assert.equal((await pollTwice()).processed, 2);
  assert.equal(await onHand('SKU-1'), before + 120, 'the same receipt number changes nothing');
  assert.equal((await purchaseOrder()).version, received.version);
});

test('a 944 naming a transfer by its number receives it at the destination, once', async () => {
  await t.app.services.catalog.locations.create({ ...sampleWestLocation, sourceSystem: 'wms-west' });
  await t.app.services.catalog.items.create({ ...sampleSubstituteItem, sku: 'BOLT-9', itemClass: 'HARDWARE' });
  await t.app.services.inventory.availability.refreshMasterData();
  await call('PUT', '/v1/replenishment/parameters/BOLT-9/DC-EAST', 'planner', { method: 'min_max', min: 10, max: 30, supplierCode: 'SUP-EDI' });
  await call('PUT', '/v1/replenishment/parameters/BOLT-9/DC-WEST', 'planner', { method: 'min_max', min: 5, max: 20 });
  await call('POST', '/v1/inventory/events', 'integration', { events: [{ source: 'wms-west', sequence: 1, type: 'receipt', sku: 'BOLT-9', locationCode: 'DC-WEST', quantity: 80, occurredAt: new Date(t.clock.now()).toISOString() }] });
  const run = await call('POST', '/v1/replenishment/run', 'planner');
  const transfer = run.transfers.find((x: { lines: Array<{ sku: string }> }) => x.lines.some((l) => l.sku === 'BOLT-9'));
  assert.ok(transfer, JSON.stringify(run));
  await call('POST', `/v1/transfers/${transfer.id}/release`, 'procurement', {});
  await call('POST', `/v1/transfers/${transfer.id}/ship`, 'warehouse', {});

  drop('tpl', 'rcpt-tr.x12', receipt(7, 'WR-T1', transferNumberFor(transfer.id), 'BOLT-9', 30));
  drop('tpl', 'rcpt-tr-resent.x12', receipt(8, 'WR-T1', transferNumberFor(transfer.id), 'BOLT-9', 30));
  assert.equal((await pollTwice()).processed, 2, JSON.stringify(list('tpl', 'error')));
  assert.equal((await call('GET', `/v1/transfers/${transfer.id}`, 'viewer')).state, 'received');
  assert.deepEqual([await onHand('BOLT-9'), await onHand('BOLT-9', 'DC-WEST')], [30, 50]);
});

test('a 3PL 846 reconciles on hand at the location it names as a snapshot of that location’s source; resent, nothing moves', async () => {
  // The 3PL counts at 11:00 (BIA) and the file arrives a few minutes later, after everything above.
  assert.ok(t.clock.now() < Date.parse('2026-01-01T11:00:00Z'));
  t.clock.set(Date.parse('2026-01-01T11:05:00Z'));
  drop('tpl', 'inv-1.x12', advice(3, 'DC-EAST', '500'));
  assert.equal((await pollTwice()).processed, 1);
  assert.deepEqual([await onHand('SKU-1'), await onHand('SKU-2')], [500, 24]);
  const corrections = await t.testStore.store.db.selectFrom('inventory_movements').select(['source', 'sku']).where('type', '=', 'correction').where('location_code', '=', 'DC-EAST').execute();
  assert.deepEqual(corrections.map((c) => c.source).sort(), ['wms-east', 'wms-east'], "posted as DC-EAST's own source system");

  drop('tpl', 'inv-1-again.x12', advice(3, 'DC-EAST', '500'));
  drop('tpl', 'inv-1-resent.x12', advice(4, 'DC-EAST', '500'));
  assert.equal((await pollTwice()).processed, 2);
  assert.deepEqual([await onHand('SKU-1'), await onHand('SKU-2')], [500, 24]);
  assert.equal((await t.testStore.store.db.selectFrom('inventory_movements').select('sku').where('type', '=', 'correction').execute()).length, 2, 'no new corrections');
});

test('a bad 846 goes to error/ with a report naming the segment (and the element, for a syntax error)', async () => {
  drop('tpl', 'inv-nowhere.x12', advice(5, 'DC-MOON', '1'));
  drop('tpl', 'inv-syntax.x12', advice(6, 'DC-EAST', '1X'));
  assert.equal((await pollTwice()).rejected, 2);
  const nowhere = reportOf('tpl', 'inv-nowhere.x12');
  assert.deepEqual(nowhere.problems.map((p) => [p.code, p.line]), [['unknown_location', 4], ['unknown_location', 6]]);
  const syntax = reportOf('tpl', 'inv-syntax.x12');
  assert.ok(syntax.problems.some((p) => p.line === 5 && /QTY02/.test(p.message)), JSON.stringify(syntax.problems));
  assert.equal(await onHand('SKU-1'), 500);
});

test('our 846 tells a customer partner its ATP per cross-referenced item, once per report id, and reads back the same', async () => {
  const send = (payload: object) => t.app.http.inject({ method: 'POST', url: '/v1/edi/partners/RETAILX/availability', headers: t.as('integration'), payload });
  const first = await send({ reportId: 'ATP-T1' });
  assert.equal(first.statusCode, 200, first.body);
  const body = first.json();
  assert.equal(body.result, 'sent');
  assert.equal(body.channel, 'EDI');
  const text = readFileSync(join(dir('retailx', 'out'), body.fileName), 'utf8');
  const parsed = parseX12(text);
  assert.equal(parsed.valid, true);
  const read = readAvailability(parsed.interchanges[0]!.groups[0]!.sets[0]!.segments)!;
  const atp = (sku: string) => t.app.services.inventory.availability.atp(sku, undefined, 'EDI');
  assert.deepEqual(read.lines, [
    { sku: 'SKU-1', partnerItem: 'RX-1', gtin: '012345678905', quantity: atp('SKU-1') },
    { sku: 'SKU-2', partnerItem: 'RX-2', quantity: atp('SKU-2') },
  ]);
  assert.ok(atp('SKU-2') > 0, 'the figures are real ATP');

  const again = await send({ reportId: 'ATP-T1' });
  assert.equal(again.json().result, 'already_sent');
  assert.deepEqual(list('retailx', 'out'), [body.fileName], 'a repeat writes nothing');
  assert.equal((await t.app.http.inject({ method: 'POST', url: '/v1/edi/partners/GLOVECO/availability', headers: t.as('integration'), payload: {} })).json().error.details[0].code, 'document_not_enabled');
  assert.equal((await t.app.http.inject({ method: 'POST', url: '/v1/edi/partners/RETAILX/availability', headers: t.as('viewer'), payload: {} })).statusCode, 403);
});

test("an 846's BIA time is the 3PL's wall clock in its x12.timezone: a count at 12:50 in Berlin is 11:50 UTC, not the future", async () => {
  const partners = t.app.services.catalog.tradingPartners;
  const { version: _version, createdAt: _createdAt, updatedAt: _updatedAt, ...tpl } = (await partners.find('TPL'))!;
  await partners.update('TPL', { ...tpl, x12: { ...tpl.x12, timezone: 'Europe/Berlin' } });
  t.clock.set(Date.parse('2026-01-01T11:05:00Z'));
  // Read as UTC, 12:50 would be an hour and three quarters ahead of the hub, and refused.
  const berlin = interchange('TPL', 95, 'IB', '846', ['BIA*00*DD*INV-10*20260101*1250', 'N1*WH*East DC*92*DC-EAST', 'LIN**VN*SKU-1', 'QTY*17*480*EA', 'CTT*1']);
  drop('tpl', 'inv-berlin.x12', berlin);
  assert.equal((await pollTwice()).processed, 1);
  assert.equal(list('tpl', 'error').filter((name) => name.startsWith('inv-berlin')).length, 0, 'not refused');
  assert.equal(await onHand('SKU-1'), 480);
  await partners.update('TPL', tpl);
});
