import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decisionSchema } from '../decisions/index.ts';
import { defaultSourcingPolicy, sourcingPolicySchema, type SourcingPolicy, type SourcingPolicyInput } from './sourcing.policy.ts';
import { backorderPriority, decideSourcing, sourcingOutcomes, sourcingReasonCodes, type SourcingCandidate, type SourcingInput, type SourcingLineInput, type SourcingPlan } from './sourcing.rules.ts';

const now = Date.parse('2025-03-10T12:00:00Z');
const ref = { id: 'sourcing-default', version: 3 };

const c = (locationCode: string, atp: number, o: Partial<SourcingCandidate> = {}): SourcingCandidate => ({
  locationCode,
  atp,
  confidence: 1,
  distanceKm: 100,
  shippingCostMinor: 50,
  capacityRemainingLines: 100,
  region: 'EAST',
  ...o,
});
const line = (lineNumber: number, quantity: number, candidates: SourcingCandidate[], o: Partial<SourcingLineInput> = {}): SourcingLineInput => ({
  lineNumber,
  sku: `SKU-${lineNumber}`,
  quantity,
  candidates,
  ...o,
});
const order = (lines: SourcingLineInput[], o: Partial<SourcingInput> = {}, customer: Partial<SourcingInput['customer']> = {}): SourcingInput => ({
  orderId: 'ORD-1',
  orderReceivedAtMs: now - 3 * 86_400_000,
  shipComplete: false,
  promiseDate: '2025-03-14',
  customer: { acceptsSplits: true, acceptsSubstitutions: true, acceptsBackorders: true, tier: 'standard', ...customer },
  lines,
  ...o,
});
const policy = (p: SourcingPolicyInput = {}): SourcingPolicy => sourcingPolicySchema.parse(p);

interface Scenario {
  name: string;
  input: SourcingInput;
  policy?: SourcingPolicyInput;
  /** Per line: outcome, allocations as "LOC:qty" (sku omitted when the line's own), backorder, shortage. */
  expect: Array<{ outcome: string; alloc: string[]; backorder?: number; shortage?: number; approval?: boolean }>;
  reasons: string[];
}

const noComplete = { preferShipComplete: false };

