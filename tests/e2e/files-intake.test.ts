import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileConnector, type FileConnector, type FileReport } from '../../src/connectors/files/index.ts';
import { parseConfig } from '../../src/config.ts';
import { AppError, ExternalError } from '../../src/platform/errors.ts';
import { uuidV7Generator } from '../../src/platform/ids.ts';
import { seededRandom } from '../../src/platform/random.ts';
import { seedSampleCatalog } from '../fixtures/catalog.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * Watched folders end to end, on real directories and the selected store: files dropped into `in/`
 * become orders and inventory movements through the inbox, once, however often they are dropped or
 * taken; bad files land in `error/` with a report naming row and column.
 */
const root = mkdtempSync(join(tmpdir(), 'crossdock-files-'));
const folders = [
  { name: 'acme-orders', kind: 'csv-orders', path: join(root, 'acme-orders'), csv: { defaults: { channel: 'EDI', partnerCode: 'ACME' } } },
  { name: 'wms-events', kind: 'csv-inventory-events', path: join(root, 'wms-events'), csv: { delimiter: ';' } },
  { name: 'wms-counts', kind: 'csv-inventory-snapshot', path: join(root, 'wms-counts') },
  { name: 'slow-orders', kind: 'csv-orders', path: join(root, 'slow-orders'), settleMs: 60_000, csv: { defaults: { channel: 'EDI', partnerCode: 'ACME' } } },
] as const;
const dir = (folder: string, sub: string) => join(root, folder, sub);

let t: TestApp;
before(async () => {
  t = await createTestApp({ config: { files: { folders: folders.map((f) => ({ ...f, csv: 'csv' in f ? f.csv : {} })) } } });
  await seedSampleCatalog(t.app.services.catalog);
  await t.app.services.inventory.availability.refreshMasterData();
});
after(async () => {
  await t.dispose();
  rmSync(root, { recursive: true, force: true });
});

const files = () => t.app.services.files;
/** A file is taken at the second look, when it has not changed since the first. */
async function pollTwice(connector: FileConnector = files()) {
  await connector.pollFolders();
  return connector.pollFolders();
}
const list = (folder: string, sub: string) => (existsSync(dir(folder, sub)) ? readdirSync(dir(folder, sub)).sort() : []);
const archived = (folder: string) => list(folder, 'archive').flatMap((day) => readdirSync(join(dir(folder, 'archive'), day)).map((name) => `${day}/${name}`));
const reportOf = (folder: string, name: string) => JSON.parse(readFileSync(join(dir(folder, 'error'), `${name}.report.json`), 'utf8')) as FileReport;
const ordersNumbered = async (externalOrderNumber: string) =>
  (await t.app.http.inject({ method: 'GET', url: `/v1/orders?externalOrderNumber=${externalOrderNumber}`, headers: t.as('viewer') })).json().items as Array<{ id: string; lines: Array<Record<string, unknown>> }>;
const drop = (folder: string, name: string, content: string | Buffer) => writeFileSync(join(dir(folder, 'in'), name), content);
const day = '2026-01-01';

const ordersCsv =
  '\uFEFFexternal_order_number,customerCode,shipToCode,lineNumber,partnerItem,sku,quantity,unit,notes\r\n' +
  'CSV-1,CUST-ACME,ST-001,1,AC-778,,2,CS,"Dock 4, ring ""twice""\r\nthen wait"\r\n' +
  'CSV-2,CUST-ACME,ST-001,1,,SKU-2,5,,\r\n' +
  'CSV-1,CUST-ACME,ST-001,2,,SKU-1,3,,\r\n';

