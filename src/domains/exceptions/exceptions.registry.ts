import type { Role } from '../../platform/auth/roles.ts';
import type { EscalationStep, ExceptionAction, ExceptionType } from './exceptions.types.ts';

/**
 * What the hub knows about one exception type: who owns it, how long they have, where it goes when
 * they run out of time, how urgent the type is by itself, and what a person may do about it.
 */
export interface ExceptionTypeDefinition {
  type: ExceptionType;
  /** A short title for queues and summaries, e.g. "Credit hold". */
  title: string;
  /** How the exception ends without a person: the condition that clears it. */
  clearsWhen: string;
  ownerRole: Role;
  slaMinutes: number;
  escalation: readonly EscalationStep[];
  /** The type's own weight in the priority rule, 0–300; the rest comes from customer, value, date and risk. */
  basePriority: number;
  actions: readonly ExceptionAction[];
}

export type ExceptionRegistry = Readonly<Record<ExceptionType, ExceptionTypeDefinition>>;

/** One line per action, shown as an option in an exception's summary. */
export const actionDescriptions: Readonly<Record<ExceptionAction, string>> = {
  release_hold: 'Release the hold; the order goes on to allocation',
  keep_hold: 'Keep the hold in place and record why',
  approve_substitution: 'Approve shipping the substitute item',
  reject_substitution: 'Refuse the substitute; the line waits for the ordered item',
  resource_line: 'Source the line again from other locations',
  cancel_line: 'Cancel the open quantity of the line',
  accept_short_ship: 'Accept the short shipment; the missing quantity is not sent',
  change_promise_date: 'Move the promise date and tell the customer',
  edit_and_replay: 'Correct the inbound message and process it again',
  retry_dead_letter: 'Try the failed delivery again',
  discard_dead_letter: 'Give up on the failed message, with a reason',
  accept_drift: 'Accept the counted quantity as the truth',
  resend_invoice: 'Send the invoice to the ERP again; the exception waits for its new acknowledgement',
  accept_erp_amount: "Accept the ERP's amount as what the customer owes on this invoice, with a reason",
  resolve: 'Mark it resolved, with a reason',
  dismiss: 'Dismiss it as needing nothing, with a reason',
};

const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * The built-in registry (DESIGN §7). Owners and SLAs of the hold types match the `holds` policy's
 * defaults, so a hold and its exception run on the same clock. The exceptions policy overrides owner,
 * SLA, escalation and base priority per type; actions are fixed by what the hub can carry out.
 */