const scenarios: Scenario[] = [
  {
    name: 'the nearest location with all the stock',
    input: order([line(1, 5, [c('B', 10, { distanceKm: 50 }), c('A', 10, { distanceKm: 300 })])]),
    expect: [{ outcome: 'allocate', alloc: ['B:5'] }],
    reasons: ['ship_complete_preferred'],
  },
  {
    name: 'line by line, the nearest with stock',
    input: order([line(1, 5, [c('B', 10, { distanceKm: 50 }), c('A', 10, { distanceKm: 300 })])]),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['B:5'] }],
    reasons: ['nearest_with_stock'],
  },
  {
    name: 'a cheaper, roomier location beats a slightly nearer one',
    input: order([line(1, 5, [c('A', 10, { distanceKm: 90, shippingCostMinor: 10 }), c('B', 10, { distanceKm: 100, shippingCostMinor: 90 })])]),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['A:5'] }],
    reasons: ['nearest_with_stock'],
  },
  {
    name: 'a nearer but dearer location loses on score',
    input: order([line(1, 5, [c('A', 10, { distanceKm: 95, shippingCostMinor: 100 }), c('B', 10, { distanceKm: 100, shippingCostMinor: 0 })])]),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['B:5'] }],
    reasons: ['best_scored_with_stock'],
  },
  {
    name: 'ties go to the lower location code',
    input: order([line(1, 5, [c('Z', 10), c('M', 10)])]),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['M:5'] }],
    reasons: ['nearest_with_stock'],
  },
  {
    name: 'ship complete preferred: one location for two lines, though each has a nearer one',
    input: order([
      line(1, 5, [c('A', 10, { distanceKm: 10 }), c('C', 10, { distanceKm: 200 })]),
      line(2, 5, [c('B', 10, { distanceKm: 10 }), c('C', 10, { distanceKm: 200 })]),
    ]),
    expect: [
      { outcome: 'allocate', alloc: ['C:5'] },
      { outcome: 'allocate', alloc: ['C:5'] },
    ],
    reasons: ['ship_complete_preferred'],
  },
  {
    name: 'ship complete requested by the customer and possible',
    input: order([line(1, 5, [c('A', 10)]), line(2, 5, [c('A', 10)])], { shipComplete: true }),
    expect: [
      { outcome: 'allocate', alloc: ['A:5'] },
      { outcome: 'allocate', alloc: ['A:5'] },
    ],
    reasons: ['ship_complete_requested'],
  },
  {
    name: 'ship complete requested but impossible: the second line waits rather than ship from elsewhere',
    input: order([line(1, 5, [c('A', 10)]), line(2, 5, [c('B', 10)])], { shipComplete: true }),
    expect: [
      { outcome: 'allocate', alloc: ['A:5'] },
      { outcome: 'backorder', alloc: [], backorder: 5 },
    ],
    reasons: ['ship_complete_not_possible', 'ship_complete_requested', 'backordered'],
  },
  {
    name: 'split across two locations',
    input: order([line(1, 10, [c('A', 6, { distanceKm: 10 }), c('B', 6, { distanceKm: 20 })])]),
    expect: [{ outcome: 'split', alloc: ['A:6', 'B:4'] }],
    reasons: ['split_across_locations', 'insufficient_stock', 'ship_complete_not_possible'],
  },
  {
    name: 'split not accepted: the best single location, the rest backordered',
    input: order([line(1, 10, [c('A', 6, { distanceKm: 10 }), c('B', 7, { distanceKm: 20 })])], {}, { acceptsSplits: false }),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['B:7'], backorder: 3 }],
    reasons: ['partial_stock', 'backordered', 'split_not_accepted'],
  },
  {
    name: 'sourced again for a customer who refuses splits: only the location the order already ships from',
    input: order([line(2, 5, [c('A', 9, { distanceKm: 10 }), c('B', 3, { distanceKm: 20 })])], { shipsFrom: ['B'] }, { acceptsSplits: false }),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['B:3'], backorder: 2 }],
    reasons: ['partial_stock', 'backordered', 'split_not_accepted'],
  },
  {
    name: 'sourced again: the location the order already ships from wins a tie of distance',
    input: order([line(2, 4, [c('A', 9), c('B', 9)])], { shipsFrom: ['B'] }),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['B:4'] }],
    reasons: [],
  },
  {
    name: 'a line below the minimum split quantity is not split',
    input: order([line(1, 3, [c('A', 2), c('B', 2)])]),
    policy: { ...noComplete, minLineQuantityToSplit: 5 },
    expect: [{ outcome: 'allocate', alloc: ['A:2'], backorder: 1 }],
    reasons: ['below_min_split_quantity', 'partial_stock'],
  },
  {
    name: 'max splits reached: a third location is not used',
    input: order([line(1, 10, [c('A', 4, { distanceKm: 10 }), c('B', 4, { distanceKm: 20 }), c('C', 4, { distanceKm: 30 })])]),
    policy: { ...noComplete, maxSplitsPerOrder: 1 },
    expect: [{ outcome: 'split', alloc: ['A:4', 'B:4'], backorder: 2 }],
    reasons: ['max_splits_reached', 'partial_stock', 'backordered'],
  },
  {
    name: 'low-confidence location excluded',
    input: order([line(1, 5, [c('A', 10, { confidence: 0.3, distanceKm: 1 }), c('B', 10)])]),
    policy: noComplete,
    expect: [{ outcome: 'allocate', alloc: ['B:5'] }],
    reasons: ['low_confidence_excluded', 'nearest_with_stock'],
  },
  {
    name: 'beyond the maximum distance',
    input: order([line(1, 5, [c('A', 10, { distanceKm: 900 })])]),
    policy: { ...noComplete, maxDistanceKm: 500 },
    expect: [{ outcome: 'backorder', alloc: [], backorder: 5 }],
    reasons: ['beyond_max_distance', 'backordered'],
  },
  {
    name: 'capacity is consumed across lines',
    input: order([line(1, 5, [c('A', 10, { capacityRemainingLines: 1, distanceKm: 1 }), c('B', 10)]), line(2, 5, [c('A', 10, { capacityRemainingLines: 1, distanceKm: 1 }), c('B', 10)])]),
    policy: noComplete,
    expect: [
      { outcome: 'allocate', alloc: ['A:5'] },
      { outcome: 'allocate', alloc: ['B:5'] },
    ],
    reasons: ['capacity_exhausted'],
  },
  {
    name: 'ATP is consumed across lines of the same SKU',
    input: order([line(1, 6, [c('A', 10)], { sku: 'X' }), line(2, 6, [c('A', 10)], { sku: 'X' })]),
    policy: noComplete,
    expect: [
      { outcome: 'allocate', alloc: ['A:6'] },
      { outcome: 'allocate', alloc: ['A:4'], backorder: 2 },
    ],
    reasons: ['partial_stock'],
  },
  {
    name: 'no stock anywhere',
    input: order([line(1, 5, [c('A', 0)])]),
    expect: [{ outcome: 'backorder', alloc: [], backorder: 5 }],
    reasons: ['no_stock', 'backordered'],
  },
  {
    name: 'a transfer that meets the promise date',
    input: order([line(1, 5, [c('A', 1)], { transfers: [{ fromLocationCode: 'FAR', toLocationCode: 'A', atp: 20, confidence: 1, leadTimeDays: 2 }] })]),
    expect: [{ outcome: 'transfer', alloc: ['FAR:5'] }],
    reasons: ['transfer_meets_promise', 'insufficient_stock'],
  },
  {
    name: 'a transfer that would miss the promise date is not taken',
    input: order([line(1, 5, [c('A', 0)], { transfers: [{ fromLocationCode: 'FAR', toLocationCode: 'A', atp: 20, confidence: 1, leadTimeDays: 9 }] })]),
    expect: [{ outcome: 'backorder', alloc: [], backorder: 5 }],
    reasons: ['transfer_misses_promise', 'backordered'],
  },
  {
    name: 'among equally quick transfers, the one to a location the order already ships from',
    input: order([
      line(1, 5, [c('B', 5)]),
      line(2, 5, [c('A', 0), c('B', 0)], {
        transfers: [
          { fromLocationCode: 'FAR', toLocationCode: 'A', atp: 20, confidence: 1 },
          { fromLocationCode: 'FAR', toLocationCode: 'B', atp: 20, confidence: 1 },
        ],
      }),
    ]),
    policy: noComplete,
    expect: [
      { outcome: 'allocate', alloc: ['B:5'] },
      { outcome: 'transfer', alloc: ['FAR:5'] },
    ],
    reasons: ['transfer_meets_promise'],
  },
  {
    name: 'transfers disabled by policy',
    input: order([line(1, 5, [c('A', 0)], { transfers: [{ fromLocationCode: 'FAR', toLocationCode: 'A', atp: 20, confidence: 1 }] })]),
    policy: { allowTransfers: false },
    expect: [{ outcome: 'backorder', alloc: [], backorder: 5 }],
    reasons: ['transfers_disabled'],
  },
  {
    name: 'a substitute with a healthy margin',
    input: order([line(1, 5, [c('A', 0)], { substitutes: [{ sku: 'SUB-1', marginRatio: 0.35, candidates: [c('A', 10)] }] })]),
    expect: [{ outcome: 'substitute', alloc: ['SUB-1@A:5'], approval: false }],
    reasons: ['substitute_available'],
  },
  {
    name: 'a substitute below the margin threshold needs approval; the first that can serve wins',
    input: order([
      line(1, 5, [c('A', 0)], {
        substitutes: [
          { sku: 'SUB-1', marginRatio: 0.4, candidates: [c('A', 2)] },
          { sku: 'SUB-2', marginRatio: 0.05, candidates: [c('A', 10)] },
        ],
      }),
    ]),
    expect: [{ outcome: 'substitute', alloc: ['SUB-2@A:5'], approval: true }],
    reasons: ['substitute_available', 'substitute_margin_below_threshold'],
  },
  {
    name: 'substitution not accepted by the customer',
    input: order([line(1, 5, [c('A', 0)], { substitutes: [{ sku: 'SUB-1', marginRatio: 0.4, candidates: [c('A', 10)] }] })], {}, { acceptsSubstitutions: false }),
    expect: [{ outcome: 'backorder', alloc: [], backorder: 5 }],
    reasons: ['substitution_not_accepted'],
  },
  {
    name: 'substitution disabled by policy',
    input: order([line(1, 5, [c('A', 0)], { substitutes: [{ sku: 'SUB-1', marginRatio: 0.4, candidates: [c('A', 10)] }] })]),
    policy: { substitution: { enabled: false } },
    expect: [{ outcome: 'backorder', alloc: [], backorder: 5 }],
    reasons: ['substitution_disabled'],
  },
  {
    name: 'backorder not accepted: shortage',
    input: order([line(1, 5, [c('A', 0)])], {}, { acceptsBackorders: false }),
    expect: [{ outcome: 'shortage', alloc: [], shortage: 5 }],
    reasons: ['backorder_not_accepted', 'shortage'],
  },
  {
    name: 'backorders disabled: partial allocation, the rest a shortage',
    input: order([line(1, 5, [c('A', 3)])]),
    policy: { backorder: { enabled: false } },
    expect: [{ outcome: 'allocate', alloc: ['A:3'], shortage: 2 }],
    reasons: ['backorder_disabled', 'partial_stock', 'shortage'],
  },
];

