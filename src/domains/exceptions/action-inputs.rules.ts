import { z } from 'zod';
import { dateSchema } from '../shared/index.ts';
import { exceptionActions, type ExceptionAction } from './exceptions.types.ts';

/**
 * What each exception action takes, declared once. The actions framework validates every action
 * request from this declaration (`checkActionBody`), and `GET /v1/exception-types` answers it as each
 * type's `actionDetails`, so what clients are told and what the hub accepts cannot drift apart.
 */

/** Whether a body must carry an input, or may. */
export const inputNeeds = ['required', 'optional'] as const;
export type InputNeed = (typeof inputNeeds)[number];

/**
 * The inputs of one action. `reason` goes into the audit trail and is always accepted; the others
 * are fields of the body's `params`, and an action accepts no `params` field it does not declare.
 */
export interface ActionInputs {
  reason: InputNeed;
  /** `params.promiseDate`, a date `YYYY-MM-DD`. */
  promiseDate?: InputNeed;
  /** `params.payload`, the corrected message as text. */
  payload?: InputNeed;
}

export interface ActionSpec {
  /** A short label for a button, e.g. "Keep hold". */
  title: string;
  inputs: ActionInputs;
  /** True when the action undoes work or gives something up, so a client asks twice before it. */
  danger: boolean;
}

/** The `params` fields an action may declare, with the schema each is validated by. */
const paramSchemas = {
  promiseDate: dateSchema.describe('The new promise date, YYYY-MM-DD'),
  payload: z.string().min(1).max(1_000_000).describe('The corrected payload; the message as received when absent'),
} as const;
type ParamInput = keyof typeof paramSchemas;
const paramInputs = Object.keys(paramSchemas) as ParamInput[];

const optionalReason: ActionInputs = { reason: 'optional' };
const requiredReason: ActionInputs = { reason: 'required' };

/**
 * The declaration of every action. A required reason is asked for where the action records a
 * decision nothing else explains (keeping a hold, giving up a message, closing by hand).
 */
export const actionSpecs: Readonly<Record<ExceptionAction, ActionSpec>> = {
  release_hold: { title: 'Release hold', inputs: optionalReason, danger: false },
  keep_hold: { title: 'Keep hold', inputs: requiredReason, danger: false },
  approve_substitution: { title: 'Approve substitution', inputs: optionalReason, danger: false },
  reject_substitution: { title: 'Reject substitution', inputs: optionalReason, danger: true },
  resource_line: { title: 'Source the line again', inputs: optionalReason, danger: false },
  cancel_line: { title: 'Cancel line', inputs: optionalReason, danger: true },
  accept_short_ship: { title: 'Accept short shipment', inputs: optionalReason, danger: true },
  change_promise_date: { title: 'Change promise date', inputs: { reason: 'optional', promiseDate: 'required' }, danger: false },
  edit_and_replay: { title: 'Edit and replay', inputs: { reason: 'optional', payload: 'optional' }, danger: false },
  retry_dead_letter: { title: 'Retry', inputs: optionalReason, danger: false },
  discard_dead_letter: { title: 'Discard', inputs: requiredReason, danger: true },
  accept_drift: { title: 'Accept drift', inputs: optionalReason, danger: false },
  resend_invoice: { title: 'Resend invoice', inputs: optionalReason, danger: false },
  accept_erp_amount: { title: 'Accept ERP amount', inputs: requiredReason, danger: false },
  resolve: { title: 'Resolve', inputs: requiredReason, danger: false },
  dismiss: { title: 'Dismiss', inputs: requiredReason, danger: false },
};

/** The `params` fields an action declares, in a fixed order. */
const declaredParams = (action: ExceptionAction): ParamInput[] => paramInputs.filter((name) => actionSpecs[action].inputs[name] !== undefined);

/** The schema of an action's `params`, built from its declaration: declared fields only, required ones required. */
function paramsSchemaOf(action: ExceptionAction): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const name of declaredParams(action)) shape[name] = actionSpecs[action].inputs[name] === 'required' ? paramSchemas[name] : paramSchemas[name].optional();
  return z.strictObject(shape);
}

// Built once: every request of an action is checked against the same schema.
const paramsSchemas = new Map(exceptionActions.map((action) => [action, paramsSchemaOf(action)]));

export interface BodyProblem {
  /** Where in the request, e.g. `body.reason`, `body.params.promiseDate`. */
  path: string;
  message: string;
}

/**
 * Checks an action request's reason (already trimmed; null when absent) and params against the
 * action's declaration. Answers the params as parsed, or the problems found (reason first).
 */
export function checkActionBody(
  action: ExceptionAction,
  body: { reason: string | null; params: Record<string, unknown> },
): { ok: true; params: Record<string, unknown> } | { ok: false; problems: BodyProblem[] } {
  const problems: BodyProblem[] = [];
  if (actionSpecs[action].inputs.reason === 'required' && body.reason === null) problems.push({ path: 'body.reason', message: `${action} needs a reason for the audit trail` });
  const parsed = paramsSchemas.get(action)!.safeParse(body.params);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // An unknown field is reported by zod at the object itself; name the field instead.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) problems.push({ path: ['body', 'params', ...issue.path.map(String), ...(key === undefined ? [] : [key])].join('.'), message: key === undefined ? issue.message : `not an input of ${action}` });
    }
  }
  return problems.length > 0 || !parsed.success ? { ok: false, problems } : { ok: true, params: parsed.data };
}
