import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/platform/db/store.ts';
import { checkInvariants, describeViolations, takeLedgerSnapshot, type LedgerSnapshot } from '../../src/simulation/invariants.ts';
import { SoakClient } from './client.ts';
import { HubProcess, killAllHubs } from './hub-process.ts';
import { CHANNEL, CUSTOMER, LOCATIONS, SKUS, SOURCE, confirmShipments, dropOrderFiles, newAcknowledged, placeOrders, postReceipts, seeded } from './load.ts';

/**
 * The crash soak (issue 7, item 6; docs/soak.md): the hub runs as a real process on the embedded
 * store while a simulated network drives it over HTTP and a watched folder, and it is killed with
 * SIGKILL at seeded random moments and started again. Afterwards every acknowledged request and
 * every dropped file has taken effect exactly once, and the invariants I1–I10 hold on what is stored.
 *
 * CROSSDOCK_SOAK_SECONDS sets how long load runs (default 90; longer when the machine is so slow to
 * restart the hub that three kills take more); CROSSDOCK_SOAK_SEED the seed; CROSSDOCK_SOAK_KEEP=1
 * keeps the data directory (its path is printed).
 */

const seconds = Number(process.env['CROSSDOCK_SOAK_SECONDS'] ?? 90);
const seed = Number(process.env['CROSSDOCK_SOAK_SEED'] ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'crossdock-soak-'));
const folder = join(dir, 'partner-orders');
const dbPath = join(dir, 'hub.db');
const MIN_KILLS = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

after(() => {
  killAllHubs();
  if (process.env['CROSSDOCK_SOAK_KEEP'] !== '1') rmSync(dir, { recursive: true, force: true });
});

test(`crash soak: ${seconds} s of load with SIGKILLs (seed ${seed}); every acknowledged effect once, invariants hold`, { timeout: (seconds + 600) * 1000 }, async () => {
  mkdirSync(join(folder, 'in'), { recursive: true });
  const configPath = join(dir, 'crossdock.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      store: { kind: 'sqlite', sqlitePath: dbPath },
      auth: { rateLimitPerMinute: 1_000_000 },
      outbox: { pollIntervalMs: 200 },
      files: { pollIntervalMs: 300, folders: [{ name: 'partner-orders', kind: 'csv-orders', path: folder, csv: { defaults: { channel: CHANNEL } } }] },
    }),
  );
  const hub = new HubProcess(dir, configPath);
  const random = seeded(seed);
  const ack = newAcknowledged();
  let kills = 0;
  let client: SoakClient | undefined;
  const crashChecks: Array<{ kill: number; violations: string; snapshot: LedgerSnapshot }> = [];
  let snapshot: LedgerSnapshot | undefined;
  try {
    await hub.start();
    assert.ok(hub.adminKey, `the first start printed an admin key:\n${hub.log}`);
    client = new SoakClient(hub, () => hub.adminKey!);
    await seedMasterData(client);
    const sender = client;

    let loadRunning = true;
    const running = () => loadRunning;
    const load = [
      placeOrders('DESK1', sender, seeded(seed + 1), ack, running),
      placeOrders('DESK2', sender, seeded(seed + 2), ack, running),
      postReceipts(sender, seeded(seed + 3), ack, running),
      confirmShipments(sender, seeded(seed + 4), ack, running),
      dropOrderFiles(folder, seeded(seed + 5), ack, running),
    ];
    // A load loop that meets an answer it cannot act on stops the others and fails the soak.
    const failures = Promise.all(load).catch((error: unknown) => {
      loadRunning = false;
      throw error;
    });
    // Awaited below; this only keeps an early failure from counting as unhandled meanwhile.
    failures.catch(() => undefined);

    const end = Date.now() + seconds * 1000;
    // At least MIN_KILLS, however slow the machine is to start the hub again.
    while (loadRunning && (Date.now() < end || kills < MIN_KILLS)) {
      await sleep(2_000 + random() * 8_000);
      if (Date.now() >= end && kills >= MIN_KILLS) break;
      await hub.kill();
      kills += 1;
      // What a crash left behind must already satisfy the invariants, and no ledger row written
      // before an earlier crash may have changed since (I10 across restarts).
      crashChecks.push(await checkAfterCrash(dbPath, kills, snapshot));
      snapshot = crashChecks.at(-1)!.snapshot;
      await sleep(random() * 1_500);
      await hub.start();
    }
    loadRunning = false;
    await failures;

    await quiesce(hub, folder);
    await hub.stop();
  } finally {
    await hub.kill();
  }

  const store = openStore({ kind: 'sqlite', sqlitePath: dbPath });
  try {
    const db = store.db;
    const problems: string[] = [];
    // Orders over the API: each acknowledged number is stored once, under the id the hub answered.
    const orders = await db.selectFrom('orders').select(['id', 'external_order_number']).execute();
    const byNumber = new Map<string, string[]>();
    for (const o of orders) byNumber.set(o.external_order_number, [...(byNumber.get(o.external_order_number) ?? []), o.id]);
    for (const [number, id] of ack.orders) {
      const stored = byNumber.get(number) ?? [];
      if (stored.length !== 1 || stored[0] !== id) problems.push(`order ${number}: acknowledged as ${id}, stored as [${stored.join(', ')}]`);
    }
    // Files: each dropped file archived once, nothing left behind or in error, each of its orders stored once.
    const archived = listFiles(join(folder, 'archive'));
    for (const [name, numbers] of ack.files) {
      const copies = archived.filter((f) => f === name).length;
      if (copies !== 1) problems.push(`file ${name} is archived ${copies} times`);
      for (const number of numbers) if ((byNumber.get(number) ?? []).length !== 1) problems.push(`order ${number} from ${name} is stored ${(byNumber.get(number) ?? []).length} times`);
    }
    for (const sub of ['in', 'work', 'error']) {
      const left = listFiles(join(folder, sub));
      if (left.length > 0) problems.push(`${sub}/ still holds ${left.join(', ')}`);
    }
    // Warehouse events: one movement per acknowledged sequence.
    const movements = await db.selectFrom('inventory_movements').select(['source_sequence']).where('source', '=', SOURCE).execute();
    const perSequence = new Map<number, number>();
    for (const m of movements) perSequence.set(Number(m.source_sequence), (perSequence.get(Number(m.source_sequence)) ?? 0) + 1);
    for (const sequence of ack.events) if (perSequence.get(sequence) !== 1) problems.push(`event ${SOURCE}#${sequence} has ${perSequence.get(sequence) ?? 0} movements`);
    // Shipments: each acknowledged number stored once.
    const shipments = await db.selectFrom('shipments').select(['shipment_number']).execute();
    for (const number of ack.shipments) {
      const n = shipments.filter((s) => s.shipment_number === number).length;
      if (n !== 1) problems.push(`shipment ${number} is stored ${n} times`);
    }
    if (ack.refusedShipments.length > 0) problems.push(`shipments refused: ${ack.refusedShipments.slice(0, 5).join('; ')}`);

    for (const c of crashChecks) if (c.violations) problems.push(`after kill ${c.kill}: ${c.violations}`);
    const report = await checkInvariants(db, 'sqlite', snapshot ? { ledgerSnapshot: snapshot } : {});
    const summary = `seed ${seed}, ${seconds} s: ${kills} kills, ${ack.orders.size} API orders, ${ack.files.size} files, ${ack.events.length} receipts, ${ack.shipments.size} shipments, ${client?.retried ?? 0} requests sent again, ${orders.length} orders stored`;
    console.log(`crash soak: ${summary}; data in ${dir}`);
    assert.deepEqual(problems, [], `${summary}\n${problems.slice(0, 40).join('\n')}`);
    assert.ok(report.ok, `${summary}\n${describeViolations(report)}`);
    assert.ok(kills >= MIN_KILLS, `the hub was killed ${kills} times`);
    assert.ok(ack.orders.size > 0 && ack.events.length > 0 && ack.files.size > 0, summary);
  } finally {
    await store.close();
  }
});

