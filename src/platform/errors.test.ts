import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { errorStatusByCode } from './errors.ts';

test('every error code is snake_case, maps to a 4xx or 5xx, and is documented in docs/api.md', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  for (const [code, status] of Object.entries(errorStatusByCode)) {
    assert.match(code, /^[a-z]+(_[a-z0-9]+)*$/, code);
    assert.ok(status >= 400 && status < 600, `${code} → ${status}`);
    assert.ok(doc.includes(`| \`${code}\` | ${status} |`), `docs/api.md lists ${code} with status ${status}`);
  }
});
