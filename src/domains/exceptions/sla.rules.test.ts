import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escalationAtMs, slaChangesSince, slaStandingAt, slaStateAt, type SlaPlan, type SlaStateFacts } from './sla.rules.ts';

const MIN = 60_000;
const DUE = Date.UTC(2026, 0, 1, 12);
const plan = (steps: Array<[string, number]>): SlaPlan => ({ slaDueAtMs: DUE, escalation: steps.map(([role, afterBreachMinutes]) => ({ role: role as 'admin', afterBreachMinutes })) });

test('nothing happens before the SLA is due; the breach is at the due instant exactly', () => {
  const p = plan([['procurement', 0], ['admin', 240]]);
  assert.deepEqual(slaStandingAt(p, DUE - 1), { breachCount: 0, level: 0, nextChangeAtMs: DUE });
  assert.deepEqual(slaStandingAt(p, DUE), { breachCount: 1, level: 1, nextChangeAtMs: DUE + 240 * MIN });
  assert.deepEqual(slaStandingAt(p, DUE + 240 * MIN - 1), { breachCount: 1, level: 1, nextChangeAtMs: DUE + 240 * MIN });
  assert.deepEqual(slaStandingAt(p, DUE + 240 * MIN), { breachCount: 2, level: 2, nextChangeAtMs: null });
  assert.deepEqual(slaStandingAt(p, DUE + 10_000 * MIN), { breachCount: 2, level: 2, nextChangeAtMs: null });
});

test('a first step after the breach is a grace period: breached at the due time, escalated later, one breach', () => {
  const p = plan([['admin', 30]]);
  assert.deepEqual(slaStandingAt(p, DUE), { breachCount: 1, level: 0, nextChangeAtMs: DUE + 30 * MIN });
  assert.deepEqual(slaStandingAt(p, DUE + 30 * MIN), { breachCount: 1, level: 1, nextChangeAtMs: null });
  assert.equal(escalationAtMs(p, 1), DUE + 30 * MIN);
});

test('with no escalation chain the breach is still counted, once', () => {
  const p = plan([]);
  assert.deepEqual(slaStandingAt(p, DUE), { breachCount: 1, level: 0, nextChangeAtMs: null });
  const { changes } = slaChangesSince(p, { breachCount: 0, level: 0 }, DUE + 99 * MIN);
  assert.deepEqual(changes, [{ kind: 'sla_breached', breachCount: 1 }]);
});

test('changes since the recorded standing come in order, each once; a late look applies every missed step', () => {
  const p = plan([['procurement', 0], ['planner', 60], ['admin', 120]]);
  const late = slaChangesSince(p, { breachCount: 0, level: 0 }, DUE + 500 * MIN);
  assert.deepEqual(
    late.changes.map((c) => (c.kind === 'escalated' ? `${c.kind}:${c.level}:${c.step.role}:${c.breachCount}` : `${c.kind}:${c.breachCount}`)),
    ['sla_breached:1', 'escalated:1:procurement:1', 'escalated:2:planner:2', 'escalated:3:admin:3'],
  );
  assert.deepEqual(late.standing, { breachCount: 3, level: 3, nextChangeAtMs: null });
  assert.deepEqual(slaChangesSince(p, late.standing, DUE + 600 * MIN).changes, [], 'a second look finds nothing');
});

test('a clock that stepped back changes nothing and never lowers the standing', () => {
  const p = plan([['procurement', 0], ['admin', 60]]);
  const { changes, standing } = slaChangesSince(p, { breachCount: 2, level: 2 }, DUE - 5 * MIN);
  assert.deepEqual(changes, []);
  assert.equal(standing.level, 2);
  assert.equal(standing.breachCount, 2);
});

