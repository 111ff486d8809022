import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLifecycle, tryTransition, type Lifecycle } from './lifecycle.rules.ts';
import { orderLifecycle, type OrderContext, type OrderEvent, type OrderState } from './order.lifecycle.ts';

const line = (q: Partial<OrderContext['lines'][number]> = {}) => ({ orderedQuantity: 10, allocatedQuantity: 0, shippedQuantity: 0, invoicedQuantity: 0, cancelledQuantity: 0, ...q });
const request = (lines = [line()], openHolds: Parameters<typeof tryTransition>[3]['openHolds'] = []) => ({ context: { lines }, openHolds });

test('the order lifecycle table is sound: every state declared, reachable, and terminal exactly when it has no way out', () => {
  assert.deepEqual(checkLifecycle(orderLifecycle), []);
});

test('the checker finds unknown, unreachable, dead-end and leaky terminal states', () => {
  const broken: Lifecycle<string, string, unknown> = {
    name: 'broken',
    states: ['a', 'b', 'island', 'stuck', 'end'],
    initial: 'a',
    terminal: ['end'],
    transitions: [
      { from: 'a', event: 'go', to: 'b' },
      { from: 'b', event: 'go', to: 'ghost' },
      { from: 'b', event: 'stop', to: 'stuck' },
      { from: 'b', event: 'finish', to: 'end' },
      { from: 'end', event: 'again', to: 'a' },
    ],
  };
  const problems = checkLifecycle(broken).join('\n');
  assert.match(problems, /unknown state ghost/);
  assert.match(problems, /state island cannot be reached/);
  assert.match(problems, /state stuck is neither terminal nor has a way out/);
  assert.match(problems, /terminal state end has transitions out of it/);
});

