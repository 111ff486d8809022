import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linksOf, mergeRelated, summarize } from './context.rules.ts';
import { exceptionsPolicyKind } from './exceptions.policy.ts';
import { builtinRegistry, effectiveRegistry } from './exceptions.registry.ts';
import { actVerdict, actionAllowed, assignVerdict, claimVerdict, isVisibleTo, mayWork } from './exceptions.rules.ts';
import { builtinActions, escalationChainSchema, exceptionActions, exceptionTypes, workingRoleSchema } from './exceptions.types.ts';

test('the registry defines every exception type: an owner who can work, an SLA, a valid chain, a base priority and actions', () => {
  assert.deepEqual(Object.keys(builtinRegistry).sort(), [...exceptionTypes].sort());
  for (const type of exceptionTypes) {
    const d = builtinRegistry[type];
    assert.equal(d.type, type);
    assert.ok(workingRoleSchema.safeParse(d.ownerRole).success, `${type}: owner ${d.ownerRole}`);
    assert.ok(d.slaMinutes > 0, `${type}: SLA`);
    assert.ok(escalationChainSchema.safeParse(d.escalation).success, `${type}: escalation chain`);
    assert.ok(d.basePriority >= 0 && d.basePriority <= 300, `${type}: base priority`);
    assert.ok(d.actions.length > 0 && new Set(d.actions).size === d.actions.length, `${type}: actions`);
    assert.ok(d.title && d.clearsWhen, `${type}: title and clearing condition`);
  }
  const used = new Set(exceptionTypes.flatMap((t) => builtinRegistry[t].actions));
  assert.deepEqual(exceptionActions.filter((a) => !used.has(a)), [], 'every action is allowed somewhere');
  assert.ok(builtinActions.every((a) => used.has(a)));
});

test('the exceptions policy validates its defaults and overrides owner, SLA, escalation and base priority per type', () => {
  const defaults = exceptionsPolicyKind.schema.parse(exceptionsPolicyKind.defaults);
  assert.deepEqual(effectiveRegistry(defaults.types), builtinRegistry);
  const doc = exceptionsPolicyKind.schema.parse({
    ...defaults,
    types: { credit_hold: { ownerRole: 'customer_service', slaMinutes: 30, escalation: [{ role: 'finance', afterBreachMinutes: 0 }, { role: 'admin', afterBreachMinutes: 60 }] } },
  });
  const registry = effectiveRegistry(doc.types);
  assert.equal(registry.credit_hold.ownerRole, 'customer_service');
  assert.equal(registry.credit_hold.slaMinutes, 30);
  assert.deepEqual(registry.credit_hold.escalation.map((s) => s.role), ['finance', 'admin']);
  assert.deepEqual(registry.credit_hold.actions, builtinRegistry.credit_hold.actions, 'actions are not configurable');
  assert.deepEqual(registry.stock_shortage, builtinRegistry.stock_shortage, 'other types keep their definitions');
});

test('the exceptions policy refuses unknown types and fields, a viewer owner and a chain out of order', () => {
  const base = exceptionsPolicyKind.defaults;
  const refused = (types: unknown) => exceptionsPolicyKind.schema.safeParse({ ...base, types }).success === false;
  assert.ok(refused({ lost_pallet: {} }));
  assert.ok(refused({ credit_hold: { colour: 'red' } }));
  assert.ok(refused({ credit_hold: { ownerRole: 'viewer' } }));
  assert.ok(refused({ credit_hold: { slaMinutes: 0 } }));
  assert.ok(refused({ credit_hold: { escalation: [{ role: 'admin', afterBreachMinutes: 60 }, { role: 'finance', afterBreachMinutes: 60 }] } }));
  assert.ok(refused({ credit_hold: { escalation: [{ role: 'viewer', afterBreachMinutes: 0 }] } }));
  assert.ok(!refused({ credit_hold: { escalation: [] } }), 'an empty chain is allowed: the breach is counted, nothing escalates');
});