test('property: looking at any increasing instants, every step applies exactly once and never before its instant', () => {
  const chain = fc
    .uniqueArray(fc.integer({ min: 0, max: 600 }), { maxLength: 5 })
    .map((minutes) => [...minutes].sort((a, b) => a - b).map((m, i) => [`r${i}`, m] as [string, number]));
  fc.assert(
    fc.property(chain, fc.array(fc.integer({ min: -120 * MIN, max: 900 * MIN }), { maxLength: 20 }), (steps, offsets) => {
      const p = plan(steps);
      let recorded = { breachCount: 0, level: 0 };
      const applied: Array<{ at: number; change: string }> = [];
      for (const at of [...offsets].sort((a, b) => a - b).map((o) => DUE + o)) {
        const { changes, standing } = slaChangesSince(p, recorded, at);
        for (const c of changes) {
          if (c.kind === 'sla_breached') assert.ok(at >= DUE, 'breach never early');
          else assert.ok(at >= escalationAtMs(p, c.level), `level ${c.level} never early`);
          applied.push({ at, change: c.kind === 'escalated' ? `L${c.level}` : 'B' });
        }
        recorded = standing;
      }
      const names = applied.map((a) => a.change);
      assert.equal(new Set(names).size, names.length, 'each change once');
      const last = offsets.length === 0 ? -Infinity : DUE + Math.max(...offsets);
      const expected = slaStandingAt(p, last);
      assert.equal(recorded.level, Math.max(0, expected.level));
      assert.equal(recorded.breachCount, expected.breachCount);
    }),
  );
});

/** A live exception raised `windowMinutes` before DUE, with no breach recorded unless told. */
const live = (windowMinutes: number, over: Partial<SlaStateFacts> = {}): SlaStateFacts => ({
  raisedAtMs: DUE - windowMinutes * MIN,
  slaDueAtMs: DUE,
  breachRecorded: false,
  closed: false,
  ...over,
});

test('SLA state: at risk from exactly a quarter of the window left, on track a millisecond before', () => {
  const facts = live(240);
  assert.equal(slaStateAt(facts, facts.raisedAtMs), 'on_track');
  assert.equal(slaStateAt(facts, DUE - 60 * MIN - 1), 'on_track', 'a hair more than a quarter left');
  assert.equal(slaStateAt(facts, DUE - 60 * MIN), 'at_risk', 'exactly a quarter left');
  assert.equal(slaStateAt(facts, DUE - 1), 'at_risk');
});

test('SLA state: breached exactly at the due instant, whether or not the timer has recorded it', () => {
  const facts = live(240);
  assert.equal(slaStateAt(facts, DUE), 'breached', 'past due counts before the SLA timer runs');
  assert.equal(slaStateAt(facts, DUE + 10_000 * MIN), 'breached');
  assert.equal(slaStateAt({ ...facts, breachRecorded: true }, DUE), 'breached');
});

test('SLA state: a recorded breach wins even before the due time (a clock that stepped back, a due time moved later)', () => {
  const facts = live(240, { breachRecorded: true });
  assert.equal(slaStateAt(facts, facts.raisedAtMs), 'breached');
  assert.equal(slaStateAt(facts, DUE - 1), 'breached');
});

test('SLA state: a zero-length window is breached from its raise instant; a due time before the raise too', () => {
  assert.equal(slaStateAt(live(0), DUE), 'breached');
  assert.equal(slaStateAt(live(0), DUE + 1), 'breached');
  assert.equal(slaStateAt(live(-30), DUE + 30 * MIN), 'breached', 'raised already past due (an override)');
});

test('SLA state: a closed exception has none, even past due or with a breach recorded', () => {
  assert.equal(slaStateAt(live(240, { closed: true }), DUE - 200 * MIN), null);
  assert.equal(slaStateAt(live(240, { closed: true, breachRecorded: true }), DUE + MIN), null);
});

test('property: the SLA state never moves back to a better one as time passes', () => {
  const rank = { on_track: 0, at_risk: 1, breached: 2 } as const;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000 }), fc.boolean(), fc.array(fc.integer({ min: -20_000, max: 20_000 }), { minLength: 2, maxLength: 10 }), (windowMinutes, recorded, offsets) => {
      const facts = live(windowMinutes, { breachRecorded: recorded });
      const states = [...offsets].sort((a, b) => a - b).map((o) => rank[slaStateAt(facts, facts.raisedAtMs + o * MIN)!]);
      states.forEach((s, i) => assert.ok(i === 0 || s >= states[i - 1]!));
    }),
  );
});