/** Scenario table: every transition and guard, with the answer expected. */
const scenarios: Array<{ name: string; from: OrderState; event: OrderEvent; lines?: ReturnType<typeof line>[]; holds?: Array<'credit' | 'pricing' | 'compliance' | 'substitution'>; expect: OrderState | string }> = [
  { name: 'validation', from: 'received', event: 'validate', expect: 'validated' },
  { name: 'allocate with stock', from: 'validated', event: 'allocate', lines: [line({ allocatedQuantity: 10 })], expect: 'allocated' },
  { name: 'allocate with nothing allocated', from: 'validated', event: 'allocate', expect: 'nothing_allocated' },
  { name: 'a credit hold blocks allocation', from: 'validated', event: 'allocate', lines: [line({ allocatedQuantity: 10 })], holds: ['credit'], expect: 'held' },
  { name: 'a substitution hold does not block the header', from: 'validated', event: 'allocate', lines: [line({ allocatedQuantity: 10 })], holds: ['substitution'], expect: 'allocated' },
  { name: 'partial allocation', from: 'validated', event: 'allocate_partially', lines: [line({ allocatedQuantity: 4 })], expect: 'partially_allocated' },
  { name: 'backorder', from: 'validated', event: 'backorder', expect: 'backordered' },
  { name: 'supply arrives for a backorder', from: 'backordered', event: 'allocate', lines: [line({ allocatedQuantity: 10 })], expect: 'allocated' },
  { name: 'release', from: 'allocated', event: 'release', lines: [line({ allocatedQuantity: 10 })], expect: 'released' },
  { name: 'a pricing hold blocks release', from: 'allocated', event: 'release', lines: [line({ allocatedQuantity: 10 })], holds: ['pricing'], expect: 'held' },
  { name: 'release of a partial allocation', from: 'partially_allocated', event: 'release', lines: [line({ allocatedQuantity: 4 })], expect: 'released' },
  { name: 'a first shipment', from: 'released', event: 'ship_partially', lines: [line({ allocatedQuantity: 10, shippedQuantity: 4 })], expect: 'partially_shipped' },
  { name: 'ship completely before all shipped', from: 'released', event: 'ship_completely', lines: [line({ allocatedQuantity: 10, shippedQuantity: 4 })], expect: 'not_fully_shipped' },
  { name: 'the last shipment', from: 'partially_shipped', event: 'ship_completely', lines: [line({ allocatedQuantity: 10, shippedQuantity: 10 })], expect: 'shipped' },
  { name: 'a short ship with the rest cancelled completes', from: 'partially_shipped', event: 'ship_completely', lines: [line({ allocatedQuantity: 10, shippedQuantity: 7, cancelledQuantity: 3 })], expect: 'shipped' },
  { name: 'invoice what shipped', from: 'shipped', event: 'invoice', lines: [line({ shippedQuantity: 10, invoicedQuantity: 10 })], expect: 'invoiced' },
  { name: 'invoice that does not match shipped', from: 'shipped', event: 'invoice', lines: [line({ shippedQuantity: 10, invoicedQuantity: 9 })], expect: 'not_fully_invoiced' },
  { name: 'close', from: 'invoiced', event: 'close', lines: [line({ shippedQuantity: 10, invoicedQuantity: 10 })], expect: 'closed' },
  { name: 'cancel before release', from: 'allocated', event: 'cancel', expect: 'cancelled' },
  { name: 'cancel after something shipped', from: 'released', event: 'cancel', lines: [line({ shippedQuantity: 1 })], expect: 'shipped_lines_cannot_be_cancelled' },
  { name: 'no cancel once partially shipped', from: 'partially_shipped', event: 'cancel', expect: 'transition_not_allowed' },
  { name: 'closed is final', from: 'closed', event: 'cancel', expect: 'terminal_state' },
  { name: 'cancelled is final', from: 'cancelled', event: 'validate', expect: 'terminal_state' },
  { name: 'no skipping steps', from: 'received', event: 'release', expect: 'transition_not_allowed' },
  { name: 'cancel at intake', from: 'received', event: 'cancel', expect: 'cancelled' },
  { name: 'cancel after validation', from: 'validated', event: 'cancel', expect: 'cancelled' },
  { name: 'cancel a backorder', from: 'backordered', event: 'cancel', expect: 'cancelled' },
  { name: 'part of a backorder arrives', from: 'backordered', event: 'allocate_partially', lines: [line({ allocatedQuantity: 3 })], expect: 'partially_allocated' },
  { name: 'the rest arrives', from: 'partially_allocated', event: 'allocate', lines: [line({ allocatedQuantity: 10 })], expect: 'allocated' },
  { name: 'cancel a partial allocation', from: 'partially_allocated', event: 'cancel', expect: 'cancelled' },
  { name: 'cancel a release before anything ships', from: 'released', event: 'cancel', expect: 'cancelled' },
  { name: 'everything ships at once', from: 'released', event: 'ship_completely', lines: [line({ allocatedQuantity: 10, shippedQuantity: 10 })], expect: 'shipped' },
  { name: 'another partial shipment', from: 'partially_shipped', event: 'ship_partially', lines: [line({ allocatedQuantity: 10, shippedQuantity: 6 })], expect: 'partially_shipped' },
  { name: 'supply for the backordered rest of a released order', from: 'released', event: 'allocate', lines: [line({ allocatedQuantity: 10 })], expect: 'released' },
  { name: 'part of the rest of a released order', from: 'released', event: 'allocate_partially', lines: [line({ allocatedQuantity: 6 })], expect: 'released' },
  { name: 'a short ship backordered on a released order', from: 'released', event: 'backorder', expect: 'released' },
  { name: 'releasing what was allocated late', from: 'released', event: 'release', lines: [line({ allocatedQuantity: 10 })], expect: 'released' },
  { name: 'a credit hold blocks a late release', from: 'released', event: 'release', lines: [line({ allocatedQuantity: 10 })], holds: ['credit'], expect: 'held' },
  { name: 'supply for the rest after a partial shipment', from: 'partially_shipped', event: 'allocate', lines: [line({ allocatedQuantity: 10, shippedQuantity: 4 })], expect: 'partially_shipped' },
  { name: 'part of the rest after a partial shipment', from: 'partially_shipped', event: 'allocate_partially', lines: [line({ allocatedQuantity: 8, shippedQuantity: 4 })], expect: 'partially_shipped' },
  { name: 'a short ship backordered after a partial shipment', from: 'partially_shipped', event: 'backorder', lines: [line({ allocatedQuantity: 4, shippedQuantity: 4 })], expect: 'partially_shipped' },
  { name: 'releasing the rest after a partial shipment', from: 'partially_shipped', event: 'release', lines: [line({ allocatedQuantity: 10, shippedQuantity: 4 })], expect: 'partially_shipped' },
  { name: 'supply arrives but still none for a backorder', from: 'backordered', event: 'backorder', expect: 'backordered' },
  { name: 'more of a partial allocation, not yet all', from: 'partially_allocated', event: 'allocate_partially', lines: [line({ allocatedQuantity: 7 })], expect: 'partially_allocated' },
  { name: 'a refused substitute leaves part of an allocated order', from: 'allocated', event: 'allocate_partially', lines: [line({ allocatedQuantity: 4 })], expect: 'partially_allocated' },
  { name: 'a refused substitute leaves nothing of an allocated order', from: 'allocated', event: 'backorder', expect: 'backordered' },
  { name: 'a refused substitute leaves nothing of a partial allocation', from: 'partially_allocated', event: 'backorder', expect: 'backordered' },
];

for (const s of scenarios) {
  test(`order lifecycle: ${s.name}`, () => {
    const result = tryTransition(orderLifecycle, s.from, s.event, request(s.lines, s.holds));
    if (result.ok) assert.equal(result.to, s.expect);
    else assert.equal(result.reason, s.expect, result.message);
  });
}

test('every transition in the table is exercised by a scenario that takes it', () => {
  const covered = new Set(scenarios.filter((s) => orderLifecycle.states.includes(s.expect as OrderState)).map((s) => `${s.from}:${s.event}`));
  const uncovered = orderLifecycle.transitions.map((t) => `${t.from}:${t.event}`).filter((k) => !covered.has(k));
  assert.deepEqual(uncovered, []);
});