const show = (plan: SourcingPlan, sku: (n: number) => string) =>
  plan.lines.map((l) => ({
    outcome: l.outcome,
    alloc: l.allocations.map((a) => `${a.sku === sku(l.lineNumber) ? '' : `${a.sku}@`}${a.locationCode}:${a.quantity}`),
    backorder: l.backorderQuantity,
    shortage: l.shortageQuantity,
  }));

for (const s of scenarios) {
  test(`sourcing: ${s.name}`, () => {
    const plan = decideSourcing(s.input, policy(s.policy), ref, now);
    const skuOf = (n: number) => s.input.lines.find((l) => l.lineNumber === n)!.sku;
    assert.deepEqual(
      show(plan, skuOf),
      s.expect.map((e) => ({ outcome: e.outcome, alloc: e.alloc, backorder: e.backorder ?? 0, shortage: e.shortage ?? 0 })),
    );
    s.expect.forEach((e, i) => e.approval !== undefined && assert.equal(plan.lines[i]!.requiresApproval, e.approval));
    const codes = new Set(plan.lines.flatMap((l) => l.decision.reasons.map((r) => r.code)));
    for (const r of s.reasons) assert.ok(codes.has(r as never), `expected reason ${r}, got ${[...codes].join(', ')}`);
    for (const l of plan.lines) {
      const stored = decisionSchema.safeParse({ ...l.decision, id: '0195f0a8-0000-7000-8000-000000000000' });
      assert.ok(stored.success, JSON.stringify(stored.error?.issues));
      assert.equal(l.decision.outcome, l.outcome);
      assert.equal(l.decision.policyVersion, 3);
      assert.equal(l.decision.madeBy, 'rule');
      assert.equal(l.decision.appliedAutomatically, !l.requiresApproval);
    }
  });
}