test('the summary says what happened, why, the impact and the options; links name each related object once', () => {
  const now = Date.UTC(2026, 0, 10, 12);
  const summary = summarize(
    builtinRegistry.credit_hold,
    {
      subject: { type: 'order', id: 'o-1' },
      rootCause: { code: 'credit_limit_exceeded', message: 'exposure 12,000.00 exceeds the limit 10,000.00' },
      priorityInputs: { customerTier: 'key', orderValue: { amountMinor: 123_456, currency: 'USD' }, promiseDate: '2026-01-11', risk: 'high' },
      facts: { customerCode: 'C-1', exposureMinor: 1_200_000, nested: { ignored: true } },
    },
    now,
  );
  assert.equal(summary.what, 'Credit hold on order o-1 (customerCode C-1, exposureMinor 1200000)');
  assert.equal(summary.why, 'exposure 12,000.00 exceeds the limit 10,000.00');
  assert.equal(summary.impact, 'key customer; 1,234.56 USD at stake; promise date 2026-01-11, 36 h away; risk high');
  assert.deepEqual(summary.options.map((o) => o.action), ['release_hold', 'keep_hold']);
  assert.equal(summarize(builtinRegistry.credit_hold, { subject: { type: 'order', id: 'o-1' }, headline: 'Order PO-7 held', rootCause: { code: 'x', message: 'y' }, priorityInputs: {}, facts: {} }, now).what, 'Order PO-7 held');

  const links = linksOf({ type: 'order_line', id: 'o-1:2' }, [{ type: 'order', id: 'o-1' }, { type: 'item', id: 'SKU 1' }, { type: 'order', id: 'o-1' }, { type: 'message', id: '17' }]);
  assert.deepEqual(
    links.map((l) => l.href),
    ['/v1/orders/o-1', '/v1/orders/o-1', '/v1/items/SKU%201', '/v1/outbox/dead-letters'],
  );
  assert.deepEqual(mergeRelated([{ type: 'order', id: 'a' }], [{ type: 'order', id: 'a' }, { type: 'item', id: 'b' }]), [
    { type: 'order', id: 'a' },
    { type: 'item', id: 'b' },
  ]);
});

test('who may work an exception: the role of its current level or admin; a partner key sees only its partner', () => {
  assert.ok(mayWork(['finance'], { queueRole: 'finance' }));
  assert.ok(mayWork(['admin'], { queueRole: 'finance' }));
  assert.ok(!mayWork(['customer_service', 'viewer'], { queueRole: 'finance' }));
  assert.ok(!mayWork(['viewer'], { queueRole: 'finance' }));
  assert.ok(isVisibleTo({ partnerCode: null }, { partnerCode: 'ACME' }));
  assert.ok(isVisibleTo({ partnerCode: 'ACME' }, { partnerCode: 'ACME' }));
  assert.ok(!isVisibleTo({ partnerCode: 'ACME' }, { partnerCode: 'GLOBEX' }));
  assert.ok(!isVisibleTo({ partnerCode: 'ACME' }, { partnerCode: null }));
});

test('claims, assignments and actions are refused on closed exceptions; a claim is not taken from another', () => {
  const live = { id: 'e', state: 'open' as const, assignee: null, type: 'credit_hold' as const, allowedActions: builtinRegistry.credit_hold.actions.slice() };
  assert.deepEqual(claimVerdict(live, 'k1'), { ok: true, changed: true });
  const mine = { ...live, state: 'claimed' as const, assignee: { keyId: 'k1', name: 'Ann' } };
  assert.deepEqual(claimVerdict(mine, 'k1'), { ok: true, changed: false });
  assert.deepEqual((claimVerdict(mine, 'k2') as { reason: string }).reason, 'claimed_by_other');
  assert.deepEqual(assignVerdict(mine, { keyId: 'k1', name: 'Ann' }), { ok: true, changed: false });
  assert.deepEqual(assignVerdict(mine, null), { ok: true, changed: true });
  const closed = { ...live, state: 'resolved' as const };
  assert.equal((claimVerdict(closed, 'k1') as { reason: string }).reason, 'closed');
  assert.equal((assignVerdict(closed, null) as { reason: string }).reason, 'closed');
  assert.equal(actVerdict(closed).ok, false);
  assert.equal(actionAllowed(live, 'release_hold').ok, true);
  assert.equal(actionAllowed(live, 'accept_drift').ok, false);
});
