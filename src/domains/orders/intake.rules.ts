import { normalizeGtin, toBaseUnits, type Customer, type Item, type TradingPartner } from '../catalog/index.ts';
import { localDate } from '../../platform/zoned-time.ts';
import { deliveryTimeZone } from './promise.rules.ts';
import type { OrderIntake } from './orders.types.ts';

/**
 * Intake, pure: an order as a channel sent it, resolved against master data into canonical lines in
 * base units with prices — or the list of what is wrong, each naming its line and field. Checks run
 * in a fixed order so the same bad order always gives the same first problem (STYLE).
 */

export interface IntakeMasterData {
  customer: Customer | undefined;
  partner: TradingPartner | undefined;
  itemsBySku: ReadonlyMap<string, Item>;
  /** Our items' own GTINs, normalised to 14 digits; a partner's cross-references are consulted first. */
  skuByGtin: ReadonlyMap<string, string>;
}

export interface IntakeProblem {
  path: string;
  code: 'unknown_customer' | 'channel_not_allowed' | 'unknown_partner' | 'partner_mismatch' | 'unknown_ship_to' | 'date_in_past' | 'unknown_item' | 'item_not_orderable' | 'unknown_unit' | 'invalid_quantity' | 'currency_mismatch';
  message: string;
  lineNumber?: number;
}

export interface ResolvedLine {
  lineNumber: number;
  sku: string;
  orderedUnit: string;
  orderedUnitQuantity: number;
  orderedQuantity: number;
  /** The price we charge per base unit: the customer's contract price, else the list price. */
  unitPriceMinor: number;
  /** The price the sender expected per base unit, when it said. */
  expectedUnitPriceMinor?: number;
  requestedDate?: string;
}

export interface PriceVariance {
  lineNumber: number;
  expectedUnitPriceMinor: number;
  unitPriceMinor: number;
  varianceRatio: number;
}

export type IntakeResult =
  | { ok: true; lines: ResolvedLine[]; variances: PriceVariance[]; valueMinor: number }
  | { ok: false; problems: IntakeProblem[] };

