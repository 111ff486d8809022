import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { csvColumnsByKind } from './catalog.csv-columns.ts';
import { catalogEntities } from './catalog.entities.ts';
import { fromCsv, validateCandidates } from './catalog.import.ts';
import { catalogKinds, type CatalogKind } from './catalog.types.ts';

/** docs/master-data.md is what integrators read; these checks keep it in step with the code. */
const doc = readFileSync(new URL('../../../docs/master-data.md', import.meta.url), 'utf8');

function sectionOf(kind: CatalogKind): string {
  const start = doc.indexOf(`(\`${kind}\`)\n`);
  assert.ok(start >= 0, `docs/master-data.md has a section for ${kind}`);
  const end = doc.indexOf('\n## ', start);
  return doc.slice(start, end === -1 ? undefined : end);
}

test('the documented CSV columns of each entity are exactly the ones the import reads', () => {
  for (const kind of catalogKinds) {
    const listed = /Columns: ([\s\S]*?)\.\s*(\n|$)/.exec(sectionOf(kind))?.[1];
    assert.ok(listed, `${kind}: a "Columns:" list`);
    const names = listed.split(',').map((name) => name.replace(/[`\s]/g, ''));
    assert.deepEqual(names, csvColumnsByKind[kind].map((c) => c.name), kind);
  }
});

test('every documented CSV example imports without an error', () => {
  for (const kind of catalogKinds) {
    const example = /```csv\n([\s\S]*?)```/.exec(sectionOf(kind))?.[1];
    assert.ok(example, `${kind}: a CSV example`);
    const entity = catalogEntities[kind];
    const source = fromCsv(example, entity.csvColumns, entity.keyField);
    assert.deepEqual(source.errors, [], kind);
    const keyOf = (doc: Record<string, unknown>) => String(doc[entity.keyField]);
    const { valid, errors } = validateCandidates(source, entity.schema as z.ZodType<Record<string, unknown>>, { keyField: entity.keyField, keyOf });
    assert.deepEqual(errors, [], kind);
    assert.equal(valid.length, source.received, kind);
  }
});