/** Checks the invariants on the database a killed hub left, before the next start, and snapshots the ledger. */
async function checkAfterCrash(path: string, kill: number, earlier: LedgerSnapshot | undefined) {
  const store = openStore({ kind: 'sqlite', sqlitePath: path });
  try {
    const report = await checkInvariants(store.db, 'sqlite', earlier ? { ledgerSnapshot: earlier } : {});
    return { kill, violations: report.ok ? '' : describeViolations(report, 10), snapshot: await takeLedgerSnapshot(store.db) };
  } finally {
    await store.close();
  }
}

async function seedMasterData(client: SoakClient): Promise<void> {
  const create = async (path: string, body: unknown) => {
    const answer = await client.send({ method: 'POST', path, body });
    assert.ok(answer.status === 201 || answer.status === 409, `${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  };
  await create('/v1/channels', { code: CHANNEL, name: 'Soak web store', type: 'web_store' });
  for (const code of LOCATIONS) {
    await create('/v1/locations', { code, name: code, type: 'warehouse', region: code, sourceSystem: 'wms', postingMode: 'realtime', cutoffLocalTime: '16:00', timezone: 'America/Chicago' });
  }
  await create('/v1/customers', {
    code: CUSTOMER,
    name: 'Soak customer',
    channels: [CHANNEL],
    creditLimitMinor: 1_000_000_000_000,
    paymentTermsDays: 30,
    shipTos: [{ code: 'ST', name: 'Ship-to', address: { line1: '1 Road', city: 'Town', region: 'TX', postalCode: '75001', country: 'US' } }],
  });
  for (const sku of SKUS) await create('/v1/items', { sku, description: sku, itemClass: 'SOAK', unitCostMinor: 100, listPriceMinor: 200 });
}

/** Waits, with the hub running, until files are taken in and no outbox delivery is pending. */
async function quiesce(hub: HubProcess, folder: string): Promise<void> {
  const store = openStore({ kind: 'sqlite', sqlitePath: join(folder, '..', 'hub.db') });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const pending = await store.db.selectFrom('outbox_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
      const inFlight = listFiles(join(folder, 'in')).length + listFiles(join(folder, 'work')).length;
      if (Number(pending.n) === 0 && inFlight === 0) return;
      if (Date.now() > deadline) throw new Error(`the hub did not settle: ${pending.n} deliveries pending, ${inFlight} files in flight\n${hub.log.slice(-3000)}`);
      await sleep(500);
    }
  } finally {
    await store.close();
  }
}

/** The names of the files under `path`, at any depth (archive/ has a folder per day). */
function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(path, e.name)) : [e.name]));
}
