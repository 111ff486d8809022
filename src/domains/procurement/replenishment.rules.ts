/**
 * Replenishment, the pure part (DESIGN §5 step 7): given each SKU × location's ATP, inbound supply,
 * backordered demand and parameters, decide what to propose — a transfer from a location with
 * surplus when one can cover the need (our own stock is cheaper and nearer than a supplier's), else
 * a purchase order to the supplier. Every proposal carries its reasons with the numbers behind them.
 * No I/O, no clock: the caller gathers the inputs and stores what comes back.
 */

export type ReplenishmentMethod = 'reorder_point' | 'min_max';

export interface PositionParameters {
  method: ReplenishmentMethod;
  reorderPoint: number | null;
  reorderQuantity: number | null;
  min: number | null;
  max: number | null;
  supplierCode: string | null;
  /** The parameters' version, recorded with the decision; 0 when the position has none. */
  version: number;
}

export interface ReplenishmentPosition {
  sku: string;
  locationCode: string;
  /** Available to promise now. */
  atp: number;
  /** Units still to arrive on open purchase orders and transfers (proposals included), less units a transfer carries for an order. */
  inbound: number;
  /** Units open transfers will take that ATP still shows (proposals: a released transfer holds its units, so ATP is without them already). */
  outbound: number;
  /** Units of order lines waiting for supply that this location is to serve. */
  backordered: number;
  parameters?: PositionParameters | undefined;
}

export interface ReplenishmentContext {
  /** Mean lead time of a supplier in days; undefined for an unknown supplier. */
  supplierLeadTimeDays(supplierCode: string): number | undefined;
  transferLeadTimeDays: number;
}

export interface ReplenishmentReason {
  code: string;
  message: string;
}

interface ProposalBase {
  sku: string;
  /** Where the units are needed. */
  locationCode: string;
  quantity: number;
  reasons: ReplenishmentReason[];
  inputs: Record<string, unknown>;
  parametersVersion: number;
}
export type ReplenishmentProposal =
  | (ProposalBase & { kind: 'purchase_order'; supplierCode: string; leadTimeDays: number })
  | (ProposalBase & { kind: 'transfer'; fromLocationCode: string; leadTimeDays: number });

/** A need no proposal could meet: no surplus elsewhere and no supplier to order from. */
export interface UnresolvedNeed {
  sku: string;
  locationCode: string;
  quantity: number;
  reason: 'no_supplier' | 'unknown_supplier';
  message: string;
}

