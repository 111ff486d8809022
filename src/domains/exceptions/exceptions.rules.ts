import type { Role } from '../../platform/auth/roles.ts';
import { isClosed, type CrossdockException, type ExceptionAction, type ExceptionScope } from './exceptions.types.ts';

/**
 * Who may work an exception (claim, assign, act): the role of its current escalation level, or admin.
 * Escalation hands the work over, so the owner of an earlier level no longer may. A viewer never may.
 */
export const mayWork = (roles: readonly Role[], exception: Pick<CrossdockException, 'queueRole'>): boolean =>
  roles.includes('admin') || roles.includes(exception.queueRole);

/** A key scoped to a trading partner sees only that partner's exceptions; an unscoped key sees all. */
export const isVisibleTo = (scope: ExceptionScope, exception: Pick<CrossdockException, 'partnerCode'>): boolean =>
  scope.partnerCode === null || exception.partnerCode === scope.partnerCode;

export type Refusal = { ok: false; reason: 'closed' | 'claimed_by_other' | 'not_allowed'; message: string };

/** Whether the action is one the type allows (the registry's list, fixed when the exception was raised). */
export function actionAllowed(exception: Pick<CrossdockException, 'id' | 'type' | 'allowedActions'>, action: ExceptionAction): { ok: true } | Refusal {
  if (exception.allowedActions.includes(action)) return { ok: true };
  return { ok: false, reason: 'not_allowed', message: `${action} is not an action for a ${exception.type} exception; allowed: ${exception.allowedActions.join(', ')}` };
}

const closedRefusal = (exception: Pick<CrossdockException, 'id' | 'state'>): Refusal => ({ ok: false, reason: 'closed', message: `exception ${exception.id} is ${exception.state}` });

/**
 * Claiming takes an exception for oneself. Claiming one's own claim again changes nothing; taking
 * someone else's is refused (assign it instead, which says so in the audit trail).
 */
export function claimVerdict(exception: Pick<CrossdockException, 'id' | 'state' | 'assignee'>, keyId: string): { ok: true; changed: boolean } | Refusal {
  if (isClosed(exception.state)) return closedRefusal(exception);
  if (exception.assignee === null) return { ok: true, changed: true };
  if (exception.assignee.keyId === keyId) return { ok: true, changed: false };
  return { ok: false, reason: 'claimed_by_other', message: `exception ${exception.id} is claimed by ${exception.assignee.name}; assign it to take it over` };
}

/** Assigning to the current assignee again changes nothing; `null` unassigns. */
export function assignVerdict(exception: Pick<CrossdockException, 'id' | 'state' | 'assignee'>, to: { keyId: string | null; name: string } | null): { ok: true; changed: boolean } | Refusal {
  if (isClosed(exception.state)) return closedRefusal(exception);
  const same = to === null ? exception.assignee === null : exception.assignee !== null && exception.assignee.name === to.name && exception.assignee.keyId === to.keyId;
  return { ok: true, changed: !same };
}

/** Only a live exception can be acted on. */
export const actVerdict = (exception: Pick<CrossdockException, 'id' | 'state'>): { ok: true } | Refusal => (isClosed(exception.state) ? closedRefusal(exception) : { ok: true });
