import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { ManualClock } from '../../platform/clock.ts';
import { AppError, type ErrorCode } from '../../platform/errors.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { seededRandom } from '../../platform/random.ts';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { builtinPolicyKinds, creditPolicy, holdsPolicy } from './builtin-kinds.ts';
import { createPolicyService, type PolicyService } from './policies.service.ts';
import { definePolicyKind, type Actor } from './policies.types.ts';

let t: TestStore;
let clock: ManualClock;
let policies: PolicyService;
let seed = 0;
/**
 * A second node. On PostgreSQL it has its own connection pool; SQLite serves one process, so there it
 * shares the connection (a second SQLite connection would fail with SQLITE_BUSY, not test anything).
 */
const otherNode = () => makeService(testStoreKind === 'postgres' ? t.reopen().db : t.store.db);
// Each service plays a node with its own id generator (seeded apart, so their ids never collide).
const makeService = (db = t.store.db) =>
  createPolicyService({ db, kind: testStoreKind, clock, ids: uuidV7Generator(clock, seededRandom(++seed)), kinds: builtinPolicyKinds });
before(async () => {
  t = await createTestStore();
  clock = new ManualClock(Date.UTC(2026, 2, 1));
  policies = makeService();
});
after(async () => t.dispose());

const alice: Actor = { keyId: 'key-alice', name: 'Alice (admin)' };
const bob: Actor = { keyId: 'key-bob', name: 'Bob (admin)' };

const rejectsWith = (code: ErrorCode, check?: (error: AppError) => void) => (error: unknown) => {
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.code, code, error.message);
  check?.(error);
  return true;
};

const credit = (overrides: Partial<z.input<typeof creditPolicy.schema>> = {}) => ({ ...creditPolicy.defaults, ...overrides });

test(`defaults apply as version 0 until a version is activated (${testStoreKind})`, async () => {
  const active = await policies.active('credit');
  assert.deepEqual(active, { kind: 'credit', version: 0, status: 'default', document: creditPolicy.defaults, activatedAt: null });
  const typed = await policies.activeOf(holdsPolicy);
  assert.equal(typed.document.credit.ownerRole, 'finance');
  assert.deepEqual(await policies.list('credit'), []);
  const summary = await policies.summary();
  assert.deepEqual(summary.map((s) => s.kind), ['credit', 'holds', 'invoicing', 'pricing', 'returns', 'short_ship']);
  assert.ok(summary.every((s) => s.active.version === 0 && s.description.length > 0));
});

test(`propose validates and numbers versions; activation retires the previous one with who and when (${testStoreKind})`, async () => {
  await assert.rejects(
    policies.propose('holds', { ...holdsPolicy.defaults, credit: { ownerRole: 'finance', slaHours: 0 } }, null, alice),
    rejectsWith('validation_failed', (e) => {
      assert.equal(e.details[0]!.path, 'document.credit.slaHours');
      assert.match(e.message, /^document\.credit\.slaHours: /);
    }),
  );
  await assert.rejects(policies.propose('credit', { ...credit(), extra: 1 }, null, alice), rejectsWith('validation_failed', (e) => assert.equal(e.details[0]!.path, 'document.extra')));
  await assert.rejects(policies.propose('credit', { exposureToleranceRatio: 0.1 }, null, alice), rejectsWith('validation_failed', (e) => {
    assert.deepEqual(e.details[0], { path: 'document.holdSlaHours', message: 'required' });
  }));
  await assert.rejects(policies.propose('nope', {}, null, alice), rejectsWith('not_found', (e) => assert.match(e.message, /known kinds: credit, holds/)));

  const v1 = await policies.propose('credit', credit({ exposureToleranceRatio: 0.05 }), '  5 % tolerance  ', alice);
  assert.equal(v1.version, 1);
  assert.equal(v1.status, 'draft');
  assert.equal(v1.comment, '5 % tolerance');
  assert.deepEqual(v1.createdBy, alice);
  assert.equal(v1.createdAt, '2026-03-01T00:00:00.000Z');
  assert.equal((await policies.active('credit')).version, 0, 'a draft is not in force');

  clock.advance(60_000);
  const activated = await policies.activate('credit', 1, bob);
  assert.equal(activated.status, 'active');
  assert.deepEqual(activated.activatedBy, bob);
  assert.equal(activated.activatedAt, '2026-03-01T00:01:00.000Z');
  const inForce = await policies.active('credit');
  assert.equal(inForce.version, 1);
  assert.equal((inForce.document as { exposureToleranceRatio: number }).exposureToleranceRatio, 0.05);
  assert.deepEqual(await policies.activate('credit', 1, alice), activated, 'activating the active version again changes nothing');

  const v2 = await policies.propose('credit', credit({ exposureToleranceRatio: 0.1, holdSlaHours: 8 }), undefined, alice);
  assert.equal(v2.version, 2);
  assert.equal(v2.comment, null);
  clock.advance(60_000);
  await policies.activate('credit', 2, alice);
  const history = await policies.list('credit');
  assert.deepEqual(history.map((v) => [v.version, v.status, v.retiredAt]), [
    [2, 'active', null],
    [1, 'retired', '2026-03-01T00:02:00.000Z'],
  ]);
  assert.equal((await policies.active('credit')).version, 2);
  await assert.rejects(policies.activate('credit', 1, alice), rejectsWith('invalid_state'));
  await assert.rejects(policies.activate('credit', 9, alice), rejectsWith('not_found'));
  await assert.rejects(policies.get('credit', 9), rejectsWith('not_found'));
  assert.equal((await policies.get('credit', 1)).status, 'retired');

  const diff = await policies.diff('credit', 1, 2);
  assert.deepEqual(diff.changes, [
    { path: 'exposureToleranceRatio', change: 'changed', before: 0.05, after: 0.1 },
    { path: 'holdSlaHours', change: 'changed', before: 4, after: 8 },
  ]);
  assert.deepEqual((await policies.diff('credit', 0, 1)).changes.map((c) => c.path), ['exposureToleranceRatio']);
  await assert.rejects(policies.diff('credit', 1, 7), rejectsWith('not_found', (e) => assert.equal(e.details[0]!.path, 'to')));
});

