import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needOf, planReplenishment, surplusOf, type PositionParameters, type ReplenishmentPosition } from './replenishment.rules.ts';

const ctx = { supplierLeadTimeDays: (code: string) => (code === 'SUP' ? 13 : undefined), transferLeadTimeDays: 2 };
const rop = (reorderPoint: number, reorderQuantity: number, supplierCode: string | null = 'SUP'): PositionParameters => ({
  method: 'reorder_point',
  reorderPoint,
  reorderQuantity,
  min: null,
  max: null,
  supplierCode,
  version: 3,
});
const minMax = (min: number, max: number, supplierCode: string | null = 'SUP'): PositionParameters => ({ method: 'min_max', reorderPoint: null, reorderQuantity: null, min, max, supplierCode, version: 1 });
const at = (locationCode: string, fields: Partial<ReplenishmentPosition>): ReplenishmentPosition => ({ sku: 'A', locationCode, atp: 0, inbound: 0, outbound: 0, backordered: 0, ...fields });

test('reorder point: projected at or below the point orders the reorder quantity, or more when that would not lift it above', () => {
  assert.equal(needOf(at('E', { atp: 11, parameters: rop(10, 20) })), null, 'above the point: nothing');
  assert.equal(needOf(at('E', { atp: 10, parameters: rop(10, 20) }))?.quantity, 20, 'at the point: the reorder quantity');
  // ATP 2 + inbound 3 − backordered 30 = −25; 10 − (−25) + 1 = 36 > 20.
  const deep = needOf(at('E', { atp: 2, inbound: 3, backordered: 30, parameters: rop(10, 20) }));
  assert.equal(deep?.quantity, 36);
  assert.deepEqual(deep?.reasons.map((r) => r.code), ['projected_stock', 'reorder_point_reached']);
  assert.match(deep!.reasons[0]!.message, /ATP 2 \+ inbound 3 − backordered 30 = projected -25/);
});

test('min/max: below the min orders up to the max; at the min nothing', () => {
  assert.equal(needOf(at('E', { atp: 5, parameters: minMax(5, 50) })), null);
  const need = needOf(at('E', { atp: 4, inbound: 1, backordered: 3, parameters: minMax(5, 50) }));
  assert.equal(need?.quantity, 48, 'projected 2, up to 50');
  assert.equal(need?.reasons[1]!.code, 'below_min');
});

test('without parameters only uncovered backorders are a need', () => {
  assert.equal(needOf(at('E', { atp: 4, backordered: 4 })), null);
  assert.equal(needOf(at('E', { atp: 4, inbound: 2, backordered: 9 }))?.quantity, 3);
});

test('surplus is ATP less outbound and own backorders above what the location keeps; none without parameters', () => {
  assert.deepEqual(surplusOf(at('W', { atp: 100, outbound: 10, backordered: 5, parameters: minMax(10, 60) })), { quantity: 25, keep: 60 });
  assert.deepEqual(surplusOf(at('W', { atp: 100, parameters: rop(10, 20) })), { quantity: 70, keep: 30 });
  assert.equal(surplusOf(at('W', { atp: 100 })).quantity, 0);
});

test('a breach with no surplus elsewhere proposes a purchase order to the supplier, with its numbers', () => {
  const plan = planReplenishment([at('E', { atp: 3, parameters: rop(10, 20) }), at('W', { atp: 40, parameters: minMax(10, 60) })], ctx);
  assert.equal(plan.proposals.length, 1);
  const p = plan.proposals[0]!;
  assert.equal(p.kind, 'purchase_order');
  assert.deepEqual([p.locationCode, p.quantity, p.parametersVersion], ['E', 20, 3]);
  assert.equal(p.kind === 'purchase_order' && p.supplierCode, 'SUP');
  assert.deepEqual(p.reasons.map((r) => r.code), ['projected_stock', 'reorder_point_reached', 'purchase_from_supplier']);
  assert.equal(p.inputs['projected'], 3);
});

test('a location whose surplus covers the need gives a transfer instead; the pool is shared by the run', () => {
  const positions = [
    at('E1', { atp: 0, parameters: rop(10, 20) }),
    at('E2', { atp: 0, parameters: rop(10, 20) }),
    at('W', { atp: 95, parameters: minMax(10, 60) }), // 35 to spare
  ];
  const plan = planReplenishment(positions, ctx);
  assert.deepEqual(
    plan.proposals.map((p) => [p.kind, p.locationCode, p.quantity, p.kind === 'transfer' ? p.fromLocationCode : p.supplierCode]),
    [
      ['transfer', 'E1', 20, 'W'],
      // 15 left at W does not cover 20: the second location orders from the supplier.
      ['purchase_order', 'E2', 20, 'SUP'],
    ],
  );
  assert.equal(plan.proposals[0]!.reasons.at(-1)!.code, 'surplus_transfer');
  assert.match(plan.proposals[0]!.reasons.at(-1)!.message, /W holds 35 above the 60 it keeps; a transfer of 20 covers the need in 2 days against 13 from SUP/);
  assert.match(plan.proposals[1]!.reasons.at(-1)!.message, /the most any location can spare is 15 \(W\), less than 20/);
});

test('a location short itself gives nothing; the largest surplus gives first, ties to the lower code', () => {
  const plan = planReplenishment(
    [
      at('E', { atp: 0, parameters: rop(5, 10) }),
      at('X', { atp: 0, backordered: 2, parameters: minMax(0, 1) }),
      at('Y', { atp: 30, parameters: minMax(0, 10) }),
      at('Z', { atp: 30, parameters: minMax(0, 10) }),
    ],
    ctx,
  );
  const fromE = plan.proposals.find((p) => p.locationCode === 'E');
  assert.equal(fromE?.kind === 'transfer' && fromE.fromLocationCode, 'Y');
  const fromX = plan.proposals.find((p) => p.locationCode === 'X');
  assert.equal(fromX?.kind === 'transfer' && fromX.fromLocationCode, 'Z', 'Y has 10 left, Z 20: Z gives');
});

test('a need without a supplier and without surplus is unresolved, not a proposal', () => {
  const plan = planReplenishment([at('E', { atp: 0, backordered: 4 }), at('F', { atp: 0, parameters: rop(1, 5, 'GONE') })], ctx);
  assert.deepEqual(plan.proposals, []);
  assert.deepEqual(
    plan.unresolved.map((u) => [u.locationCode, u.quantity, u.reason]),
    [
      ['E', 4, 'no_supplier'],
      ['F', 5, 'unknown_supplier'],
    ],
  );
});

test('once the proposal counts as inbound the same position needs nothing more', () => {
  const first = planReplenishment([at('E', { atp: 3, backordered: 2, parameters: rop(10, 5) })], ctx);
  const ordered = first.proposals[0]!.quantity;
  assert.equal(ordered, 10, '10 − 1 + 1 to rise above the point');
  assert.deepEqual(planReplenishment([at('E', { atp: 3, backordered: 2, inbound: ordered, parameters: rop(10, 5) })], ctx).proposals, []);
});