test('the scenarios cover every outcome and every reason code', () => {
  const outcomes = new Set<string>();
  const codes = new Set<string>();
  for (const s of scenarios) {
    const plan = decideSourcing(s.input, policy(s.policy), ref, now);
    for (const l of plan.lines) {
      outcomes.add(l.outcome);
      for (const r of l.decision.reasons) codes.add(r.code);
    }
  }
  assert.deepEqual(sourcingOutcomes.filter((o) => !outcomes.has(o)), []);
  assert.deepEqual(sourcingReasonCodes.filter((r) => !codes.has(r)), []);
});

test('a transfer goes where the order already ships from when that is as quick; a quicker one still wins', () => {
  const transfers = (leadToA: number) => [
    { fromLocationCode: 'FAR', toLocationCode: 'A', atp: 20, confidence: 1, leadTimeDays: leadToA },
    { fromLocationCode: 'FAR', toLocationCode: 'B', atp: 20, confidence: 1, leadTimeDays: 2 },
  ];
  const input = (leadToA: number) => order([line(1, 5, [c('B', 5)]), line(2, 5, [c('A', 0), c('B', 0)], { transfers: transfers(leadToA) })]);
  const same = decideSourcing(input(2), policy(noComplete), ref, now).lines[1]!;
  assert.deepEqual([same.outcome, same.shipFrom, same.transfer?.toLocationCode], ['transfer', ['B'], 'B']);
  const quicker = decideSourcing(input(1), policy(noComplete), ref, now).lines[1]!;
  assert.deepEqual([quicker.outcome, quicker.shipFrom, quicker.transfer?.leadTimeDays], ['transfer', ['A'], 1]);
});