test(`at most one version of a kind is active, enforced by the store itself (${testStoreKind})`, async () => {
  const v1 = await policies.propose('invoicing', { mode: 'on_completion' }, null, alice);
  const v2 = await policies.propose('invoicing', { mode: 'per_shipment' }, null, alice);
  await policies.activate('invoicing', v1.version, alice);
  await assert.rejects(t.store.db.updateTable('policies').set({ status: 'active' }).where('kind', '=', 'invoicing').where('version', '=', v2.version).execute());
});

test(`concurrent activations of two versions leave exactly one active (${testStoreKind})`, async () => {
    const other = otherNode();
  for (let round = 0; round < 5; round++) {
    const a = await policies.propose('short_ship', { remainder: 'cancel' }, null, alice);
    const b = await other.propose('short_ship', { remainder: 'resource' }, null, bob);
    const outcomes = await Promise.allSettled([policies.activate('short_ship', a.version, alice), other.activate('short_ship', b.version, bob)]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'fulfilled'], JSON.stringify(outcomes));
    const active = (await policies.list('short_ship')).filter((v) => v.status === 'active');
    assert.equal(active.length, 1, `round ${round}`);
    assert.ok([a.version, b.version].includes(active[0]!.version));
  }
  const versions = (await policies.list('short_ship')).map((v) => v.version);
  assert.deepEqual(versions, [...new Set(versions)], 'concurrent proposals take distinct versions');
});

test(`concurrent proposals take consecutive versions (${testStoreKind})`, async () => {
  const other = otherNode();
  const made = await Promise.all(
    Array.from({ length: 6 }, (_, i) => (i % 2 ? policies : other).propose('pricing', { varianceToleranceRatio: i / 100, holdSlaHours: 8 }, null, alice)),
  );
  assert.deepEqual(made.map((v) => v.version).sort((x, y) => x - y), [1, 2, 3, 4, 5, 6]);
});

test(`another node sees an activation once its cache is older than a few seconds (${testStoreKind})`, async () => {
  const other = otherNode();
  assert.equal((await other.active('returns')).version, 0);
  const v1 = await policies.propose('returns', { windowDays: 60, reasonCodes: ['DAMAGED'], restockInspectionRequired: false }, null, alice);
  await policies.activate('returns', v1.version, alice);
  assert.equal((await policies.active('returns')).version, 1, 'the activating node sees it at once');
  assert.equal((await other.active('returns')).version, 0, 'the other node serves its cache');
  clock.advance(5_001);
  assert.equal((await other.active('returns')).version, 1);
});

test(`a kind registered by another module works like a built-in one (${testStoreKind})`, async () => {
  const sourcing = definePolicyKind({
    kind: 'test_sourcing',
    description: 'A made-up kind, as the orders domain registers its sourcing policy.',
    schema: z.strictObject({
      maxSplits: z.number().int().min(0).max(10).describe('Most locations one line may ship from'),
      weights: z.strictObject({ distance: z.number().min(0), cost: z.number().min(0) }),
    }),
    defaults: { maxSplits: 2, weights: { distance: 1, cost: 1 } },
  });
  policies.registerPolicyKind(sourcing);
  assert.throws(() => policies.registerPolicyKind(sourcing), /already registered/);
  assert.throws(() => policies.registerPolicyKind({ ...sourcing, kind: 'Bad Name' }), /not a valid kind name/);
  assert.throws(() => policies.registerPolicyKind({ ...sourcing, kind: 'broken', defaults: { maxSplits: -1, weights: { distance: 1, cost: 1 } } }), /broken.*maxSplits/);

  assert.deepEqual(await policies.activeOf(sourcing), { kind: 'test_sourcing', version: 0, status: 'default', document: sourcing.defaults, activatedAt: null });
  await assert.rejects(policies.propose('test_sourcing', { maxSplits: 2, weights: { distance: -1, cost: 1 } }, null, alice), rejectsWith('validation_failed', (e) => {
    assert.equal(e.details[0]!.path, 'document.weights.distance');
  }));
  const v1 = await policies.propose('test_sourcing', { maxSplits: 0, weights: { distance: 2, cost: 1 } }, 'ship complete', alice);
  await policies.activate('test_sourcing', v1.version, alice);
  const active = await policies.activeOf(sourcing);
  assert.equal(active.version, 1);
  assert.equal(active.document.maxSplits, 0);
  const schema = policies.jsonSchema('test_sourcing') as { properties: Record<string, { description?: string }> };
  assert.equal(schema.properties['maxSplits']!.description, 'Most locations one line may ship from');
});

test('every built-in kind documents every field and its defaults pass its schema', () => {
  for (const kind of builtinPolicyKinds) {
    assert.ok(kind.schema.safeParse(kind.defaults).success, kind.kind);
    const undocumented: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      for (const [key, child] of Object.entries((node['properties'] ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child['description'] !== 'string') undocumented.push(`${kind.kind}.${path}${key}`);
        walk(child, `${path}${key}.`);
      }
    };
    walk(policies.jsonSchema(kind.kind), '');
    assert.deepEqual(undocumented, []);
  }
});
