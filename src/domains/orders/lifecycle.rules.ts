import type { HoldType } from './orders.types.ts';

/**
 * The order lifecycle as data (DESIGN §5, §2.2): a transitions table whose guards return reason
 * codes, checked once at start for unknown, unreachable and dead-end states. Pure: the services ask
 * it whether a move is allowed and record the answer; nothing here touches storage.
 */

export type LifecycleReason =
  | 'transition_not_allowed'
  | 'terminal_state'
  | 'held'
  | 'nothing_allocated'
  | 'not_fully_shipped'
  | 'nothing_shipped'
  | 'not_fully_invoiced'
  | 'shipped_lines_cannot_be_cancelled';

export interface Transition<S extends string, E extends string, C> {
  from: S;
  event: E;
  to: S;
  /** Holds of these types block the move while open. */
  blockedBy?: readonly HoldType[];
  /** Further conditions; null means allowed. */
  guard?: (context: C) => LifecycleReason | null;
}

export interface Lifecycle<S extends string, E extends string, C> {
  name: string;
  states: readonly S[];
  initial: S;
  terminal: readonly S[];
  transitions: ReadonlyArray<Transition<S, E, C>>;
}

export interface TransitionRequest<C> {
  context: C;
  /** Types of the holds open on the subject. */
  openHolds: readonly HoldType[];
}

export type TransitionResult<S extends string> =
  | { ok: true; from: S; to: S }
  | { ok: false; from: S; reason: LifecycleReason; message: string; holds?: HoldType[] };

/** Whether `event` may move a subject in state `from`, and where to. */
export function tryTransition<S extends string, E extends string, C>(
  lifecycle: Lifecycle<S, E, C>,
  from: S,
  event: E,
  request: TransitionRequest<C>,
): TransitionResult<S> {
  if (lifecycle.terminal.includes(from)) {
    return { ok: false, from, reason: 'terminal_state', message: `${lifecycle.name} is ${from}, a final state; ${event} is not possible` };
  }
  const candidates = lifecycle.transitions.filter((t) => t.from === from && t.event === event);
  if (candidates.length === 0) {
    return { ok: false, from, reason: 'transition_not_allowed', message: `${lifecycle.name} in state ${from} cannot take ${event}` };
  }
  // Several rows may share (from, event) with different guards; the first allowed one wins, and
  // when none is, the first row's reason is reported so the same input always gives the same answer.
  let firstRefusal: TransitionResult<S> | undefined;
  for (const t of candidates) {
    const holds = (t.blockedBy ?? []).filter((h) => request.openHolds.includes(h));
    if (holds.length > 0) {
      firstRefusal ??= { ok: false, from, reason: 'held', message: `${lifecycle.name} has open ${holds.join(', ')} hold(s); ${event} waits for their release`, holds };
      continue;
    }
    const reason = t.guard?.(request.context) ?? null;
    if (reason) {
      firstRefusal ??= { ok: false, from, reason, message: `${lifecycle.name} in state ${from} cannot take ${event}: ${reason}` };
      continue;
    }
    return { ok: true, from, to: t.to };
  }
  return firstRefusal!;
}

/** The states a path along the table reaches from `from`, `from` itself included. */
export function reachableFrom<S extends string, E extends string, C>(lifecycle: Lifecycle<S, E, C>, from: string): Set<string> {
  const reached = new Set<string>([from]);
  const queue: string[] = [from];
  while (queue.length > 0) {
    const state = queue.shift()!;
    for (const t of lifecycle.transitions) {
      if (t.from === state && !reached.has(t.to)) {
        reached.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return reached;
}

/**
 * Problems with a table: states it names but does not declare, states no path reaches from the
 * initial one, non-terminal states with no way out, and terminal states with a way out. Run at start;
 * a non-empty answer stops the process.
 */
export function checkLifecycle<S extends string, E extends string, C>(lifecycle: Lifecycle<S, E, C>): string[] {
  const problems: string[] = [];
  const declared = new Set<string>(lifecycle.states);
  for (const t of lifecycle.transitions) {
    for (const s of [t.from, t.to]) if (!declared.has(s)) problems.push(`${lifecycle.name}: transition ${t.from} -${t.event}-> ${t.to} names unknown state ${s}`);
  }
  if (!declared.has(lifecycle.initial)) problems.push(`${lifecycle.name}: initial state ${lifecycle.initial} is not declared`);
  for (const s of lifecycle.terminal) if (!declared.has(s)) problems.push(`${lifecycle.name}: terminal state ${s} is not declared`);

  const reached = reachableFrom(lifecycle, lifecycle.initial);
  for (const s of lifecycle.states) if (!reached.has(s)) problems.push(`${lifecycle.name}: state ${s} cannot be reached from ${lifecycle.initial}`);
  for (const s of lifecycle.states) {
    const outgoing = lifecycle.transitions.some((t) => t.from === s);
    const terminal = lifecycle.terminal.includes(s);
    if (terminal && outgoing) problems.push(`${lifecycle.name}: terminal state ${s} has transitions out of it`);
    if (!terminal && !outgoing) problems.push(`${lifecycle.name}: state ${s} is neither terminal nor has a way out`);
  }
  return problems;
}
