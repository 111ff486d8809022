import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';

/**
 * Takes in an order over HTTP the way the sample trading partner sends it: by EDI from ACME for
 * CUST-ACME, shipped to ST-001 (all from `seedSampleCatalog`). `extra` adds or replaces header
 * fields. Fails the test unless intake created the order, and answers its id; allocation and
 * release follow only when the caller dispatches the outbox.
 */
export async function submitSampleOrder(t: TestApp, externalOrderNumber: string, lines: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/v1/orders',
    headers: t.as('integration'),
    payload: { channel: 'EDI', partnerCode: 'ACME', externalOrderNumber, customerCode: 'CUST-ACME', shipToCode: 'ST-001', lines, ...extra },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().order.id as string;
}
