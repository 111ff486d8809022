import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShipNotice, readWarehouseOrder, shipAdviceSegments } from '../../src/connectors/edi/index.ts';
import type { FileReport } from '../../src/connectors/files/index.ts';
import { element, parseX12, writeInterchange } from '../../src/connectors/x12/index.ts';
import { sampleWestLocation, seedSampleCatalog } from '../fixtures/catalog.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { submitSampleOrder } from '../helpers/orders.ts';

/**
 * EDI with a 3PL end to end, on the selected store: an order released to a location the 3PL
 * operates goes to it as a 940 (from our own configured ISA id); the 3PL's 945 dropped into its
 * folder confirms the shipment — the order ships and is invoiced — once however often it is dropped;
 * the customer, whose partner enabled the 856, gets a ship notice; an over-shipment is reported in
 * the file's report; a cancellation goes out as a 940 cancelling the order.
 */
const root = mkdtempSync(join(tmpdir(), 'crossdock-edi-3pl-'));
const folders = [
  { name: 'wh-edi', kind: 'x12' as const, path: join(root, 'wh'), partnerCode: 'WH3PL' },
  { name: 'acme-edi', kind: 'x12' as const, path: join(root, 'acme'), partnerCode: 'ACME' },
];
const dir = (folder: 'wh' | 'acme', sub: string) => join(root, folder, sub);
const list = (folder: 'wh' | 'acme', sub: string, prefix = '') => (existsSync(dir(folder, sub)) ? readdirSync(dir(folder, sub)).filter((n) => n.startsWith(prefix)).sort() : []);
const read = (folder: 'wh' | 'acme', name: string) => parseX12(readFileSync(join(dir(folder, 'out'), name), 'utf8'));