export interface ReplenishmentPlan {
  proposals: ReplenishmentProposal[];
  unresolved: UnresolvedNeed[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const whole = (n: number) => (Number.isFinite(n) ? Math.floor(n) : 0);

/** Stock the position will have once open supply arrives and waiting demand is served. */
export const projectedOf = (p: Pick<ReplenishmentPosition, 'atp' | 'inbound' | 'backordered'>) => whole(p.atp) + whole(p.inbound) - whole(p.backordered);

/** What the position needs ordered, with the reasons; null when it needs nothing. */
export function needOf(p: ReplenishmentPosition): { quantity: number; reasons: ReplenishmentReason[] } | null {
  const projected = projectedOf(p);
  const position: ReplenishmentReason = {
    code: 'projected_stock',
    message: `ATP ${whole(p.atp)} + inbound ${whole(p.inbound)} − backordered ${whole(p.backordered)} = projected ${projected}`,
  };
  const params = p.parameters;
  if (params?.method === 'reorder_point' && params.reorderPoint !== null && params.reorderQuantity !== null) {
    if (projected > params.reorderPoint) return null;
    const toRiseAbove = params.reorderPoint - projected + 1;
    const quantity = Math.max(params.reorderQuantity, toRiseAbove);
    return {
      quantity,
      reasons: [
        position,
        {
          code: 'reorder_point_reached',
          message: `projected ${projected} is at or below the reorder point ${params.reorderPoint}; ordering ${quantity} (reorder quantity ${params.reorderQuantity}, ${toRiseAbove} needed to rise above the point)`,
        },
      ],
    };
  }
  if (params?.method === 'min_max' && params.min !== null && params.max !== null) {
    if (projected >= params.min) return null;
    const quantity = params.max - projected;
    return {
      quantity,
      reasons: [position, { code: 'below_min', message: `projected ${projected} is below the min ${params.min}; ordering ${quantity} to bring it up to the max ${params.max}` }],
    };
  }
  // Without parameters only waiting demand counts: order what the backorders lack.
  if (projected >= 0) return null;
  return { quantity: -projected, reasons: [position, { code: 'backorders_uncovered', message: `${-projected} backordered units have no stock or supply to meet them` }] };
}

/**
 * Units a position can give away: ATP less what open transfers will take from it and what its own
 * backorders wait for, above its max (min/max) or its reorder point plus one reorder quantity. A
 * position without parameters gives nothing: nobody said how much it must keep.
 */
export function surplusOf(p: ReplenishmentPosition): { quantity: number; keep: number } {
  const params = p.parameters;
  let keep: number | undefined;
  if (params?.method === 'min_max' && params.max !== null) keep = params.max;
  if (params?.method === 'reorder_point' && params.reorderPoint !== null && params.reorderQuantity !== null) keep = params.reorderPoint + params.reorderQuantity;
  if (keep === undefined) return { quantity: 0, keep: 0 };
  return { quantity: Math.max(0, whole(p.atp) - whole(p.outbound) - whole(p.backordered) - keep), keep };
}

const key = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;

/**
 * The proposals for a set of positions, in SKU then location order. Surplus is a pool shared by the
 * run: a unit offered to one location is not offered to another. A transfer is proposed only when
 * one location's surplus covers the whole need (one shipment, not a collection of small ones); the
 * location with the most surplus gives, ties to the lower code.
 */
export function planReplenishment(positions: readonly ReplenishmentPosition[], ctx: ReplenishmentContext): ReplenishmentPlan {
  const sorted = [...positions].sort((a, b) => cmp(a.sku, b.sku) || cmp(a.locationCode, b.locationCode));
  const needs = new Map<string, NonNullable<ReturnType<typeof needOf>>>();
  for (const p of sorted) {
    const need = needOf(p);
    if (need && need.quantity > 0) needs.set(key(p.sku, p.locationCode), need);
  }
  // A location short of stock has nothing to give, whatever its numbers say.
  const pools = new Map<string, { quantity: number; keep: number }>();
  for (const p of sorted) if (!needs.has(key(p.sku, p.locationCode))) pools.set(key(p.sku, p.locationCode), surplusOf(p));

  const proposals: ReplenishmentProposal[] = [];
  const unresolved: UnresolvedNeed[] = [];
  for (const p of sorted) {
    const need = needs.get(key(p.sku, p.locationCode));
    if (!need) continue;
    const inputs: Record<string, unknown> = {
      sku: p.sku,
      locationCode: p.locationCode,
      atp: whole(p.atp),
      inbound: whole(p.inbound),
      backordered: whole(p.backordered),
      projected: projectedOf(p),
      parameters: p.parameters ?? null,
    };
    const base = { sku: p.sku, locationCode: p.locationCode, quantity: need.quantity, parametersVersion: p.parameters?.version ?? 0 };
    const givers = sorted
      .filter((o) => o.sku === p.sku && o.locationCode !== p.locationCode)
      .map((o) => ({ locationCode: o.locationCode, ...(pools.get(key(o.sku, o.locationCode)) ?? { quantity: 0, keep: 0 }) }))
      .filter((o) => o.quantity > 0)
      .sort((a, b) => b.quantity - a.quantity || cmp(a.locationCode, b.locationCode));
    const surplusSeen = givers.map((g) => ({ locationCode: g.locationCode, surplus: g.quantity, keep: g.keep }));
    const giver = givers.find((g) => g.quantity >= need.quantity);
    const supplierCode = p.parameters?.supplierCode ?? null;
    const supplierLeadTimeDays = supplierCode === null ? undefined : ctx.supplierLeadTimeDays(supplierCode);

    if (giver) {
      pools.get(key(p.sku, giver.locationCode))!.quantity -= need.quantity;
      const slower = supplierLeadTimeDays === undefined ? '' : ` against ${supplierLeadTimeDays} from ${supplierCode}`;
      proposals.push({
        ...base,
        kind: 'transfer',
        fromLocationCode: giver.locationCode,
        leadTimeDays: ctx.transferLeadTimeDays,
        reasons: [
          ...need.reasons,
          {
            code: 'surplus_transfer',
            message: `${giver.locationCode} holds ${giver.quantity} above the ${giver.keep} it keeps; a transfer of ${need.quantity} covers the need in ${ctx.transferLeadTimeDays} days${slower}`,
          },
        ],
        inputs: { ...inputs, surplus: surplusSeen, transferLeadTimeDays: ctx.transferLeadTimeDays, supplierLeadTimeDays: supplierLeadTimeDays ?? null },
      });
      continue;
    }
    if (supplierCode === null || supplierLeadTimeDays === undefined) {
      unresolved.push({
        ...base,
        reason: supplierCode === null ? 'no_supplier' : 'unknown_supplier',
        message:
          supplierCode === null
            ? `${need.quantity} units of ${p.sku} are needed at ${p.locationCode}, no location has that much to spare and no supplier is set for it`
            : `${need.quantity} units of ${p.sku} are needed at ${p.locationCode}, but supplier ${supplierCode} does not exist`,
      });
      continue;
    }
    const noSurplus =
      surplusSeen.length === 0
        ? 'no other location has stock to spare'
        : `the most any location can spare is ${surplusSeen[0]!.surplus} (${surplusSeen[0]!.locationCode}), less than ${need.quantity}`;
    proposals.push({
      ...base,
      kind: 'purchase_order',
      supplierCode,
      leadTimeDays: supplierLeadTimeDays,
      reasons: [...need.reasons, { code: 'purchase_from_supplier', message: `${noSurplus}; ordering from ${supplierCode}, lead time ${supplierLeadTimeDays} days` }],
      inputs: { ...inputs, surplus: surplusSeen, supplierCode, supplierLeadTimeDays },
    });
  }
  return { proposals, unresolved };
}