test('backorder priority: tier, promise urgency and order age', () => {
  const p = defaultSourcingPolicy;
  assert.equal(backorderPriority('strategic', '2025-03-10', now, now, p), 40 + 40 + 0);
  assert.equal(backorderPriority('standard', '2025-03-14', now - 5 * 86_400_000, now, p), 20 + (40 - 2 * 4) + 5);
  assert.equal(backorderPriority('unknown', undefined, now - 90 * 86_400_000, now, p), 0 + 0 + 20);
  const plan = decideSourcing(order([line(1, 5, [c('A', 0)])], {}, { tier: 'key' }), p, ref, now);
  assert.equal(plan.lines[0]!.backorderPriority, 30 + 32 + 3);
});

test('the promised day ends at midnight where the goods arrive: transfers and backorder urgency', () => {
  // 03:00 UTC on 10 March 2025; a transfer of four days arrives at 03:00 UTC on the 14th, which is
  // still the 13th in Los Angeles (PDT, seven hours behind).
  const early = Date.parse('2025-03-10T03:00:00Z');
  const input = (o: Partial<SourcingInput>) => order([line(1, 5, [c('A', 0)], { transfers: [{ fromLocationCode: 'FAR', toLocationCode: 'A', atp: 20, confidence: 1, leadTimeDays: 4 }] })], { promiseDate: '2025-03-13', ...o });
  assert.equal(decideSourcing(input({}), defaultSourcingPolicy, ref, early).lines[0]!.outcome, 'backorder', 'past the end of the 13th in UTC');
  const west = decideSourcing(input({ promiseTimeZone: 'America/Los_Angeles' }), defaultSourcingPolicy, ref, early);
  assert.equal(west.lines[0]!.outcome, 'transfer', 'within the 13th in Los Angeles');
  assert.equal(west.lines[0]!.decision.inputs['promiseTimeZone'], 'America/Los_Angeles');
  // 02:00 UTC on the 10th: the 10th ends in under a day in UTC, in over a day in Los Angeles.
  const p = defaultSourcingPolicy;
  const night = Date.parse('2025-03-10T02:00:00Z');
  assert.equal(backorderPriority('standard', '2025-03-10', night, night, p), 20 + 40);
  assert.equal(backorderPriority('standard', '2025-03-10', night, night, p, 'America/Los_Angeles'), 20 + 38);
});

test('the decision records the candidates considered with their scores', () => {
  const plan = decideSourcing(order([line(1, 5, [c('A', 10, { confidence: 0.1 }), c('B', 10)])]), policy(noComplete), ref, now);
  const candidates = plan.lines[0]!.decision.inputs.candidates as Array<{ locationCode: string; score: number; excluded?: string }>;
  assert.deepEqual(candidates.map((x) => [x.locationCode, x.excluded ?? null]), [['B', null], ['A', 'low_confidence_excluded']]);
  assert.ok(candidates.every((x) => typeof x.score === 'number'));
});

