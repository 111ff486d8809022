import type { Executor, StoreKind } from '../platform/db/store.ts';
import { checkLedger, checkLedgerSnapshot, takeLedgerSnapshot, type LedgerSnapshot } from './invariants.ledger.ts';
import { checkOrders } from './invariants.orders.ts';
import { checkEffectsOnce, checkTimers } from './invariants.platform.ts';

/**
 * The invariants of DESIGN §10, checked against what a hub has stored. The seeded simulation runs
 * this after every step and the crash soak after its last restart; both need the same answer on
 * SQLite and PostgreSQL, so every check is a plain read followed by arithmetic in TypeScript.
 *
 * Each check returns violations rather than throwing, so one run reports every broken invariant
 * with the object it concerns instead of stopping at the first. What each invariant means here, and
 * what cannot be checked from stored state alone, is written down in docs/invariants.md.
 */

export type InvariantId = 'I1' | 'I2' | 'I3' | 'I4' | 'I5' | 'I6' | 'I7' | 'I8' | 'I9' | 'I10';

export interface Violation {
  invariant: InvariantId;
  /** The object concerned, as `kind:id` (`order:…`, `position:SKU@LOC`, `reservation:…`, `timer:…`). */
  subject: string;
  message: string;
}

export interface InvariantReport {
  ok: boolean;
  violations: Violation[];
}

export interface CheckOptions {
  /**
   * An earlier `takeLedgerSnapshot`: I10 then checks that every movement it saw is still stored,
   * unchanged. Without it I10 is limited to what one reading shows (no gaps in the ledger's order).
   */
  ledgerSnapshot?: LedgerSnapshot;
  /**
   * When the check runs, on the hub's clock (epoch ms). A timer that fired with `fired_at` later
   * than this is reported too. Defaults to no such bound.
   */
  now?: number;
  /** Only these invariants; all when absent. */
  only?: readonly InvariantId[];
}

export { takeLedgerSnapshot, type LedgerSnapshot };

/** Checks I1–I10 against the store and reports every violation found. */
export async function checkInvariants(db: Executor, kind: StoreKind, options: CheckOptions = {}): Promise<InvariantReport> {
  const wanted = (id: InvariantId) => options.only === undefined || options.only.includes(id);
  const violations: Violation[] = [];
  if (['I1', 'I2', 'I3', 'I4'].some((id) => wanted(id as InvariantId))) violations.push(...(await checkLedger(db)));
  if (wanted('I10')) violations.push(...(await checkLedgerSnapshot(db, options.ledgerSnapshot)));
  if (['I4', 'I6', 'I7', 'I8'].some((id) => wanted(id as InvariantId))) violations.push(...(await checkOrders(db)));
  if (wanted('I5')) violations.push(...(await checkEffectsOnce(db, kind)));
  if (wanted('I9')) violations.push(...(await checkTimers(db, options.now)));
  const kept = violations.filter((v) => wanted(v.invariant));
  return { ok: kept.length === 0, violations: kept };
}

/** A report as lines of text, for assertion messages and the simulator's replay instructions. */
export function describeViolations(report: InvariantReport, max = 50): string {
  if (report.ok) return 'all invariants hold';
  const shown = report.violations.slice(0, max).map((v) => `${v.invariant} ${v.subject}: ${v.message}`);
  if (report.violations.length > max) shown.push(`… and ${report.violations.length - max} more`);
  return shown.join('\n');
}
