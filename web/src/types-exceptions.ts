/**
 * The exceptions API as the workbench reads it (`/v1/exceptions`, `/v1/exception-types`), written
 * from src/domains/exceptions/exceptions.types.ts. Only the fields the screens use are listed.
 */
import type { Role } from './api.ts';

export interface ObjectRef {
  type: string;
  id: string;
}

export type ExceptionState = 'open' | 'claimed' | 'resolved' | 'dismissed';
export const exceptionStates: ExceptionState[] = ['open', 'claimed', 'resolved', 'dismissed'];

export type ExceptionSort = 'priority' | 'slaDue' | 'age';
export const exceptionSorts: Array<{ value: ExceptionSort; label: string }> = [
  { value: 'priority', label: 'Priority (highest first)' },
  { value: 'slaDue', label: 'SLA due (earliest first)' },
  { value: 'age', label: 'Age (oldest first)' },
];

export interface ExceptionActor {
  kind: 'key' | 'system';
  keyId: string | null;
  name: string;
}

export type SlaState = 'on_track' | 'at_risk' | 'breached';

export interface CrossdockException {
  id: string;
  type: string;
  subject: ObjectRef;
  related: ObjectRef[];
  state: ExceptionState;
  partnerCode: string | null;
  ownerRole: Role;
  queueRole: Role;
  escalationLevel: number;
  assignee: { keyId: string | null; name: string } | null;
  priority: number;
  priorityInputs: Record<string, unknown>;
  rootCause: { code: string; message: string };
  facts: Record<string, unknown>;
  summary: { what: string; why: string; impact: string; options: Array<{ action: string; description: string }> };
  links: Array<{ ref: ObjectRef; href: string | null }>;
  allowedActions: string[];
  raisedAt: string;
  updatedAt: string;
  slaDueAt: string;
  slaBreachedAt: string | null;
  breachCount: number;
  /**
   * Where it stands on its SLA clock when the hub answered, by the hub's rule and clock (never the
   * browser's, which may disagree with an accelerated demo clock); null once closed.
   */
  slaState: SlaState | null;
  nextEscalationAt: string | null;
  version: number;
  closedAt: string | null;
  resolution: { outcome: 'resolved' | 'dismissed'; by: 'condition' | 'action'; action: string | null; reason: string; actor: ExceptionActor; at: string } | null;
}

export interface AuditEntry {
  seq: number;
  exceptionId: string;
  at: string;
  actor: ExceptionActor;
  what: string;
  action: string | null;
  detail: Record<string, unknown>;
}

/** Whether a request must carry an input, or may. */
export type InputNeed = 'required' | 'optional';

/**
 * What an action takes besides the exception itself, as the hub declares it (and validates every
 * request against): a reason, always accepted and sometimes required, and the `params` it names.
 */
export interface ActionInputs {
  reason: InputNeed;
  promiseDate?: InputNeed;
  payload?: InputNeed;
}

export interface ActionDetail {
  name: string;
  /** A short label for its button. */
  title: string;
  inputs: ActionInputs;
  /** It undoes work or gives something up, so it is shown as dangerous. */
  danger: boolean;
}

export interface ExceptionTypeDefinition {
  type: string;
  title: string;
  clearsWhen: string;
  ownerRole: Role;
  slaMinutes: number;
  basePriority: number;
  actions: string[];
  /** The same actions with what each takes: the dashboard asks for exactly this, and keeps no list of its own. */
  actionDetails: ActionDetail[];
}

export interface ExceptionTypes {
  policyVersion: number;
  items: ExceptionTypeDefinition[];
}

export interface ActionAnswer {
  exception: CrossdockException;
  result: { outcome: string; resolves: boolean; message?: string; data?: Record<string, unknown> };
}

/**
 * What an allowed action takes, from the hub's registry: the exception's own type first; an action
 * its type no longer lists (allowed when it was raised) takes the same inputs under any type.
 * Undefined until the registry is loaded.
 */
export function actionDetailOf(types: ReadonlyMap<string, ExceptionTypeDefinition>, type: string, action: string): ActionDetail | undefined {
  const own = types.get(type)?.actionDetails.find((a) => a.name === action);
  if (own) return own;
  for (const definition of types.values()) {
    const found = definition.actionDetails.find((a) => a.name === action);
    if (found) return found;
  }
  return undefined;
}

export const isLive = (state: ExceptionState): boolean => state === 'open' || state === 'claimed';

/** Where the dashboard shows a related object, when it has a screen for it. */
export function screenOf(ref: ObjectRef): { path: string } | null {
  switch (ref.type) {
    case 'order':
      return { path: `/orders/${ref.id}` };
    case 'order_line':
      return { path: `/orders/${ref.id.split(':')[0]}` };
    case 'item':
      // Items of inventory exceptions are named `SKU@LOCATION`.
      return { path: `/inventory/${ref.id.split('@')[0]}` };
    default:
      return null;
  }
}
