import { column, grow } from './columns.ts';

/**
 * Object ids in one byte buffer (ids are ASCII: types, UUIDs, codes), decoded only when asked for.
 * Millions of ids as separate strings would make every garbage collection walk millions of objects.
 */
export class IdBuffer {
  bytes: Uint8Array;
  start: Int32Array;
  used = 0;
  count = 0;

  constructor(shared: boolean) {
    this.bytes = column(Uint8Array, 1 << 16, shared);
    this.start = column(Int32Array, 1 << 12, shared);
  }

  push(id: string): void {
    if (this.count + 1 >= this.start.length) this.start = grow(this.start, (this.count + 2) * 2);
    if (this.used + id.length * 3 > this.bytes.length) this.bytes = grow(this.bytes, (this.used + id.length * 3) * 2);
    this.used += encoder.encodeInto(id, this.bytes.subarray(this.used)).written;
    this.count++;
    this.start[this.count] = this.used;
  }

  get(index: number): string {
    return decoder.decode(this.bytes.subarray(this.start[index]!, this.start[index + 1]!));
  }
}
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * Id → object number, as a hash table over the id buffer's bytes: each slot holds an object's number
 * plus one (0: empty), found by linear probing and confirmed by comparing the bytes.
 *
 * Why not a Map of strings: at ten million events a log has some nine million objects, and a Map
 * keeps each id again as a string on the heap (about a gigabyte, walked by every full collection).
 * A log read back from a snapshot had to decode and hash each id into it (about 2 µs an id, 18 s at
 * ten million events); here it hashes the bytes it already has, and the table is one array.
 */
export class IdTable {
  private slots = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private size = 0;
  /** Where a lookup of a string with characters past ASCII puts its UTF-8 bytes. */
  private scratch = new Uint8Array(256);
  private scratchLength = 0;

  constructor(private readonly ids: IdBuffer) {}

  /** The object's number, or -1 when no object of that id is in the table. */
  find(id: string): number {
    const ascii = isAscii(id);
    const hash = ascii ? hashChars(id) : this.hashEncoded(id);
    const { bytes, start } = this.ids;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const index = entry - 1;
      const from = start[index]!;
      const length = start[index + 1]! - from;
      if (ascii ? sameChars(id, bytes, from, length) : this.sameEncoded(bytes, from, length)) return index;
    }
  }

  /**
   * Adds object `index`, whose id the buffer already holds and the table does not: an id names one
   * object, so the table is not asked to choose between two.
   */
  add(index: number): void {
    if ((this.size + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.place(index);
    this.size++;
  }

  /**
   * Makes room for `objects` in all without growing again: a log read back from a snapshot indexes
   * millions of ids at once, and each doubling on the way would place every id again.
   */
  reserve(objects: number): void {
    let capacity = this.slots.length;
    while (objects * 2 > capacity) capacity *= 2;
    if (capacity > this.slots.length) this.rehash(capacity);
  }

  private place(index: number): void {
    const { bytes, start } = this.ids;
    let slot = hashBytes(bytes, start[index]!, start[index + 1]!) & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = index + 1;
  }

  private rehash(capacity: number): void {
    const old = this.slots;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let slot = 0; slot < old.length; slot++) if (old[slot] !== 0) this.place(old[slot]! - 1);
  }

  /** Hashes the id's UTF-8 bytes, left in `scratch` for the comparison. */
  private hashEncoded(id: string): number {
    if (id.length * 3 > this.scratch.length) this.scratch = new Uint8Array(id.length * 3);
    this.scratchLength = encoder.encodeInto(id, this.scratch).written;
    return hashBytes(this.scratch, 0, this.scratchLength);
  }

  private sameEncoded(bytes: Uint8Array, from: number, length: number): boolean {
    if (length !== this.scratchLength) return false;
    for (let i = 0; i < length; i++) if (bytes[from + i] !== this.scratch[i]) return false;
    return true;
  }
}

function isAscii(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** FNV-1a over an ASCII string's characters: the same as over its bytes. */
function hashChars(id: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), FNV_PRIME);
  return finish(hash);
}

function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = FNV_OFFSET;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return finish(hash);
}

/**
 * FNV's multiplications carry bits only upwards, so the low bits that pick a slot see little of its
 * mixing, and ids that differ only in their last characters (an order's lines) would crowd
 * neighbouring slots. A final avalanche brings the high bits down.
 */
function finish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  // A signed 32-bit integer (a small integer to V8, never a heap number); only its low bits are used.
  return hash ^ (hash >>> 13);
}

function sameChars(id: string, bytes: Uint8Array, from: number, length: number): boolean {
  if (length !== id.length) return false;
  for (let i = 0; i < length; i++) if (bytes[from + i] !== id.charCodeAt(i)) return false;
  return true;
}
