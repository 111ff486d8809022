import type { Clock } from '../../platform/clock.ts';
import { isoTime } from '../../platform/clock.ts';
import type { StoreKind, Tx } from '../../platform/db/store.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { NewEvent, OutboxService } from '../../platform/outbox/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { checkCredit, resolveIntake } from './intake.rules.ts';
import { tryTransition } from './lifecycle.rules.ts';
import { orderLifecycle } from './order.lifecycle.ts';
import type { Hold, Order, OrderIntake } from './orders.types.ts';
import * as repo from './orders.repo.ts';
import type { Role } from '../../platform/auth/roles.ts';

/** Who owns each kind of hold and how long they have (the `holds` policy). */
export interface HoldRules {
  credit: { ownerRole: Role; slaHours: number };
  pricing: { ownerRole: Role; slaHours: number };
}

export interface IntakeRules {
  holds: HoldRules;
  priceVarianceToleranceRatio: number;
  creditExposureToleranceRatio: number;
  /** The policy versions these rules came from, recorded with the order (DESIGN §2.5). */
  policyVersions: Record<string, number>;
}


export interface IntakeDeps {
  clock: Clock;
  /** PostgreSQL locks the customer's open orders' value for the credit check (see `lockOpenOrdersValue`). */
  kind: StoreKind;
  ids: IdGenerator;
  catalog: CatalogService;
  outbox: OutboxService;
  /** The rules in force, read inside the intake's transaction. */
  rules: (tx: Tx) => Promise<IntakeRules>;
}

export type IntakeOutcome = { result: 'created'; order: Order } | { result: 'exists'; order: Order };

const HOUR_MS = 3_600_000;
export const dedupeScopeOf = (intake: Pick<OrderIntake, 'partnerCode' | 'channel'>) => (intake.partnerCode !== undefined ? `partner:${intake.partnerCode}` : `channel:${intake.channel}`);

/**
 * One canonical order from any channel: deduplicated on (partner or channel, external order number),
 * resolved against master data, credit-checked and price-checked, stored with its holds. Runs inside
 * the inbox's transaction so the raw message, the order and its announcements commit together.
 */