test('an orders CSV becomes canonical orders once, even when the same file is dropped twice', async () => {
  await files().pollFolders();
  drop('acme-orders', 'orders-1.csv', ordersCsv);
  assert.deepEqual(await files().pollFolders(), { processed: 0, partial: 0, rejected: 0, retrying: 0 }, 'not taken at the first look');
  assert.deepEqual(list('acme-orders', 'in'), ['orders-1.csv']);
  assert.equal((await files().pollFolders()).processed, 1);

  const [first] = await ordersNumbered('CSV-1');
  assert.ok(first, 'order CSV-1 was created');
  assert.deepEqual(first.lines.map((l) => [l.lineNumber, l.sku, l.orderedQuantity]), [[1, 'SKU-1', 24], [2, 'SKU-1', 3]], 'rows grouped by order number, partner item and case converted at intake');
  assert.equal((await ordersNumbered('CSV-2')).length, 1);
  assert.deepEqual(list('acme-orders', 'in'), []);
  assert.deepEqual(list('acme-orders', 'work'), []);
  assert.deepEqual(archived('acme-orders'), [`${day}/orders-1.csv`]);
  assert.equal(readFileSync(join(dir('acme-orders', 'archive'), day, 'orders-1.csv'), 'utf8'), ordersCsv, 'archived byte for byte');

  drop('acme-orders', 'orders-1-resent.csv', ordersCsv);
  drop('acme-orders', 'orders-1.csv', ordersCsv);
  assert.equal((await pollTwice()).processed, 2);
  assert.equal((await ordersNumbered('CSV-1')).length, 1, 'still one order CSV-1');
  assert.equal((await ordersNumbered('CSV-2')).length, 1);
  assert.deepEqual(archived('acme-orders'), [`${day}/orders-1-2.csv`, `${day}/orders-1-resent.csv`, `${day}/orders-1.csv`], 'an archived file is never replaced');
  const messages = await t.testStore.store.db.selectFrom('inbox_messages').select(['dedupe_key']).where('source', '=', 'file:acme-orders').execute();
  assert.equal(messages.length, 2, 'one inbox message per order, however often the file came');
});

test('a bad orders file goes to error/ with a report naming row, column and problem; nothing is taken in', async () => {
  const bad =
    'externalOrderNumber,customerCode,shipToCode,sku,quantity,requestedDeliveryDate\n' +
    'BAD-1,CUST-ACME,ST-001,SKU-1,ten,2026-03-01\n' +
    'BAD-1,CUST-OTHER,ST-001,SKU-1,1,2026-02-30\n' +
    'BAD-2,,ST-001,SKU-1,1,\n' +
    'GOOD-1,CUST-ACME,ST-001,SKU-1,1,\n';
  drop('acme-orders', 'bad.csv', bad);
  assert.equal((await pollTwice()).rejected, 1);
  assert.deepEqual(list('acme-orders', 'error'), ['bad.csv', 'bad.csv.report.json', 'bad.csv.report.txt']);
  assert.equal(readFileSync(join(dir('acme-orders', 'error'), 'bad.csv'), 'utf8'), bad, 'the raw file is kept');
  const report = reportOf('acme-orders', 'bad.csv');
  assert.equal(report.outcome, 'rejected');
  assert.deepEqual(
    report.problems.map((p) => [p.row, p.column, p.code]),
    [
      [2, 'quantity', 'bad_number'],
      [3, 'requestedDeliveryDate', 'bad_date'],
      [3, 'customerCode', 'conflicting_value'],
      [4, 'customerCode', 'missing_value'],
    ],
  );
  assert.deepEqual(report.messages, []);
  const text = readFileSync(join(dir('acme-orders', 'error'), 'bad.csv.report.txt'), 'utf8');
  assert.match(text, /row 2, column quantity: expected a whole number, got "ten" \[bad_number\]/);
  assert.equal((await ordersNumbered('GOOD-1')).length, 0, 'a file with a bad row is rejected whole');
});

