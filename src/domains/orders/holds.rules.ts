import type { Hold, Order } from './orders.types.ts';

export type HoldResolution = 'released' | 'rejected';

export type HoldResolutionResult =
  | { result: 'ok'; order: Order; hold: Hold }
  | { result: 'not_found'; message: string }
  | { result: 'already_resolved'; hold: Hold; message: string };

/**
 * Resolves one hold of an order, once (I4): a hold already released, rejected or expired stays as it
 * was. Pure; the caller saves the order under its row lock, so two resolvers cannot both succeed.
 */
export function resolveHold(order: Order, holdId: string, resolution: HoldResolution, by: string, nowIso: string): HoldResolutionResult {
  const hold = order.holds.find((h) => h.id === holdId);
  if (!hold) return { result: 'not_found', message: `order ${order.id} has no hold ${holdId}` };
  if (hold.resolvedAt !== undefined) {
    return { result: 'already_resolved', hold, message: `hold ${holdId} was ${hold.resolution} at ${hold.resolvedAt} by ${hold.resolvedBy ?? 'someone'}; a hold resolves once` };
  }
  const resolved: Hold = { ...hold, resolvedAt: nowIso, resolution, resolvedBy: by };
  return {
    result: 'ok',
    hold: resolved,
    order: { ...order, holds: order.holds.map((h) => (h.id === holdId ? resolved : h)), updatedAt: nowIso, version: order.version + 1 },
  };
}

/** The open credit holds of an order. */
export const openCreditHolds = (order: Order) => order.holds.filter((h) => h.type === 'credit' && h.resolvedAt === undefined);

export interface CreditPosition {
  openReceivablesMinor: number;
  creditLimitMinor: number;
  erpCreditHold: boolean;
}

export type CreditReleaseVerdict =
  | { release: true; exposureMinor: number; limitMinor: number }
  | { release: false; reasonCode: 'erp_credit_hold' | 'over_credit_limit'; exposureMinor: number; limitMinor: number; message: string };

/**
 * Whether a credit hold may be released: exposure (open receivables + the customer's other open
 * orders + this order) within the limit and its tolerance, and no ERP hold flag when the policy
 * honours it. The same arithmetic as intake's check, so a hold is released exactly when intake
 * would not have placed it.
 */
export function creditReleaseVerdict(
  credit: CreditPosition,
  otherOpenOrdersMinor: number,
  orderValueMinor: number,
  policy: { exposureToleranceRatio: number; honourErpHoldFlag: boolean },
): CreditReleaseVerdict {
  const exposureMinor = credit.openReceivablesMinor + otherOpenOrdersMinor + orderValueMinor;
  const limitMinor = credit.creditLimitMinor;
  if (policy.honourErpHoldFlag && credit.erpCreditHold) {
    return { release: false, reasonCode: 'erp_credit_hold', exposureMinor, limitMinor, message: 'the ERP still has the customer on credit hold' };
  }
  if (exposureMinor > Math.floor(limitMinor * (1 + policy.exposureToleranceRatio))) {
    return {
      release: false,
      reasonCode: 'over_credit_limit',
      exposureMinor,
      limitMinor,
      message: `exposure ${exposureMinor} (receivables ${credit.openReceivablesMinor} + other open orders ${otherOpenOrdersMinor} + this order ${orderValueMinor}) still exceeds the limit ${limitMinor}`,
    };
  }
  return { release: true, exposureMinor, limitMinor };
}