export function createIntakeService(deps: IntakeDeps) {
  const { clock, ids, catalog } = deps;

  async function intakeInTx(tx: Tx, intake: OrderIntake): Promise<IntakeOutcome> {
    const scope = dedupeScopeOf(intake);
    const existing = await repo.findOrderByDedupeKey(tx, scope, intake.externalOrderNumber);
    if (existing) return { result: 'exists', order: JSON.parse(existing.document) as Order };

    const rules = await deps.rules(tx);
    const now = clock.now();
    const partnerCodes = intake.partnerCode === undefined ? [] : [intake.partnerCode];
    const customer = (await catalog.customers.getMany([intake.customerCode], tx)).get(intake.customerCode);
    const partner = (await catalog.tradingPartners.getMany(partnerCodes, tx)).get(intake.partnerCode ?? '');
    const gtins = intake.lines.flatMap((l) => (l.gtin === undefined ? [] : [l.gtin]));
    const skuByGtin = await catalog.skusByGtin(gtins, tx);
    const xrefSkus = (partner?.itemCrossReferences ?? []).filter((r) => intake.lines.some((l) => l.partnerItem === r.partnerItem || (l.gtin !== undefined && l.gtin === r.gtin))).map((r) => r.sku);
    const skus = [...intake.lines.flatMap((l) => (l.sku === undefined ? [] : [l.sku])), ...skuByGtin.values(), ...xrefSkus];
    const itemsBySku = await catalog.items.getMany(skus, tx);

    const resolved = resolveIntake(intake, { customer, partner, itemsBySku, skuByGtin }, now, rules.priceVarianceToleranceRatio);
    if (!resolved.ok) {
      throw new AppError('unprocessable', `order ${intake.externalOrderNumber} is not valid: ${resolved.problems[0]!.message}`, resolved.problems.map((p) => ({ ...p })));
    }

    const id = ids.next();
    const holds: Hold[] = [];
    const hold = (type: 'credit' | 'pricing', reasonCode: string, reason: string, lineNumber?: number): Hold => ({
      id: ids.next(),
      type,
      ...(lineNumber !== undefined && { lineNumber }),
      ownerRole: rules.holds[type].ownerRole,
      reasonCode,
      reason,
      placedAt: isoTime(now),
      slaDueAt: isoTime(now + rules.holds[type].slaHours * HOUR_MS),
    });
    const credit = checkCredit(customer!, await repo.lockOpenOrdersValue(tx, deps.kind, customer!.code), resolved.valueMinor, rules.creditExposureToleranceRatio);
    if (credit.hold) holds.push(hold('credit', credit.reasonCode, credit.message));
    for (const v of resolved.variances) {
      holds.push(hold('pricing', 'price_variance', `line ${v.lineNumber}: expected ${v.expectedUnitPriceMinor} per unit, contract ${v.unitPriceMinor} (${Math.round(v.varianceRatio * 1000) / 10}% off)`, v.lineNumber));
    }

    const validated = tryTransition(orderLifecycle, 'received', 'validate', { context: { lines: [] }, openHolds: [] });
    if (!validated.ok) throw new Error(`invariant violated: a new order cannot be validated (${validated.reason})`);
    const order: Order = {
      id,
      channel: intake.channel,
      ...(intake.partnerCode !== undefined && { partnerCode: intake.partnerCode }),
      externalOrderNumber: intake.externalOrderNumber,
      customerCode: intake.customerCode,
      ...(intake.customerPo !== undefined && { customerPo: intake.customerPo }),
      ...(intake.shipToCode !== undefined && { shipToCode: intake.shipToCode }),
      ...(intake.shipToAddress !== undefined && { shipToAddress: intake.shipToAddress }),
      currency: intake.currency,
      state: validated.to,
      lines: resolved.lines.map((l) => ({
        lineNumber: l.lineNumber,
        sku: l.sku,
        orderedUnit: l.orderedUnit,
        orderedUnitQuantity: l.orderedUnitQuantity,
        orderedQuantity: l.orderedQuantity,
        allocatedQuantity: 0,
        backorderedQuantity: 0,
        shippedQuantity: 0,
        invoicedQuantity: 0,
        cancelledQuantity: 0,
        unitPriceMinor: l.unitPriceMinor,
        state: 'open' as const,
        ...(l.requestedDate !== undefined && { requestedDate: l.requestedDate }),
      })),
      holds,
      ...(intake.requestedDeliveryDate !== undefined && { requestedDeliveryDate: intake.requestedDeliveryDate }),
      receivedAt: isoTime(now),
      updatedAt: isoTime(now),
      version: 1,
    };

    const inserted = await repo.insertOrderIfNew(
      tx,
      {
        id,
        dedupe_scope: scope,
        external_order_number: intake.externalOrderNumber,
        channel: intake.channel,
        partner_code: intake.partnerCode ?? null,
        customer_code: intake.customerCode,
        customer_po: intake.customerPo ?? null,
        state: order.state,
        value_minor: resolved.valueMinor,
        open_holds: holds.length,
        document: JSON.stringify(order),
        version: 1,
        received_at: now,
        updated_at: now,
      },
      order.lines.map((l) => ({
        order_id: id,
        line_number: l.lineNumber,
        sku: l.sku,
        state: l.state,
        ordered_quantity: l.orderedQuantity,
        allocated_quantity: 0,
        shipped_quantity: 0,
        invoiced_quantity: 0,
        cancelled_quantity: 0,
      })),
    );
    if (!inserted) {
      // Another request with the same order number committed between our read and our insert.
      const winner = await repo.findOrderByDedupeKey(tx, scope, intake.externalOrderNumber);
      return { result: 'exists', order: JSON.parse(winner!.document) as Order };
    }

    const events: NewEvent[] = [
      { source: '/crossdock/orders', type: 'crossdock.order.received', subject: `order:${id}`, data: { order, policyVersions: rules.policyVersions } },
      ...holds.map((h) => ({ source: '/crossdock/orders', type: 'crossdock.order.hold_placed', subject: `order:${id}`, data: { orderId: id, hold: h } })),
    ];
    await deps.outbox.appendMany(tx, events);
    return { result: 'created', order };
  }

  return { intakeInTx };
}

export type IntakeService = ReturnType<typeof createIntakeService>;