test('an order the intake refuses is named by its row and column in the report, with its inbox message', async () => {
  drop('acme-orders', 'unknown-item.csv', 'externalOrderNumber,customerCode,shipToCode,sku,quantity\nUNK-1,CUST-ACME,ST-001,SKU-1,1\nUNK-1,CUST-ACME,ST-001,NOPE,2\n');
  assert.equal((await pollTwice()).rejected, 1);
  const report = reportOf('acme-orders', 'unknown-item.csv');
  assert.equal(report.problems.length, 1);
  const [problem] = report.problems;
  assert.deepEqual([problem!.row, problem!.column, problem!.code], [3, 'sku', 'unknown_item']);
  assert.equal(problem!.messageId, report.messages[0]!.messageId);
  const inbox = await t.app.http.inject({ method: 'GET', url: `/v1/inbox/${problem!.messageId}`, headers: t.as('integration') });
  assert.equal(inbox.json().status, 'failed', 'the order waits in the inbox to be fixed and replayed');
});

test('inventory events from CSV change ATP; bad rows are reported and the good rows are taken in', async () => {
  const atp = async (sku: string) => {
    const res = await t.app.http.inject({ method: 'GET', url: `/v1/availability/${sku}`, headers: t.as('viewer') });
    return res.json().locations.find((l: { locationCode: string }) => l.locationCode === 'DC-EAST')?.buckets.onHand ?? 0;
  };
  const before = await atp('SKU-1');
  const events =
    'source;sequence;type;sku;locationCode;quantity;unit;occurredAt\n' +
    'WMS-EAST;1;receipt;SKU-1;DC-EAST;2;CA;2026-01-01T00:00:00Z\n' +
    'WMS-EAST;2;receipt;SKU-2;DC-EAST;x;;2026-01-01T00:00:00Z\n' +
    'WMS-EAST;3;receipt;SKU-1;DC-EAST;6;;2026-01-01T00:00:00Z\n' +
    'WMS-EAST;4;receipt;NOPE;DC-EAST;6;;2026-01-01T00:00:00Z\n';
  drop('wms-events', 'events.csv', events);
  assert.equal((await pollTwice()).partial, 1);
  // Sequence 3 waits behind the gap the bad row left in the source's sequence.
  assert.equal((await atp('SKU-1')) - before, 24, 'two cases arrived');
  const report = reportOf('wms-events', 'events.csv');
  assert.equal(report.outcome, 'partial');
  assert.deepEqual(report.problems.map((p) => [p.row, p.column, p.code]), [[3, 'quantity', 'bad_number'], [5, 'sku', 'unknown_sku']]);

  // The same file again changes nothing: the batch is a known inbox message.
  drop('wms-events', 'events-again.csv', events);
  await pollTwice();
  assert.equal((await atp('SKU-1')) - before, 24);

  // The corrected row fills the gap, and the event held behind it follows.
  drop('wms-events', 'events-fix.csv', 'source;sequence;type;sku;locationCode;quantity;occurredAt\nWMS-EAST;2;receipt;SKU-2;DC-EAST;1;2026-01-01T00:00:00Z\n');
  assert.equal((await pollTwice()).processed, 1);
  assert.equal((await atp('SKU-1')) - before, 30, 'and six units');
});

test('a snapshot CSV reconciles on-hand to the count', async () => {
  const onHand = async () =>
    (await t.testStore.store.db.selectFrom('inventory_positions').select(['on_hand']).where('sku', '=', 'SKU-2').where('location_code', '=', 'DC-EAST').executeTakeFirst())?.on_hand ?? 0;
  drop('wms-counts', 'count.csv', 'source,locationCode,asOf,sku,onHand\nWMS-EAST,DC-EAST,2026-01-01T00:00:00Z,SKU-2,7\n');
  assert.equal((await pollTwice()).processed, 1);
  assert.equal(await onHand(), 7);
  assert.deepEqual(archived('wms-counts'), [`${day}/count.csv`]);
});

