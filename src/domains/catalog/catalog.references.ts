import type { CatalogKind } from './catalog.types.ts';

/** A field of one document that names another master-data record, such as an item's substitute. */
export interface Reference {
  kind: CatalogKind;
  key: string;
  /** Where in the referring document, such as `['substitutes', 1]`. */
  path: (string | number)[];
}

export interface UnknownReference extends Reference {
  /** Position of the referring document in the list given. */
  position: number;
}

/**
 * Finds references that point at nothing, for a batch of documents of one kind with unique keys.
 * A reference is satisfied by a stored record, or by another document of the same batch that is
 * itself accepted; rejecting one document can orphan those that refer to it, so their referrers are
 * checked again (a work list, linear in the number of references). Pure: the caller looks up which
 * referenced keys are stored, with one query per kind and chunk.
 */
export function findUnknownReferences(
  ownKind: CatalogKind,
  batch: ReadonlyArray<{ key: string; references: readonly Reference[] }>,
  stored: (kind: CatalogKind, key: string) => boolean,
): UnknownReference[] {
  const accepted = new Set(batch.map((entry) => entry.key));
  const referrers = new Map<string, number[]>();
  batch.forEach((entry, position) => {
    for (const ref of entry.references) {
      if (ref.kind !== ownKind) continue;
      const list = referrers.get(ref.key);
      if (list) list.push(position);
      else referrers.set(ref.key, [position]);
    }
  });
  const rejected = new Map<number, UnknownReference[]>();
  const toCheck = batch.map((_, position) => position);
  while (toCheck.length > 0) {
    const position = toCheck.pop()!;
    const entry = batch[position]!;
    if (rejected.has(position)) continue;
    const unknown = entry.references.filter((ref) => !stored(ref.kind, ref.key) && !(ref.kind === ownKind && accepted.has(ref.key)));
    if (unknown.length === 0) continue;
    rejected.set(position, unknown.map((ref) => ({ ...ref, position })));
    accepted.delete(entry.key);
    toCheck.push(...(referrers.get(entry.key) ?? []));
  }
  return [...rejected.entries()].sort(([a], [b]) => a - b).flatMap(([, refs]) => refs);
}

/** Groups references by the kind they point at, so existence is checked with one query per kind. */
export function referencedKeysByKind(references: Iterable<Reference>): Map<CatalogKind, Set<string>> {
  const byKind = new Map<CatalogKind, Set<string>>();
  for (const ref of references) {
    let keys = byKind.get(ref.kind);
    if (!keys) byKind.set(ref.kind, (keys = new Set()));
    keys.add(ref.key);
  }
  return byKind;
}
