import type { Random } from '../platform/random.ts';

/**
 * The faults one seed injects into a tiny simulated run, drawn from the seed alone so a failing seed
 * replays exactly. Pure: no I/O, no clock. The plan covers the run's fault steps; the steps after
 * them ("healing") inject nothing, so the hub can finish what the faults interrupted.
 *
 * Per message (each request the network sends, in the order it sends them): delivered once, or
 * duplicated (a second copy arrives some steps later, after newer messages), held back (the sender's
 * transport queues it and delivers it some steps later, so newer messages overtake it), or dropped
 * and redelivered (lost on the way; the transport notices the missing answer and sends it again).
 * Per run: windows in which the hub cannot be reached (queued messages wait), forward clock jumps,
 * database statements that fail, and at most one crash between two writes.
 */
export type MessageFault =
  | { kind: 'none' }
  | { kind: 'duplicate'; afterSteps: number }
  | { kind: 'hold'; afterSteps: number }
  | { kind: 'drop'; afterSteps: number };

/** A write statement that fails: an error the caller sees (`error`), or the process dying after it (`crash`). */
export interface DbFault {
  step: number;
  /** The Nth write statement (1-based) of the step fails. */
  nthWrite: number;
  kind: 'error' | 'crash';
}

export interface FaultPlan {
  seed: number;
  /** Steps that inject faults; after them the run heals. */
  faultSteps: number;
  /** Steps in which the hub is unreachable, as [from, to) step indexes. */
  outages: Array<{ from: number; to: number }>;
  /** Extra milliseconds the clock jumps forward at the start of a step, by step index. */
  clockJumps: Map<number, number>;
  dbFaults: DbFault[];
  /** Draws the fault of the next message (in send order). */
  nextMessage(): MessageFault;
}

export interface FaultRates {
  duplicate: number;
  hold: number;
  drop: number;
  /** Chance that a step has a failing statement. */
  dbError: number;
  /** Chance that the run has one crash. */
  crash: number;
  /** Chance that the run has an outage window. */
  outage: number;
  /** Chance that a step starts with a clock jump. */
  clockJump: number;
}

export const defaultFaultRates: FaultRates = { duplicate: 0.08, hold: 0.08, drop: 0.05, dbError: 0.15, crash: 0.6, outage: 0.4, clockJump: 0.1 };

/** A plain integer in [min, max]. */
const int = (random: Random, min: number, max: number): number => min + Math.floor(random.next() * (max - min + 1));

/** The seed's fault plan over `faultSteps` steps. Run-level faults are drawn first, then messages lazily from the same stream. */
export function planFaults(seed: number, random: Random, faultSteps: number, rates: FaultRates = defaultFaultRates): FaultPlan {
  const outages: FaultPlan['outages'] = [];
  if (random.next() < rates.outage) {
    const from = int(random, 0, Math.max(0, faultSteps - 2));
    outages.push({ from, to: Math.min(faultSteps, from + int(random, 1, 3)) });
  }
  const clockJumps = new Map<number, number>();
  const dbFaults: DbFault[] = [];
  for (let step = 0; step < faultSteps; step++) {
    // Jumps of 1–6 hours: enough to pass reservation expiries, SLAs and due timers in one go.
    if (random.next() < rates.clockJump) clockJumps.set(step, int(random, 1, 6) * 3_600_000);
    if (random.next() < rates.dbError) dbFaults.push({ step, nthWrite: int(random, 1, 40), kind: 'error' });
  }
  if (random.next() < rates.crash) {
    const step = int(random, 0, faultSteps - 1);
    // One crash per run, and not in a step that already fails a statement (the two would mask each other).
    const others = dbFaults.filter((f) => f.step !== step);
    dbFaults.length = 0;
    dbFaults.push(...others, { step, nthWrite: int(random, 1, 60), kind: 'crash' });
  }
  return {
    seed,
    faultSteps,
    outages,
    clockJumps,
    dbFaults,
    nextMessage() {
      const u = random.next();
      const afterSteps = int(random, 1, 3);
      if (u < rates.duplicate) return { kind: 'duplicate', afterSteps };
      if (u < rates.duplicate + rates.hold) return { kind: 'hold', afterSteps };
      if (u < rates.duplicate + rates.hold + rates.drop) return { kind: 'drop', afterSteps };
      return { kind: 'none' };
    },
  };
}

export const inOutage = (plan: FaultPlan, step: number): boolean => plan.outages.some((o) => step >= o.from && step < o.to);

/** The plan in words, for a failing seed's report. */
export function describePlan(plan: FaultPlan): string {
  const parts = [
    `${plan.faultSteps} fault steps`,
    plan.outages.length ? `outage steps ${plan.outages.map((o) => `${o.from}–${o.to - 1}`).join(', ')}` : 'no outage',
    plan.clockJumps.size ? `clock jumps ${[...plan.clockJumps].map(([s, ms]) => `step ${s} +${ms / 3_600_000}h`).join(', ')}` : 'no clock jump',
    plan.dbFaults.length ? `db faults ${plan.dbFaults.map((f) => `step ${f.step} write #${f.nthWrite} ${f.kind}`).join(', ')}` : 'no db fault',
  ];
  return parts.join('; ');
}