test('a file still being written is not taken; temporary names never are; a settle time waits on the clock', async () => {
  const name = 'growing.csv';
  drop('acme-orders', name, 'externalOrderNumber,customerCode,shipToCode,sku,quantity\n');
  drop('acme-orders', '.hidden.csv', 'x');
  drop('acme-orders', 'upload.csv.part', 'x');
  await files().pollFolders();
  appendFileSync(join(dir('acme-orders', 'in'), name), 'GROW-1,CUST-ACME,ST-001,SKU-1,1\n');
  await files().pollFolders();
  assert.deepEqual(list('acme-orders', 'in'), ['.hidden.csv', name, 'upload.csv.part'], 'changed since the last look: left alone');
  assert.equal((await files().pollFolders()).processed, 1);
  assert.equal((await ordersNumbered('GROW-1')).length, 1);
  assert.deepEqual(list('acme-orders', 'in'), ['.hidden.csv', 'upload.csv.part']);

  drop('slow-orders', 'slow.csv', 'externalOrderNumber,customerCode,shipToCode,sku,quantity\nSLOW-1,CUST-ACME,ST-001,SKU-1,1\n');
  await pollTwice();
  t.clock.advance(59_999);
  await files().pollFolders();
  assert.deepEqual(list('slow-orders', 'in'), ['slow.csv'], 'unchanged, but not yet for the settle time');
  t.clock.advance(1);
  assert.equal((await files().pollFolders()).processed, 1);
  assert.equal((await ordersNumbered('SLOW-1')).length, 1);
});

/** A second connector over the same folders and database: another node, or this one after a restart. */
function anotherNode(seed: number): FileConnector {
  const config = parseConfig({ files: { folders: folders.map((f) => ({ ...f, csv: 'csv' in f ? f.csv : {} })) } });
  return createFileConnector({ db: t.testStore.store.db, clock: t.clock, ids: uuidV7Generator(t.clock, seededRandom(seed)), inbox: t.app.services.inbox, config: config.files });
}

test('a file left in work/ by a crash is taken again at start and takes effect exactly once', async () => {
  // Crashed after delivering its orders, before archiving: the orders exist already.
  drop('acme-orders', 'delivered.csv', 'externalOrderNumber,customerCode,shipToCode,sku,quantity\nCRASH-1,CUST-ACME,ST-001,SKU-1,1\n');
  await pollTwice();
  const content = readFileSync(join(dir('acme-orders', 'archive'), day, 'delivered.csv'));
  writeFileSync(join(dir('acme-orders', 'work'), '0190a000-0000-7000-8000-000000000001__delivered.csv'), content);
  // Crashed right after claiming: nothing of it was delivered.
  writeFileSync(join(dir('acme-orders', 'work'), '0190a000-0000-7000-8000-000000000002__claimed.csv'), 'externalOrderNumber,customerCode,shipToCode,sku,quantity\nCRASH-2,CUST-ACME,ST-001,SKU-1,1\n');

  const restarted = anotherNode(11);
  assert.equal((await restarted.pollFolders()).processed, 2);
  assert.deepEqual(list('acme-orders', 'work'), []);
  assert.equal((await ordersNumbered('CRASH-1')).length, 1);
  assert.equal((await ordersNumbered('CRASH-2')).length, 1);
  assert.ok(archived('acme-orders').includes(`${day}/claimed.csv`));
  assert.deepEqual(await restarted.pollFolders(), { processed: 0, partial: 0, rejected: 0, retrying: 0 }, 'nothing is taken twice');
});

test('two nodes polling the same folder take each file once', async () => {
  const other = anotherNode(12);
  for (let i = 1; i <= 6; i++) drop('acme-orders', `race-${i}.csv`, `externalOrderNumber,customerCode,shipToCode,sku,quantity\nRACE-${i},CUST-ACME,ST-001,SKU-1,1\n`);
  await Promise.all([files().pollFolders(), other.pollFolders()]);
  const [mine, theirs] = await Promise.all([files().pollFolders(), other.pollFolders()]);
  assert.equal(mine.processed + theirs.processed, 6);
  const taken = await t.testStore.store.db.selectFrom('file_intake').select(['file_name']).where('file_name', 'like', 'race-%').execute();
  assert.equal(taken.length, 6, 'each file was taken by one node only');
  for (let i = 1; i <= 6; i++) assert.equal((await ordersNumbered(`RACE-${i}`)).length, 1);
});