let t: TestApp;
let sequence = 0;
before(async () => {
  t = await createTestApp({ config: { files: { folders }, edi: { self: 'ZZ:MYCOMPANY' } } });
  const { catalog } = t.app.services;
  await seedSampleCatalog(catalog);
  // Items of their own class, so that no channel protection (the sample EDI channel protects PPE) hides stock.
  for (const sku of ['TOOL-A', 'TOOL-B']) await catalog.items.create({ sku, description: `Tool ${sku}`, itemClass: 'TOOLS', unitCostMinor: 50, listPriceMinor: 100 });
  await catalog.tradingPartners.create({
    code: 'WH3PL',
    name: 'Warehouse partner',
    role: 'third_party_logistics',
    x12: { interchangeIdQualifier: 'ZZ', interchangeId: 'WAREHOUSE3PL', groupId: 'WAREHOUSE3PL', version: '004010', documents: ['940', '945'], acknowledgement: '997', usageIndicator: 'P' },
    itemCrossReferences: [{ partnerItem: '3PL-A', sku: 'TOOL-A' }],
    unitMappings: [],
  });
  await catalog.locations.create({ ...sampleWestLocation, code: 'DC-3PL', name: 'Partner warehouse', type: 'third_party', tradingPartnerCode: 'WH3PL' });
  const events = [['TOOL-A', 100], ['TOOL-B', 100]].map(([sku, quantity]) => ({
    source: 'WMS-3PL',
    sequence: ++sequence,
    type: 'receipt',
    sku,
    locationCode: 'DC-3PL',
    quantity,
    occurredAt: new Date(t.clock.now()).toISOString(),
  }));
  const res = await t.app.http.inject({ method: 'POST', url: '/v1/inventory/events', headers: t.as('integration'), payload: { events } });
  assert.equal(res.json().outcome.applied, 2, res.body);
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
async function dispatch(times = 4) {
  for (let i = 0; i < times; i++) await t.app.services.outbox.dispatchDue();
}
const getJson = async (url: string) => (await t.app.http.inject({ method: 'GET', url, headers: t.as('admin') })).json();

/** An order of ACME's shipped to ST-002 (no location preference), allocated and released to DC-3PL. */
async function released(externalOrderNumber: string, lines: Array<{ lineNumber: number; sku: string; quantity: number }>) {
  const id = await submitSampleOrder(t, externalOrderNumber, lines, { shipToCode: 'ST-002', customerPo: externalOrderNumber });
  await dispatch(2);
  const [request] = await t.app.services.fulfillment.listForOrder(id);
  assert.equal(request?.locationCode, 'DC-3PL');
  await dispatch(2); // the 940
  return { id, request: request! };
}

/** The 3PL's 945 for a request, as its translator would write it. */
function shipAdvice(control: number, advice: Parameters<typeof shipAdviceSegments>[0]): string {
  const written = writeInterchange({
    sender: { qualifier: 'ZZ', id: 'WAREHOUSE3PL' },
    receiver: { qualifier: 'ZZ', id: 'MYCOMPANY' },
    controlNumber: control,
    at: new Date(t.clock.now()),
    groups: [{ functionalId: 'SW', senderCode: 'WAREHOUSE3PL', receiverCode: 'MYCOMPANY', controlNumber: control, version: '004010', sets: [{ id: '945', controlNumber: 1, segments: shipAdviceSegments(advice) }] }],
  });
  assert.ok(written.ok);
  return written.text;
}

let firstOrder = '';

test('a release to a 3PL location goes to the 3PL as one 940, from our configured ISA id', async () => {
  const { id, request } = await released('PO-3PL-1', [
    { lineNumber: 1, sku: 'TOOL-A', quantity: 5 },
    { lineNumber: 2, sku: 'TOOL-B', quantity: 3 },
  ]);
  firstOrder = id;
  const sent = list('wh', 'out', 'WH3PL-940-');
  assert.deepEqual(sent, ['WH3PL-940-000000001.x12']);
  const document = read('wh', sent[0]!);
  assert.equal(document.valid, true, 'the 940 passes our own validator');
  const interchange = document.interchanges[0]!;
  assert.deepEqual([interchange.header.senderQualifier, interchange.header.senderId.trim(), interchange.header.receiverId.trim()], ['ZZ', 'MYCOMPANY', 'WAREHOUSE3PL']);
  assert.deepEqual(readWarehouseOrder(interchange.groups[0]!.sets[0]!.segments), {
    purpose: 'original',
    fulfillmentRequestId: request.id,
    poNumber: 'PO-3PL-1',
    shipTo: { code: 'ST-002', name: 'Acme store 2, "downtown"', address: { line1: '200 Broad St', city: 'Philadelphia', region: 'PA', postalCode: '19102', country: 'US' } },
    ...(request.shipByAt === undefined ? {} : { shipBy: request.shipByAt.slice(0, 10) }),
    lines: [
      { lineNumber: 1, sku: 'TOOL-A', partnerItem: '3PL-A', quantity: 5, unit: 'EA' },
      { lineNumber: 2, sku: 'TOOL-B', quantity: 3, unit: 'EA' },
    ],
  });

  // The same release event delivered again sends nothing more.
  await t.testStore.store.db.transaction().execute((tx) =>
    t.app.services.outbox.append(tx, { source: '/crossdock/fulfillment', type: 'crossdock.fulfillment.release_requested', subject: `fulfillment:${request.id}`, data: { request } }),
  );
  await dispatch(2);
  assert.deepEqual(list('wh', 'out', 'WH3PL-940-'), sent, 'one 940 per fulfillment request');
});

test("the 3PL's 945 confirms the shipment: the order ships and is invoiced, and the customer gets an 856", async () => {
  const [request] = await t.app.services.fulfillment.listForOrder(firstOrder);
  const advice = shipAdvice(701, {
    fulfillmentRequestId: request!.id,
    shipmentNumber: 'SH-9001',
    shipDate: new Date(t.clock.now()).toISOString().slice(0, 10),
    carrierScac: 'UPSN',
    trackingNumber: '1Z999AA10123456784',
    lines: [
      { lineNumber: 1, sku: 'TOOL-A', ordered: 5, shipped: 5 },
      { lineNumber: 2, sku: 'TOOL-B', ordered: 3, shipped: 3 },
    ],
  });
  writeFileSync(join(dir('wh', 'in'), '945-1.edi'), advice);
  assert.deepEqual(await pollTwice(), { processed: 1, partial: 0, rejected: 0, retrying: 0 });
  const shipments = (await getJson(`/v1/orders/${firstOrder}/shipments`)).items as Array<{ shipmentNumber: string; carrierScac: string; trackingNumber: string; locationCode: string; lines: unknown[] }>;
  assert.equal(shipments.length, 1);
  assert.deepEqual([shipments[0]!.shipmentNumber, shipments[0]!.locationCode, shipments[0]!.carrierScac, shipments[0]!.trackingNumber], ['SH-9001', 'DC-3PL', 'UPSN', '1Z999AA10123456784']);
  assert.equal((await getJson(`/v1/orders/${firstOrder}`)).state, 'shipped');
  assert.deepEqual(list('wh', 'out', 'WH3PL-997-'), ['WH3PL-997-000000002.x12'], 'the 945 is acknowledged');

  await dispatch(6);
  const invoices = (await getJson(`/v1/orders/${firstOrder}/invoices`)).items as Array<{ lines: Array<{ sku: string; quantity: number }> }>;
  assert.equal(invoices.length, 1, 'the shipment is invoiced');
  assert.deepEqual(invoices[0]!.lines.map((l) => [l.sku, l.quantity]), [['TOOL-A', 5], ['TOOL-B', 3]]);

  const notices = list('acme', 'out', 'ACME-856-');
  assert.equal(notices.length, 1, 'one 856 for the shipment');
  const document = read('acme', notices[0]!);
  assert.equal(document.valid, true, 'the 856 passes our own validator');
  assert.deepEqual(readShipNotice(document.interchanges[0]!.groups[0]!.sets[0]!.segments), {
    shipmentId: 'SH-9001',
    date: new Date(t.clock.now()).toISOString().slice(0, 10),
    time: '00:00',
    poNumber: 'PO-3PL-1',
    carrierScac: 'UPSN',
    trackingNumber: '1Z999AA10123456784',
    lines: [
      { lineNumber: 1, sku: 'TOOL-A', quantity: 5 },
      { lineNumber: 2, sku: 'TOOL-B', quantity: 3 },
    ],
  });
});

test('the same 945 dropped again, as the same file or in a new interchange, is still one shipment', async () => {
  const [request] = await t.app.services.fulfillment.listForOrder(firstOrder);
  const advice = (control: number) =>
    shipAdvice(control, {
      fulfillmentRequestId: request!.id,
      shipmentNumber: 'SH-9001',
      shipDate: new Date(t.clock.now()).toISOString().slice(0, 10),
      carrierScac: 'UPSN',
      trackingNumber: '1Z999AA10123456784',
      lines: [
        { lineNumber: 1, sku: 'TOOL-A', ordered: 5, shipped: 5 },
        { lineNumber: 2, sku: 'TOOL-B', ordered: 3, shipped: 3 },
      ],
    });
  writeFileSync(join(dir('wh', 'in'), '945-1-again.edi'), readFileSync(join(dir('wh', 'archive'), readdirSync(dir('wh', 'archive'))[0]!, '945-1.edi')));
  writeFileSync(join(dir('wh', 'in'), '945-1-resent.edi'), advice(702));
  assert.deepEqual(await pollTwice(), { processed: 2, partial: 0, rejected: 0, retrying: 0 });
  assert.equal((await getJson(`/v1/orders/${firstOrder}/shipments`)).items.length, 1);
  await dispatch(4);
  assert.equal((await getJson(`/v1/orders/${firstOrder}/invoices`)).items.length, 1);
  assert.equal(list('acme', 'out', 'ACME-856-').length, 1);
});

test('an over-shipment, or a request at a location the 3PL does not operate, is refused and reported in the file report', async () => {
  const { id, request } = await released('PO-3PL-2', [{ lineNumber: 1, sku: 'TOOL-A', quantity: 2 }]);
  writeFileSync(
    join(dir('wh', 'in'), '945-over.edi'),
    shipAdvice(703, { fulfillmentRequestId: request.id, shipmentNumber: 'SH-9002', shipDate: '2026-01-01', lines: [{ lineNumber: 1, sku: 'TOOL-A', ordered: 2, shipped: 3 }] }),
  );
  assert.equal((await pollTwice()).rejected, 1);
  const report = JSON.parse(readFileSync(join(dir('wh', 'error'), '945-over.edi.report.json'), 'utf8')) as FileReport;
  assert.deepEqual(report.problems.map((p) => [p.code, p.line]), [['over_shipment', 4]], 'ST, W06, LX, then the W12');
  assert.equal((await getJson(`/v1/orders/${id}/shipments`)).items.length, 0);
  assert.equal((await getJson(`/v1/orders/${id}`)).state, 'released');

  // A 3PL confirms only requests at locations it operates: with the location no longer its, the
  // same request is unknown to it.
  const { catalog } = t.app.services;
  const { version: _v, createdAt: _c, updatedAt: _u, tradingPartnerCode: _p, ...location } = (await catalog.locations.get('DC-3PL')) as unknown as Record<string, unknown>;
  await catalog.locations.update('DC-3PL', location as never);
  writeFileSync(
    join(dir('wh', 'in'), '945-not-theirs.edi'),
    shipAdvice(704, { fulfillmentRequestId: request.id, shipmentNumber: 'SH-9003', shipDate: '2026-01-01', lines: [{ lineNumber: 1, sku: 'TOOL-A', ordered: 2, shipped: 2 }] }),
  );
  assert.equal((await pollTwice()).rejected, 1);
  const refused = JSON.parse(readFileSync(join(dir('wh', 'error'), '945-not-theirs.edi.report.json'), 'utf8')) as FileReport;
  assert.deepEqual(refused.problems.map((p) => p.code), ['not_found']);
  assert.equal((await getJson(`/v1/orders/${id}/shipments`)).items.length, 0);
  await catalog.locations.update('DC-3PL', { ...(location as object), tradingPartnerCode: 'WH3PL' } as never);
});

test('cancelling an order released to the 3PL sends a 940 cancelling it', async () => {
  const { id, request } = await released('PO-3PL-3', [{ lineNumber: 1, sku: 'TOOL-B', quantity: 1 }]);
  const res = await t.app.http.inject({ method: 'POST', url: `/v1/orders/${id}/cancel`, headers: t.as('customer_service'), payload: { reason: 'customer called' } });
  assert.equal(res.statusCode, 200, res.body);
  await dispatch(3);
  const orders = list('wh', 'out', 'WH3PL-940-').map((name) => readWarehouseOrder(read('wh', name).interchanges[0]!.groups[0]!.sets[0]!.segments)!);
  const forRequest = orders.filter((o) => o.fulfillmentRequestId === request.id);
  assert.deepEqual(forRequest.map((o) => [o.purpose, o.lines.map((l) => [l.sku, l.quantity])]), [['original', [['TOOL-B', 1]]], ['cancel', [['TOOL-B', 1]]]]);
  assert.equal(element(read('wh', list('wh', 'out', 'WH3PL-940-').at(-1)!).interchanges[0]!.groups[0]!.sets[0]!.segments[1]!, 1), 'C');
});
