/**
 * Typed-array columns that grow, in shared memory or not: the process log's (compact-log.ts) and
 * its index of events by part (event-parts.ts). Also the memory helpers the recompute's arrays share:
 * faulting pages in ahead of use, and counting typed memory.
 */
export type Column = Float64Array | Int32Array | Uint8Array;
type ColumnClass<T extends Column> = { new (n: number): T; new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number };

/**
 * Room for `needed` values, the values held copied. A column already in shared memory grows into
 * shared memory, so a log built shared stays shareable with worker threads without a copy.
 */
export function grow<T extends Column>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const length = Math.max(needed, array.length * 2, 16);
  const Class = array.constructor as ColumnClass<T>;
  const next = array.buffer instanceof SharedArrayBuffer ? new Class(new SharedArrayBuffer(length * Class.BYTES_PER_ELEMENT)) : new Class(length);
  next.set(array);
  return next;
}

/** The memory page: the unit in which fresh memory is faulted in. */
export const PAGE_BYTES = 4096;

/**
 * Writes one byte of every page of `buffer` between `start` and `end`, so that the pages are faulted
 * in now rather than when first used. Fresh memory is all zero bytes, and a zero is written, so the
 * values do not change.
 */
export function faultIn(buffer: ArrayBufferLike, start = 0, end = buffer.byteLength): void {
  const bytes = new Uint8Array(buffer);
  for (let i = start; i < end; i += PAGE_BYTES) bytes[i] = 0;
}

/** An empty column, in shared memory or not. */
export function column<T extends Column>(Class: ColumnClass<T>, length: number, shared: boolean): T {
  return shared ? new Class(new SharedArrayBuffer(length * Class.BYTES_PER_ELEMENT)) : new Class(length);
}

/**
 * Bytes of the typed arrays reachable from `root` through own properties and arrays, each buffer
 * counted once and whole (room to grow included): what a columnar structure holds outside the
 * heap's small objects. Maps and strings are not counted.
 */
export function typedBytes(root: unknown, seen = new Set<ArrayBufferLike>(), depth = 4): number {
  if (ArrayBuffer.isView(root)) {
    if (seen.has(root.buffer)) return 0;
    seen.add(root.buffer);
    return root.buffer.byteLength;
  }
  if (depth === 0 || root === null || typeof root !== 'object' || root instanceof Map || root instanceof Set) return 0;
  let bytes = 0;
  for (const value of Array.isArray(root) ? root : Object.values(root)) bytes += typedBytes(value, seen, depth - 1);
  return bytes;
}