test('when the inbox cannot be reached the file stays in work/, owned, and is taken in on a later pass', async () => {
  const real = t.app.services.inbox;
  let down = true;
  const flaky = { ...real, receiveAndProcess: (input: Parameters<typeof real.receiveAndProcess>[0]) => (down ? Promise.reject(new Error('connection reset')) : real.receiveAndProcess(input)) };
  const config = parseConfig({ files: { folders: [folders[0]] } });
  const node = createFileConnector({ db: t.testStore.store.db, clock: t.clock, ids: uuidV7Generator(t.clock, seededRandom(14)), inbox: flaky, config: config.files });
  await node.pollFolders();
  drop('acme-orders', 'outage.csv', 'externalOrderNumber,customerCode,shipToCode,sku,quantity\nOUT-1,CUST-ACME,ST-001,SKU-1,1\n');
  drop('acme-orders', 'outage-2.csv', 'externalOrderNumber,customerCode,shipToCode,sku,quantity\nOUT-2,CUST-ACME,ST-001,SKU-1,1\n');
  await node.pollFolders();
  assert.deepEqual(await node.pollFolders(), { processed: 0, partial: 0, rejected: 0, retrying: 1 });
  assert.equal(list('acme-orders', 'work').length, 1, 'the first file waits in work/');
  assert.equal(list('acme-orders', 'in').filter((n) => n.startsWith('outage')).length, 1, 'the other is not claimed while the inbox is down');
  const [health] = await node.folderHealth();
  assert.equal(health!.status, 'unavailable');
  assert.match(health!.scanError ?? '', /could not take in outage(-2)?\.csv: connection reset/);
  assert.equal(health!.filesInWork, 1);

  down = false;
  assert.equal((await node.pollFolders()).processed, 2);
  assert.deepEqual(list('acme-orders', 'work'), []);
  assert.equal((await ordersNumbered('OUT-1')).length, 1);
  assert.equal((await ordersNumbered('OUT-2')).length, 1);
  assert.equal((await node.folderHealth())[0]!.scanError, null);
});

test('folder health shows waiting files, last success, last error and the error count', async () => {
  drop('acme-orders', 'waiting.csv', 'x');
  const res = await t.app.http.inject({ method: 'GET', url: '/v1/integrations/folders', headers: t.as('viewer') });
  assert.equal(res.statusCode, 200, res.body);
  const health = res.json().items.find((f: { name: string }) => f.name === 'acme-orders');
  assert.equal(health.filesWaiting, 1);
  assert.equal(health.filesInWork, 0);
  assert.equal(health.filesInError, 2);
  assert.equal(health.errorCount, 2);
  assert.ok(health.processedCount >= 5);
  assert.equal(health.lastSuccessAt, '2026-01-01T00:01:00.000Z');
  assert.equal(health.lastError.file, 'unknown-item.csv');
  assert.match(health.lastError.message, /NOPE/);
  assert.equal(health.status, 'attention');
  assert.equal(health.scanError, null);
  const wms = res.json().items.find((f: { name: string }) => f.name === 'wms-events');
  assert.deepEqual([wms.errorCount, wms.processedCount, wms.lastError.outcome], [2, 1, 'partial'], 'the events file and its resend were partial; the fix was taken in whole');
  assert.equal((await t.app.http.inject({ method: 'GET', url: '/v1/integrations/folders', headers: t.as('warehouse') })).statusCode, 403);
  const { secret } = await t.app.services.keys.create({ name: 'acme viewer', roles: ['viewer'], partnerCode: 'ACME' });
  const scoped = await t.app.http.inject({ method: 'GET', url: '/v1/integrations/folders', headers: { authorization: `Bearer ${secret}` } });
  assert.deepEqual([scoped.statusCode, scoped.json().error.code], [403, 'forbidden'], 'a partner-scoped key would see every partner\'s folders');
});

