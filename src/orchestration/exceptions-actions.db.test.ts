import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestApp } from '../../tests/helpers/app.ts';
import { testStoreKind } from '../../tests/helpers/store.ts';
import { actionSpecs, exceptionTypes, type ExceptionAction, type ExceptionType, type RaiseInput } from '../domains/exceptions/index.ts';

/**
 * What `GET /v1/exception-types` says each action takes is what the hub accepts: the description
 * and the validation of `POST /v1/exceptions/{id}/actions/{action}` come from one declaration, with
 * the app's real handlers registered.
 */
let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(async () => t.dispose());

interface ActionDetail {
  name: ExceptionAction;
  title: string;
  inputs: { reason: 'required' | 'optional'; promiseDate?: 'required' | 'optional'; payload?: 'required' | 'optional' };
  danger: boolean;
}
interface TypeDoc {
  type: ExceptionType;
  ownerRole: 'finance';
  actions: ExceptionAction[];
  actionDetails: ActionDetail[];
}

const call = async (method: 'GET' | 'POST', url: string, role: Parameters<TestApp['as']>[0], payload?: object) => {
  const res = await t.app.http.inject({ method, url, headers: t.as(role), ...(payload === undefined ? {} : { payload }) });
  return { status: res.statusCode, body: res.json() as any };
};
const raise = (input: RaiseInput) => t.testStore.store.db.transaction().execute((tx) => t.app.services.exceptions.raiseIn(tx, input));
const typesNow = async (): Promise<TypeDoc[]> => {
  const res = await call('GET', '/v1/exception-types', 'viewer');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
};
const detailOf = (types: TypeDoc[], type: ExceptionType, action: ExceptionAction) => {
  const detail = types.find((d) => d.type === type)?.actionDetails.find((a) => a.name === action);
  assert.ok(detail, `${type} describes no ${action}`);
  return detail;
};

test(`the registry describes what each allowed action takes, beside the action names (${testStoreKind})`, async () => {
  const types = await typesNow();
  assert.equal(types.length, exceptionTypes.length);
  for (const d of types) assert.deepEqual(d.actionDetails.map((a) => a.name), d.actions, `${d.type}: actionDetails follow actions`);
  assert.deepEqual(detailOf(types, 'stock_shortage', 'change_promise_date'), { name: 'change_promise_date', title: 'Change promise date', inputs: { reason: 'optional', promiseDate: 'required' }, danger: false });
  assert.deepEqual(detailOf(types, 'invalid_order', 'edit_and_replay').inputs, { reason: 'optional', payload: 'optional' });
  assert.deepEqual(detailOf(types, 'stock_shortage', 'resolve').inputs, { reason: 'required' });
  assert.deepEqual(detailOf(types, 'credit_hold', 'keep_hold').inputs, { reason: 'required' });
  assert.deepEqual(detailOf(types, 'credit_hold', 'release_hold').inputs, { reason: 'optional' });
  assert.equal(detailOf(types, 'integration_failure', 'discard_dead_letter').danger, true);
  assert.equal(detailOf(types, 'stock_shortage', 'cancel_line').danger, true);
});

test(`a request missing a described input is refused with 400 naming the field (${testStoreKind})`, async () => {
  const types = await typesNow();
  const { exception: shortage } = await raise({ type: 'stock_shortage', subject: { type: 'order_line', id: 'o-inputs-1:1' }, rootCause: { code: 'no_stock', message: 'nothing anywhere' } });
  const act = (action: ExceptionAction, body: object) => call('POST', `/v1/exceptions/${shortage.id}/actions/${action}`, 'planner', body);

  assert.equal(detailOf(types, 'stock_shortage', 'resolve').inputs.reason, 'required');
  const noReason = await act('resolve', {});
  assert.equal(noReason.status, 400, JSON.stringify(noReason.body));
  assert.equal(noReason.body.error.code, 'validation_failed');
  assert.equal(noReason.body.error.details[0].path, 'body.reason');

  assert.equal(detailOf(types, 'stock_shortage', 'change_promise_date').inputs.promiseDate, 'required');
  const noDate = await act('change_promise_date', { reason: 'customer agreed', params: {} });
  assert.equal(noDate.status, 400, JSON.stringify(noDate.body));
  assert.deepEqual(noDate.body.error.details.map((d: { path: string }) => d.path), ['body.params.promiseDate']);
  const badDate = await act('change_promise_date', { params: { promiseDate: '09/03/2026' } });
  assert.deepEqual([badDate.status, badDate.body.error.details[0].path], [400, 'body.params.promiseDate']);
  const undescribed = await act('change_promise_date', { params: { promiseDate: '2026-03-09', payload: 'x' } });
  assert.deepEqual([undescribed.status, undescribed.body.error.details[0].path], [400, 'body.params.payload'], 'an input the action does not describe is refused');

  // No refused request reached a command: each is recorded as refused, and the exception is untouched.
  const trail = await call('GET', `/v1/exceptions/${shortage.id}/audit`, 'viewer');
  assert.deepEqual(trail.body.items.map((a: { what: string }) => a.what), ['raised', 'action_failed', 'action_failed', 'action_failed', 'action_failed']);
  assert.ok(trail.body.items.slice(1).every((a: { detail: { error: { code: string } } }) => a.detail.error.code === 'validation_failed'));
  assert.equal((await call('GET', `/v1/exceptions/${shortage.id}`, 'viewer')).body.state, 'open');
});

test(`every described requirement of every type is enforced by the hub (${testStoreKind})`, async () => {
  const types = await typesNow();
  let checked = 0;
  for (const d of types) {
    const { exception } = await raise({ type: d.type, subject: { type: 'order', id: `o-inputs-${d.type}` }, rootCause: { code: 'probe', message: 'probing inputs' } });
    for (const detail of d.actionDetails) {
      assert.deepEqual(detail.inputs, actionSpecs[detail.name].inputs, `${detail.name} is described as declared`);
      const required = Object.entries(detail.inputs).filter(([, need]) => need === 'required').map(([name]) => (name === 'reason' ? 'body.reason' : `body.params.${name}`));
      if (required.length === 0) continue;
      const res = await call('POST', `/v1/exceptions/${exception.id}/actions/${detail.name}`, 'admin', {});
      assert.equal(res.status, 400, `${d.type} ${detail.name} without ${required.join(', ')}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.error.details.map((p: { path: string }) => p.path).sort(), required.sort(), `${d.type} ${detail.name}`);
      checked += 1;
    }
  }
  assert.ok(checked >= 20, `only ${checked} action requests checked`);
});