export function resolveIntake(intake: OrderIntake, md: IntakeMasterData, nowMs: number, varianceToleranceRatio: number): IntakeResult {
  const problems: IntakeProblem[] = [];
  const customer = md.customer;
  if (!customer) return { ok: false, problems: [{ path: 'customerCode', code: 'unknown_customer', message: `customerCode: no customer ${intake.customerCode} in master data` }] };
  if (!customer.channels.includes(intake.channel)) {
    problems.push({ path: 'channel', code: 'channel_not_allowed', message: `channel: customer ${customer.code} does not order through ${intake.channel} (it uses ${customer.channels.join(', ')})` });
  }
  if (intake.partnerCode !== undefined) {
    if (!md.partner) problems.push({ path: 'partnerCode', code: 'unknown_partner', message: `partnerCode: no trading partner ${intake.partnerCode}` });
    else if (customer.tradingPartnerCode !== undefined && customer.tradingPartnerCode !== intake.partnerCode) {
      problems.push({ path: 'partnerCode', code: 'partner_mismatch', message: `partnerCode: customer ${customer.code} trades through ${customer.tradingPartnerCode}, not ${intake.partnerCode}` });
    }
  }
  if (intake.shipToCode !== undefined && !customer.shipTos.some((s) => s.code === intake.shipToCode)) {
    problems.push({ path: 'shipToCode', code: 'unknown_ship_to', message: `shipToCode: customer ${customer.code} has no ship-to ${intake.shipToCode}` });
  }
  if (intake.currency !== customer.currency) {
    problems.push({ path: 'currency', code: 'currency_mismatch', message: `currency: customer ${customer.code} is billed in ${customer.currency}, not ${intake.currency}` });
  }
  // Today where the goods go (the ad hoc address's zone, else the ship-to's): an evening order in Los
  // Angeles for that same day is already the next day in UTC. Promise dates end at midnight there too
  // (promise.rules.ts).
  const timeZone = deliveryTimeZone(intake, customer);
  const today = localDate(nowMs, timeZone);
  if (intake.requestedDeliveryDate !== undefined && intake.requestedDeliveryDate < today) {
    const where = timeZone === undefined ? 'UTC' : `at the ship-to, ${timeZone}`;
    problems.push({ path: 'requestedDeliveryDate', code: 'date_in_past', message: `requestedDeliveryDate: ${intake.requestedDeliveryDate} is before today (${today}, ${where})` });
  }

  const partnerSkuByItem = new Map((md.partner?.itemCrossReferences ?? []).filter((r) => r.partnerItem !== undefined).map((r) => [r.partnerItem!, r.sku]));
  const partnerSkuByGtin = new Map((md.partner?.itemCrossReferences ?? []).filter((r) => r.gtin !== undefined).map((r) => [normalizeGtin(r.gtin!), r.sku]));
  const partnerUnit = new Map((md.partner?.unitMappings ?? []).map((m) => [m.partnerUnit, m.unit]));

  const lines: ResolvedLine[] = [];
  const variances: PriceVariance[] = [];
  intake.lines.forEach((line, index) => {
    const at = (field: string) => `lines.${index}.${field}`;
    const sku = line.sku ?? (line.partnerItem !== undefined ? partnerSkuByItem.get(line.partnerItem) : undefined) ?? (line.gtin !== undefined ? (partnerSkuByGtin.get(normalizeGtin(line.gtin)) ?? md.skuByGtin.get(normalizeGtin(line.gtin))) : undefined);
    const named = line.sku !== undefined ? `sku ${line.sku}` : line.partnerItem !== undefined ? `partner item ${line.partnerItem}` : `GTIN ${line.gtin}`;
    const item = sku === undefined ? undefined : md.itemsBySku.get(sku);
    if (!item) {
      problems.push({ path: at(line.sku !== undefined ? 'sku' : line.partnerItem !== undefined ? 'partnerItem' : 'gtin'), code: 'unknown_item', lineNumber: line.lineNumber, message: `line ${line.lineNumber}: ${named} is not a known item` });
      return;
    }
    if (item.status !== 'active') {
      problems.push({ path: at('sku'), code: 'item_not_orderable', lineNumber: line.lineNumber, message: `line ${line.lineNumber}: item ${item.sku} is ${item.status}` });
      return;
    }
    const unit = partnerUnit.get(line.unit) ?? line.unit;
    const converted = toBaseUnits(item, line.quantity, unit);
    if (!converted.ok) {
      problems.push({ path: at('unit'), code: converted.code, lineNumber: line.lineNumber, message: `line ${line.lineNumber}: ${converted.message}` });
      return;
    }
    const perOrderedUnit = converted.quantity / line.quantity;
    const resolved: ResolvedLine = {
      lineNumber: line.lineNumber,
      sku: item.sku,
      orderedUnit: unit,
      orderedUnitQuantity: line.quantity,
      orderedQuantity: converted.quantity,
      unitPriceMinor: item.listPriceMinor,
      ...(line.requestedDate !== undefined && { requestedDate: line.requestedDate }),
    };
    if (line.unitPriceMinor !== undefined) {
      // The sender prices per ordered unit; we compare per base unit.
      const expected = Math.round(line.unitPriceMinor / perOrderedUnit);
      resolved.expectedUnitPriceMinor = expected;
      const varianceRatio = item.listPriceMinor === 0 ? (expected === 0 ? 0 : 1) : Math.abs(expected - item.listPriceMinor) / item.listPriceMinor;
      if (varianceRatio > varianceToleranceRatio) variances.push({ lineNumber: line.lineNumber, expectedUnitPriceMinor: expected, unitPriceMinor: item.listPriceMinor, varianceRatio });
    }
    lines.push(resolved);
  });

  if (problems.length > 0) return { ok: false, problems };
  const valueMinor = lines.reduce((sum, l) => sum + l.orderedQuantity * l.unitPriceMinor, 0);
  return { ok: true, lines, variances, valueMinor };
}

export type CreditVerdict =
  | { hold: false; exposureMinor: number; limitMinor: number }
  | { hold: true; reasonCode: 'erp_credit_hold' | 'over_credit_limit'; exposureMinor: number; limitMinor: number; message: string };

/** Exposure = open receivables + open orders + this order, against the limit (with a tolerance). */
export function checkCredit(customer: Customer, openOrdersMinor: number, orderValueMinor: number, toleranceRatio: number): CreditVerdict {
  const exposureMinor = customer.openReceivablesMinor + openOrdersMinor + orderValueMinor;
  const limitMinor = customer.creditLimitMinor;
  if (customer.erpCreditHold) {
    return { hold: true, reasonCode: 'erp_credit_hold', exposureMinor, limitMinor, message: `the ERP has customer ${customer.code} on credit hold` };
  }
  if (exposureMinor > Math.floor(limitMinor * (1 + toleranceRatio))) {
    return {
      hold: true,
      reasonCode: 'over_credit_limit',
      exposureMinor,
      limitMinor,
      message: `exposure ${exposureMinor} (receivables ${customer.openReceivablesMinor} + open orders ${openOrdersMinor} + this order ${orderValueMinor}) exceeds the limit ${limitMinor}`,
    };
  }
  return { hold: false, exposureMinor, limitMinor };
}