export const builtinRegistry: ExceptionRegistry = {
  credit_hold: {
    type: 'credit_hold',
    title: 'Credit hold',
    clearsWhen: 'a payment or credit update brings the customer within the limit, or the hold is released or rejected',
    ownerRole: 'finance',
    slaMinutes: 4 * HOUR,
    escalation: [{ role: 'admin', afterBreachMinutes: 2 * HOUR }],
    basePriority: 200,
    actions: ['release_hold', 'keep_hold'],
  },
  stock_shortage: {
    type: 'stock_shortage',
    title: 'Stock shortage',
    clearsWhen: 'supply arrives and the line is allocated',
    ownerRole: 'planner',
    slaMinutes: 2 * HOUR,
    escalation: [
      { role: 'procurement', afterBreachMinutes: 0 },
      { role: 'admin', afterBreachMinutes: 4 * HOUR },
    ],
    basePriority: 200,
    actions: ['resource_line', 'cancel_line', 'change_promise_date', 'resolve'],
  },
  substitution_approval: {
    type: 'substitution_approval',
    title: 'Substitution awaiting approval',
    clearsWhen: 'the substitution is approved or refused',
    ownerRole: 'customer_service',
    slaMinutes: 4 * HOUR,
    escalation: [{ role: 'admin', afterBreachMinutes: 2 * HOUR }],
    basePriority: 150,
    actions: ['approve_substitution', 'reject_substitution'],
  },
  pricing_variance: {
    type: 'pricing_variance',
    title: 'Pricing variance',
    clearsWhen: 'the pricing hold is released or rejected',
    ownerRole: 'customer_service',
    slaMinutes: 8 * HOUR,
    escalation: [
      { role: 'finance', afterBreachMinutes: 0 },
      { role: 'admin', afterBreachMinutes: 8 * HOUR },
    ],
    basePriority: 150,
    actions: ['release_hold', 'keep_hold'],
  },
  invalid_order: {
    type: 'invalid_order',
    title: 'Invalid order',
    clearsWhen: 'the corrected message is replayed and the order is taken',
    ownerRole: 'customer_service',
    slaMinutes: 4 * HOUR,
    escalation: [{ role: 'admin', afterBreachMinutes: 4 * HOUR }],
    basePriority: 150,
    actions: ['edit_and_replay', 'discard_dead_letter', 'dismiss'],
  },
  short_shipment: {
    type: 'short_shipment',
    title: 'Short shipment',
    clearsWhen: 'the missing quantity is re-sourced, backordered or cancelled',
    ownerRole: 'customer_service',
    slaMinutes: 4 * HOUR,
    escalation: [
      { role: 'planner', afterBreachMinutes: 0 },
      { role: 'admin', afterBreachMinutes: 4 * HOUR },
    ],
    basePriority: 200,
    actions: ['accept_short_ship', 'resource_line', 'cancel_line'],
  },
  shipment_delay: {
    type: 'shipment_delay',
    title: 'Shipment delayed',
    clearsWhen: 'the shipment is delivered',
    ownerRole: 'customer_service',
    slaMinutes: 8 * HOUR,
    escalation: [{ role: 'admin', afterBreachMinutes: 8 * HOUR }],
    basePriority: 150,
    actions: ['change_promise_date', 'resolve', 'dismiss'],
  },
  invoice_mismatch: {
    type: 'invoice_mismatch',
    title: 'The ERP rejected an invoice or booked another amount',
    clearsWhen: 'the ERP acknowledges the invoice at our amount',
    ownerRole: 'finance',
    slaMinutes: 1 * DAY,
    escalation: [{ role: 'admin', afterBreachMinutes: 1 * DAY }],
    basePriority: 100,
    actions: ['resend_invoice', 'accept_erp_amount', 'resolve', 'dismiss'],
  },
  integration_failure: {
    type: 'integration_failure',
    title: 'Integration failure (dead letter)',
    clearsWhen: 'the message is delivered or processed on a retry or replay',
    ownerRole: 'integration',
    slaMinutes: 1 * HOUR,
    escalation: [{ role: 'admin', afterBreachMinutes: 1 * HOUR }],
    basePriority: 250,
    actions: ['retry_dead_letter', 'edit_and_replay', 'discard_dead_letter'],
  },
  inventory_drift: {
    type: 'inventory_drift',
    title: 'Inventory drift',
    clearsWhen: 'a later snapshot agrees with the ledger',
    ownerRole: 'warehouse',
    slaMinutes: 8 * HOUR,
    escalation: [
      { role: 'planner', afterBreachMinutes: 0 },
      { role: 'admin', afterBreachMinutes: 8 * HOUR },
    ],
    basePriority: 100,
    actions: ['accept_drift', 'dismiss'],
  },
  sequence_gap: {
    type: 'sequence_gap',
    title: 'Gap in a source’s sequence',
    clearsWhen: 'the missing events arrive',
    ownerRole: 'integration',
    slaMinutes: 1 * HOUR,
    escalation: [{ role: 'admin', afterBreachMinutes: 1 * HOUR }],
    basePriority: 150,
    actions: ['resolve', 'dismiss'],
  },
  adjustment_anomaly: {
    type: 'adjustment_anomaly',
    title: 'Unusual inventory adjustment',
    clearsWhen: 'a person confirms or corrects it',
    ownerRole: 'warehouse',
    slaMinutes: 1 * DAY,
    escalation: [{ role: 'planner', afterBreachMinutes: 0 }],
    basePriority: 50,
    actions: ['accept_drift', 'resolve', 'dismiss'],
  },
  supplier_delay: {
    type: 'supplier_delay',
    title: 'Supplier delay',
    clearsWhen: 'the purchase order is received or its new date still meets demand',
    ownerRole: 'procurement',
    slaMinutes: 1 * DAY,
    escalation: [
      { role: 'planner', afterBreachMinutes: 0 },
      { role: 'admin', afterBreachMinutes: 1 * DAY },
    ],
    basePriority: 100,
    actions: ['change_promise_date', 'resource_line', 'resolve', 'dismiss'],
  },
  return_inspection: {
    type: 'return_inspection',
    title: 'Return waiting for inspection',
    clearsWhen: 'every received unit has a disposition',
    ownerRole: 'warehouse',
    slaMinutes: 2 * DAY,
    escalation: [{ role: 'admin', afterBreachMinutes: 1 * DAY }],
    basePriority: 50,
    actions: ['resolve', 'dismiss'],
  },
};

/** Per-type overrides as the exceptions policy stores them. */
export interface TypeOverride {
  ownerRole?: Role | undefined;
  slaMinutes?: number | undefined;
  escalation?: readonly EscalationStep[] | undefined;
  basePriority?: number | undefined;
}

/** The registry in force: the built-in definitions with the policy's per-type overrides applied. */
export function effectiveRegistry(overrides: Partial<Record<ExceptionType, TypeOverride>>): ExceptionRegistry {
  const merged = {} as Record<ExceptionType, ExceptionTypeDefinition>;
  for (const [type, builtin] of Object.entries(builtinRegistry) as Array<[ExceptionType, ExceptionTypeDefinition]>) {
    const o = overrides[type] ?? {};
    merged[type] = {
      ...builtin,
      ownerRole: o.ownerRole ?? builtin.ownerRole,
      slaMinutes: o.slaMinutes ?? builtin.slaMinutes,
      escalation: o.escalation ?? builtin.escalation,
      basePriority: o.basePriority ?? builtin.basePriority,
    };
  }
  return merged;
}
