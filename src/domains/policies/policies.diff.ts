import type { PolicyChange } from './policies.types.ts';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The leaves that differ between two JSON documents, in the order their keys appear (keys of
 * `before` first, then keys only `after` has). Objects are walked; arrays and scalars are compared
 * as whole values, because an index-by-index diff of a list (`reasonCodes`) reads worse than the
 * list before and after.
 */
export function diffDocuments(before: unknown, after: unknown, path: readonly string[] = []): PolicyChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !Object.hasOwn(before, key))];
    return keys.flatMap((key) => {
      const inBefore = Object.hasOwn(before, key);
      const inAfter = Object.hasOwn(after, key);
      const at = [...path, key];
      if (!inAfter) return [{ path: at.join('.'), change: 'removed' as const, before: before[key] }];
      if (!inBefore) return [{ path: at.join('.'), change: 'added' as const, after: after[key] }];
      return diffDocuments(before[key], after[key], at);
    });
  }
  return sameJson(before, after) ? [] : [{ path: path.join('.'), change: 'changed', before, after }];
}