test('an outbound file is written whole into out/ and never replaces another', async () => {
  const { path } = await files().writeOutbound('acme-orders', '855-0001.x12', 'ISA*00*~');
  assert.equal(readFileSync(path, 'utf8'), 'ISA*00*~');
  assert.deepEqual(list('acme-orders', 'out'), ['855-0001.x12'], 'no temporary file is left behind');
  await assert.rejects(files().writeOutbound('acme-orders', '855-0001.x12', 'other'), (e: unknown) => e instanceof AppError && e.code === 'already_exists');
  assert.equal(readFileSync(path, 'utf8'), 'ISA*00*~');
  for (const name of ['../escape.x12', '.hidden', 'a/b']) {
    await assert.rejects(files().writeOutbound('acme-orders', name, 'x'), (e: unknown) => e instanceof AppError && e.code === 'validation_failed');
  }
  await assert.rejects(files().writeOutbound('nope', 'a.x12', 'x'), (e: unknown) => e instanceof AppError && e.code === 'not_found');
});

test('an out folder that is not a folder is a retryable fault naming the path, not a file already there', async () => {
  // A share not mounted: a plain file stands where the out folder should be.
  const out = dir('acme-orders', 'out');
  rmSync(out, { recursive: true, force: true });
  writeFileSync(out, 'not mounted');
  try {
    await assert.rejects(files().writeOutbound('acme-orders', '855-0002.x12', 'ISA*00*~'), (e: unknown) => {
      assert.ok(e instanceof ExternalError, `an external fault, not ${String(e)}`);
      assert.equal(e.retryable, true);
      assert.match(e.message, /out is not a folder/);
      return true;
    });
  } finally {
    rmSync(out, { force: true });
    mkdirSync(out, { recursive: true });
  }
  // Put right, the same file is written.
  const { path } = await files().writeOutbound('acme-orders', '855-0002.x12', 'ISA*00*~');
  assert.equal(readFileSync(path, 'utf8'), 'ISA*00*~');
});

test('a kind without a parser sends its files to error/; a registered parser hands its messages to the inbox', async () => {
  const path = join(root, 'edi-acme');
  const config = parseConfig({ files: { folders: [{ name: 'edi-acme', kind: 'x12', path, partnerCode: 'ACME' }] } });
  const make = () => createFileConnector({ db: t.testStore.store.db, clock: t.clock, ids: uuidV7Generator(t.clock, seededRandom(13)), inbox: t.app.services.inbox, config: config.files });
  const bare = make();
  await bare.pollFolders();
  writeFileSync(join(path, 'in', 'first.edi'), 'ISA*first~');
  await pollTwice(bare);
  assert.equal(reportOf('edi-acme', 'first.edi').problems[0]!.code, 'no_parser');

  const seen: string[] = [];
  const withParser = make();
  withParser.registerKind('x12', async (file) => {
    seen.push(`${file.folder.partnerCode}:${file.name}`);
    return { messages: [{ part: 'ST-0001', messageType: 'test.x12-not-handled', contentType: 'application/edi-x12', payload: 'ISA*second~' }], problems: [] };
  });
  mkdirSync(join(path, 'in'), { recursive: true });
  writeFileSync(join(path, 'in', 'second.edi'), 'ISA*second~');
  await pollTwice(withParser);
  assert.deepEqual(seen, ['ACME:second.edi']);
  // An X12 folder of a partner delivers as the partner's EDI, whatever the transport.
  const stored = await t.testStore.store.db.selectFrom('inbox_messages').select(['source', 'dedupe_key', 'status']).where('source', '=', 'edi:ACME').execute();
  assert.equal(stored.length, 1);
  assert.match(stored[0]!.dedupe_key, /^sha256:[0-9a-f]{64}#ST-0001$/);
  // No handler is registered for the test's message type, so the message failed and the file is in error/.
  assert.equal(stored[0]!.status, 'failed');
  assert.equal(reportOf('edi-acme', 'second.edi').outcome, 'rejected');
});
