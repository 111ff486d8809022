import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, testStoreKind, type TestStore } from '../../../tests/helpers/store.ts';
import { isoTime, ManualClock } from '../../platform/clock.ts';
import { uuidV7Generator } from '../../platform/ids.ts';
import { seededRandom } from '../../platform/random.ts';
import { exceptionSummary, createExceptionQueries } from './exceptions.queries.ts';
import { insertMany } from './exceptions.repo.ts';
import { createExceptionStore } from './exceptions.store.ts';
import type { CrossdockException, SlaState } from './exceptions.types.ts';
import { toRow } from './exceptions.view.ts';
import { slaStateAt } from './sla.rules.ts';

/**
 * The summary counts SLA states in SQL (`countLiveBySla`) while the exception view computes them with
 * `slaStateAt`; they must say the same. Exceptions are stored at each edge of the rule, each under
 * its own partner so a partner-scoped summary counts exactly one, and the clock is set to every
 * instant where some exception changes state (and a millisecond either side).
 */
let t: TestStore;
const clock = new ManualClock(Date.UTC(2026, 3, 1));
const MIN = 60_000;
const DUE = Date.UTC(2026, 3, 1, 12);

interface Case {
  partner: string;
  raisedAtMs: number;
  breachRecorded: boolean;
  closed: boolean;
}

const cases: Case[] = [
  { partner: 'FOUR-HOURS', raisedAtMs: DUE - 240 * MIN, breachRecorded: false, closed: false },
  // A quarter of 4 h and 3 ms is not a whole millisecond: the rule and the SQL must round alike.
  { partner: 'ODD-WINDOW', raisedAtMs: DUE - 240 * MIN - 3, breachRecorded: false, closed: false },
  { partner: 'ONE-MS', raisedAtMs: DUE - 1, breachRecorded: false, closed: false },
  { partner: 'RECORDED-EARLY', raisedAtMs: DUE - 240 * MIN, breachRecorded: true, closed: false },
  { partner: 'ZERO-WINDOW', raisedAtMs: DUE, breachRecorded: false, closed: false },
  { partner: 'DUE-BEFORE-RAISE', raisedAtMs: DUE + 30 * MIN, breachRecorded: false, closed: false },
  { partner: 'CLOSED', raisedAtMs: DUE - 240 * MIN, breachRecorded: true, closed: true },
];

const factsOf = (c: Case) => ({ raisedAtMs: c.raisedAtMs, slaDueAtMs: DUE, breachRecorded: c.breachRecorded, closed: c.closed });

/** The instants where the rule can change for some case: its raise, a quarter of its window before due, due; each ± 1 ms. */
const instants = [
  ...new Set(
    cases
      .flatMap((c) => [c.raisedAtMs, DUE - Math.floor((DUE - c.raisedAtMs) / 4), DUE - Math.ceil((DUE - c.raisedAtMs) / 4), DUE])
      .flatMap((at) => [at - 1, at, at + 1]),
  ),
].sort((a, b) => a - b);

const ids: Record<string, string> = {};

before(async () => {
  t = await createTestStore();
  const next = uuidV7Generator(clock, seededRandom(11));
  const documents = cases.map((c, i): CrossdockException => {
    const id = next.next();
    ids[c.partner] = id;
    return {
      id,
      type: 'credit_hold',
      subject: { type: 'order', id: `o-${i}` },
      related: [],
      state: c.closed ? 'resolved' : 'open',
      partnerCode: c.partner,
      ownerRole: 'finance',
      queueRole: 'finance',
      escalationLevel: 0,
      escalation: [],
      assignee: null,
      priority: 100,
      priorityInputs: {},
      rootCause: { code: 'credit_limit_exceeded', message: 'over the limit' },
      facts: {},
      summary: { what: 'held', why: 'over the limit', impact: 'none', options: [] },
      links: [],
      allowedActions: ['resolve'],
      raisedAt: isoTime(c.raisedAtMs),
      updatedAt: isoTime(c.raisedAtMs),
      slaDueAt: isoTime(DUE),
      slaBreachedAt: c.breachRecorded ? isoTime(Math.min(DUE, c.raisedAtMs)) : null,
      breachCount: c.breachRecorded ? 1 : 0,
      nextEscalationAt: null,
      policyVersion: 0,
      lastRaiseKey: null,
      version: 1,
      closedAt: c.closed ? isoTime(DUE + MIN) : null,
      resolution: null,
    };
  });
  await t.store.db.transaction().execute((tx) => insertMany(tx, documents.map((exception) => toRow({ exception, nextCheckAtMs: null }))));
});
after(async () => t?.dispose());

test(`the summary's SLA counts equal slaStateAt for each exception at each edge (${testStoreKind})`, async () => {
  for (const nowMs of instants) {
    clock.set(nowMs);
    for (const c of cases) {
      const expected = slaStateAt(factsOf(c), nowMs);
      const summary = await exceptionSummary(t.store.db, clock, { partnerCode: c.partner });
      const counted: Record<SlaState, number> = { on_track: 0, at_risk: 0, breached: 0 };
      for (const q of summary.byQueue) {
        counted.on_track += q.onTrack;
        counted.at_risk += q.atRisk;
        counted.breached += q.breached;
      }
      const want: Record<SlaState, number> = { on_track: 0, at_risk: 0, breached: 0 };
      if (expected !== null) want[expected] = 1;
      assert.deepEqual(counted, want, `${c.partner} at due${nowMs - DUE >= 0 ? '+' : ''}${nowMs - DUE} ms: the rule says ${expected}`);
    }
  }
});

test('the edges land where the rule says: a quarter left is at risk, due is breached, a recorded breach is breached early', async () => {
  const at = async (nowMs: number) => {
    clock.set(nowMs);
    const summary = await exceptionSummary(t.store.db, clock, { partnerCode: null });
    const q = summary.byQueue[0]!;
    return { onTrack: q.onTrack, atRisk: q.atRisk, breached: q.breached, total: summary.total };
  };
  // A millisecond more than an hour before due, only RECORDED-EARLY is not on track. ZERO-WINDOW and
  // DUE-BEFORE-RAISE are read before their raise instant (a clock that stepped back): not due yet,
  // and with no window to take a quarter of, on track. At an hour before due FOUR-HOURS has exactly a
  // quarter left, and ODD-WINDOW (a quarter 0.75 ms longer) is at risk from the same millisecond.
  assert.deepEqual(await at(DUE - 60 * MIN - 1), { onTrack: 5, atRisk: 0, breached: 1, total: 6 });
  assert.deepEqual(await at(DUE - 60 * MIN), { onTrack: 3, atRisk: 2, breached: 1, total: 6 });
  assert.deepEqual(await at(DUE), { onTrack: 0, atRisk: 0, breached: 6, total: 6 }, 'past due is breached, recorded or not; the closed one is not counted');
});

test('the view carries the same SLA state: live ones as the rule says, closed ones null', async () => {
  const queries = createExceptionQueries(createExceptionStore({ db: t.store.db, kind: t.store.kind, clock }), clock);
  for (const nowMs of instants) {
    clock.set(nowMs);
    for (const c of cases) {
      const view = await queries.get(ids[c.partner]!, { partnerCode: null });
      assert.equal(view.slaState, slaStateAt(factsOf(c), nowMs), `${c.partner} at due${nowMs - DUE} ms`);
    }
    const page = await queries.list({ sort: 'slaDue', limit: 50 }, { partnerCode: null });
    for (const item of page.items) {
      const c = cases.find((x) => x.partner === item.partnerCode)!;
      assert.equal(item.slaState, slaStateAt(factsOf(c), nowMs));
    }
  }
});
