import type { ObjectRef } from '../shared/index.ts';
import { actionDescriptions, type ExceptionTypeDefinition } from './exceptions.registry.ts';
import type { ExceptionLink, ExceptionSummary, PriorityInputs, RootCause } from './exceptions.types.ts';
import { promiseInstantMs, riskRatio } from './priority.rules.ts';

/** Where the API shows each kind of object; a line lives on its order (`<orderId>:<lineNumber>`). */
const path = (prefix: string) => (id: string) => `${prefix}/${encodeURIComponent(id)}`;
const hrefOf: Readonly<Record<ObjectRef['type'], ((id: string) => string | null) | null>> = {
  order: path('/v1/orders'),
  order_line: (id) => path('/v1/orders')(id.split(':')[0]!),
  shipment: path('/v1/shipments'),
  invoice: path('/v1/invoices'),
  return: path('/v1/returns'),
  purchase_order: path('/v1/purchase-orders'),
  transfer: path('/v1/transfers'),
  // A SKU at a location (`<sku>@<location>`, an inventory drift) links to its item.
  item: (id) => path('/v1/items')(id.split('@')[0]!),
  location: path('/v1/locations'),
  customer: path('/v1/customers'),
  supplier: path('/v1/suppliers'),
  exception: path('/v1/exceptions'),
  // Inbound messages have UUIDs; a numeric id is an outbox delivery, which has no page of its own.
  // Inventory feed events (`inventory-gap:…`, `inventory-event:…`) are not kept as inbox messages.
  message: (id) => (/^\d+$/.test(id) ? '/v1/outbox/dead-letters' : id.startsWith('inventory-') ? null : path('/v1/inbox')(id)),
  reservation: path('/v1/reservations'),
};

/** Links to the subject and every related object, each once, subject first. */
export function linksOf(subject: ObjectRef, related: readonly ObjectRef[]): ExceptionLink[] {
  const seen = new Set<string>();
  const links: ExceptionLink[] = [];
  for (const ref of [subject, ...related]) {
    const key = `${ref.type}\u0000${ref.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const href = hrefOf[ref.type];
    links.push({ ref, href: href ? href(ref.id) : null });
  }
  return links;
}

/** Related objects of two raises together, each once, in the order first seen. */
export function mergeRelated(before: readonly ObjectRef[], added: readonly ObjectRef[]): ObjectRef[] {
  const merged: ObjectRef[] = [];
  const seen = new Set<string>();
  for (const ref of [...before, ...added]) {
    const key = `${ref.type}\u0000${ref.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(ref);
  }
  return merged;
}

const formatMoney = (amountMinor: number, currency: string) =>
  `${(amountMinor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;

/** The customer and value side of an exception in one sentence, from its priority inputs. */
export function impactOf(inputs: PriorityInputs, nowMs: number): string {
  const parts: string[] = [];
  if (inputs.customerTier !== undefined) parts.push(`${inputs.customerTier} customer`);
  if (inputs.orderValue !== undefined) parts.push(`${formatMoney(inputs.orderValue.amountMinor, inputs.orderValue.currency)} at stake`);
  if (inputs.promiseDate !== undefined) {
    const hoursLeft = Math.round((promiseInstantMs(inputs.promiseDate, inputs.promiseTimeZone) - nowMs) / 3_600_000);
    parts.push(hoursLeft < 0 ? `promise date ${inputs.promiseDate} passed ${-hoursLeft} h ago` : `promise date ${inputs.promiseDate}, ${hoursLeft} h away`);
  }
  if (inputs.risk !== undefined) {
    const ratio = riskRatio(inputs.risk);
    parts.push(`risk ${ratio >= 0.7 ? 'high' : ratio >= 0.4 ? 'medium' : 'low'}`);
  }
  return parts.length === 0 ? 'no customer or value impact recorded' : parts.join('; ');
}

/** What a person reads first: what happened, why, what it costs whom, and what may be done. */
export function summarize(
  definition: ExceptionTypeDefinition,
  input: { subject: ObjectRef; headline?: string | undefined; rootCause: RootCause; priorityInputs: PriorityInputs; facts: Record<string, unknown> },
  nowMs: number,
): ExceptionSummary {
  const facts = Object.entries(input.facts)
    .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
    .slice(0, 8)
    .map(([k, v]) => `${k} ${String(v)}`);
  const what = input.headline ?? `${definition.title} on ${input.subject.type.replace('_', ' ')} ${input.subject.id}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
  return {
    what,
    why: input.rootCause.message,
    impact: impactOf(input.priorityInputs, nowMs),
    options: definition.actions.map((action) => ({ action, description: actionDescriptions[action] })),
  };
}