// ── Properties ──────────────────────────────────────────────────────────────────────────────────

const locationCodes = ['L1', 'L2', 'L3', 'L4', 'L5'];
const skus = ['S1', 'S2', 'S3'];

/** Per location one confidence, capacity and region; per SKU × location one ATP — as the caller would send. */
const arbWorld = fc.record({
  confidence: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
  capacity: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 5, maxLength: 5 }),
  atp: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 20, maxLength: 20 }),
});
const arbLine = fc.record({
  sku: fc.constantFrom(...skus),
  quantity: fc.integer({ min: 1, max: 40 }),
  locations: fc.subarray(locationCodes, { minLength: 0 }),
  distance: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 5, maxLength: 5 }),
  sub: fc.option(fc.record({ sku: fc.constant('S4'), marginRatio: fc.double({ min: 0, max: 1, noNaN: true }), locations: fc.subarray(locationCodes) })),
  transfer: fc.option(fc.record({ from: fc.constantFrom(...locationCodes), to: fc.constantFrom(...locationCodes), lead: fc.integer({ min: 0, max: 10 }) })),
});
const arbCase = fc.record({
  world: arbWorld,
  lines: fc.array(arbLine, { minLength: 1, maxLength: 6 }),
  shipComplete: fc.boolean(),
  customer: fc.record({ acceptsSplits: fc.boolean(), acceptsSubstitutions: fc.boolean(), acceptsBackorders: fc.boolean(), tier: fc.constantFrom('strategic', 'standard', 'x') }),
  policy: fc.record({
    preferShipComplete: fc.boolean(),
    maxSplitsPerOrder: fc.integer({ min: 0, max: 3 }),
    minLineQuantityToSplit: fc.integer({ min: 2, max: 10 }),
    minConfidence: fc.double({ min: 0, max: 1, noNaN: true }),
    allowTransfers: fc.boolean(),
  }),
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;
const skuIndex = (sku: string) => ['S1', 'S2', 'S3', 'S4'].indexOf(sku);
const atpOf = (w: Case['world'], sku: string, loc: string) => w.atp[skuIndex(sku) * 5 + locationCodes.indexOf(loc)]!;
const candidateAt = (w: Case['world'], sku: string, loc: string, distanceKm: number): SourcingCandidate => {
  const i = locationCodes.indexOf(loc);
  return { locationCode: loc, atp: atpOf(w, sku, loc), confidence: w.confidence[i]!, distanceKm, shippingCostMinor: (i + 1) * 7, capacityRemainingLines: w.capacity[i]!, region: i % 2 ? 'EAST' : 'WEST' };
};
function build(k: Case): SourcingInput {
  return {
    orderId: 'P',
    orderReceivedAtMs: now - 86_400_000,
    shipComplete: k.shipComplete,
    promiseDate: '2025-03-15',
    shipToRegion: 'EAST',
    customer: k.customer,
    lines: k.lines.map((l, n) => ({
      lineNumber: n + 1,
      sku: l.sku,
      quantity: l.quantity,
      candidates: l.locations.map((loc) => candidateAt(k.world, l.sku, loc, l.distance[locationCodes.indexOf(loc)]!)),
      ...(l.sub ? { substitutes: [{ sku: l.sub.sku, marginRatio: l.sub.marginRatio, candidates: l.sub.locations.map((loc) => candidateAt(k.world, 'S4', loc, 100)) }] } : {}),
      ...(l.transfer
        ? { transfers: [{ fromLocationCode: l.transfer.from, toLocationCode: l.transfer.to, atp: atpOf(k.world, l.sku, l.transfer.from), confidence: k.world.confidence[locationCodes.indexOf(l.transfer.from)]!, leadTimeDays: l.transfer.lead }] }
        : {}),
    })),
  };
}

test('property: never more than ATP per SKU × location across lines, nor more than the line quantity; quantities balance', () => {
  fc.assert(
    fc.property(arbCase, (k) => {
      const plan = decideSourcing(build(k), policy(k.policy), ref, now);
      const used = new Map<string, number>();
      for (const l of plan.lines) {
        assert.ok(l.allocatedQuantity <= l.quantity);
        assert.equal(l.allocatedQuantity + l.backorderQuantity + l.shortageQuantity, l.quantity);
        assert.ok(l.backorderQuantity >= 0 && l.shortageQuantity >= 0);
        assert.equal(l.allocations.reduce((s, a) => s + a.quantity, 0), l.allocatedQuantity);
        for (const a of l.allocations) {
          assert.ok(a.quantity > 0);
          used.set(`${a.sku}@${a.locationCode}`, (used.get(`${a.sku}@${a.locationCode}`) ?? 0) + a.quantity);
        }
        if (!k.customer.acceptsBackorders) assert.equal(l.backorderQuantity, 0);
      }
      for (const [key, q] of used) {
        const [sku, loc] = key.split('@') as [string, string];
        assert.ok(q <= atpOf(k.world, sku, loc), `${key}: ${q} > ${atpOf(k.world, sku, loc)}`);
      }
    }),
    { numRuns: 400 },
  );
});

test('property: distinct ship-from locations stay within the split budget, and within capacity', () => {
  fc.assert(
    fc.property(arbCase, (k) => {
      const p = policy(k.policy);
      const plan = decideSourcing(build(k), p, ref, now);
      const max = k.shipComplete || !k.customer.acceptsSplits ? 0 : p.maxSplitsPerOrder;
      assert.ok(plan.splits <= max, `${plan.splits} splits > ${max}`);
      assert.equal(new Set(plan.lines.flatMap((l) => l.shipFrom)).size, plan.shipFrom.length);
      const lines = new Map<string, number>();
      for (const l of plan.lines) for (const loc of l.shipFrom) lines.set(loc, (lines.get(loc) ?? 0) + 1);
      // Capacity binds where the input states it: a location that no candidate describes (a transfer's
      // destination, say) has no limit, as docs/sourcing.md says.
      const described = new Set(build(k).lines.flatMap((l) => l.candidates.map((c) => c.locationCode)));
      for (const [loc, n] of lines) if (described.has(loc)) assert.ok(n <= k.world.capacity[locationCodes.indexOf(loc)]!, `${loc} took ${n} lines`);
    }),
    { numRuns: 400 },
  );
});

test('property: a location below minConfidence is never allocated from', () => {
  fc.assert(
    fc.property(arbCase, (k) => {
      const p = policy(k.policy);
      const plan = decideSourcing(build(k), p, ref, now);
      for (const l of plan.lines) for (const a of l.allocations) assert.ok(k.world.confidence[locationCodes.indexOf(a.locationCode)]! >= p.minConfidence);
    }),
    { numRuns: 400 },
  );
});

test('property: deterministic — the same input gives the same plan, whatever the order lines arrive in', () => {
  fc.assert(
    fc.property(arbCase, (k) => {
      const input = build(k);
      const a = decideSourcing(input, policy(k.policy), ref, now);
      const b = decideSourcing(structuredClone(input), policy(k.policy), ref, now);
      assert.deepEqual(a, b);
      const reversed = decideSourcing({ ...input, lines: [...input.lines].reverse().map((l) => ({ ...l, candidates: [...l.candidates].reverse() })) }, policy(k.policy), ref, now);
      assert.deepEqual(reversed.lines.map((l) => [l.outcome, l.allocations]), a.lines.map((l) => [l.outcome, l.allocations]));
    }),
    { numRuns: 200 },
  );
});

test('property: every decision is a valid decision record', () => {
  fc.assert(
    fc.property(arbCase, (k) => {
      const plan = decideSourcing(build(k), policy(k.policy), ref, now);
      for (const l of plan.lines) assert.ok(decisionSchema.safeParse({ ...l.decision, id: '0195f0a8-0000-7000-8000-000000000000' }).success);
    }),
    { numRuns: 100 },
  );
});
