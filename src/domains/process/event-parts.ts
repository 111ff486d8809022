import { column, grow } from './columns.ts';
import { EVENT_MANUAL, eventKinds } from './process.types.ts';

/**
 * A parallel recompute splits the log by order: orders in blocks of 2^ORDER_BLOCK_BITS consecutive
 * ordinals, the blocks dealt to the parts in turn, and every event to the part of its order (events
 * naming no order: see `partOfEvent` in facts.rules.ts). A block of order rows is then whole cache
 * lines (64 rows of 144 bytes), so two threads rarely write one line, and an order's events, folded
 * by one thread, keep their sequence order.
 */
export const ORDER_BLOCK_BITS = 6;

/** The parts of a parallel recompute: one per worker thread. */
export const LOG_PARTS = 2;

/** The part an order (by its ordinal) belongs to. */
export const partOfOrder = (ordinal: number, parts: number): number => (ordinal >>> ORDER_BLOCK_BITS) % parts;

const KIND_NONE = eventKinds.indexOf('none');

/** The index as worker threads receive it: views of shared memory and the counts. */
export interface SharedEventParts {
  own: Int32Array[];
  ownCount: number[];
  shared: Int32Array;
  sharedCount: number;
  indexed: number;
}

/**
 * A shared log's events filed by the part of a parallel recompute they go to, as the log grows, so
 * that each worker thread reads its own events rather than passing over all ten million of them,
 * twice (to fold, then to map), to find its half. Both lists are in sequence order.
 *
 * - `own[p]`: the events naming exactly one order, when that order is part p's. Every kind: the
 *   fold skips those that change no fact, but the order map steps them all.
 * - `shared`: the events naming several orders, and the events naming none that a fold reads (they
 *   have a kind, or a person acted). Every part reads these and decides which are its own, as it
 *   would without the index.
 *
 * Events naming no order and changing no fact (most inventory and carrier events) are in neither
 * list: no part folds them, and the order map does not step them.
 */
export class EventParts {
  own: Int32Array[];
  ownCount: number[];
  shared: Int32Array;
  sharedCount = 0;
  /** Events [0, indexed) are filed; an event is filed once its relations are all added. */
  indexed = 0;

  constructor(state?: SharedEventParts) {
    if (state) {
      this.own = state.own;
      this.ownCount = state.ownCount;
      this.shared = state.shared;
      this.sharedCount = state.sharedCount;
      this.indexed = state.indexed;
      return;
    }
    this.own = Array.from({ length: LOG_PARTS }, () => column(Int32Array, 1 << 10, true));
    this.ownCount = new Array<number>(LOG_PARTS).fill(0);
    this.shared = column(Int32Array, 1 << 10, true);
  }

  /** Files events [indexed, upTo), whose relations are complete. */
  index(upTo: number, eventOrder: Int32Array, kind: Uint8Array, flags: Uint8Array): void {
    for (let e = this.indexed; e < upTo; e++) {
      const order = eventOrder[e]!;
      if (order > 0) {
        const p = partOfOrder(order - 1, LOG_PARTS);
        const n = this.ownCount[p]!;
        if (n === this.own[p]!.length) this.own[p] = grow(this.own[p]!, n + 1);
        this.own[p]![n] = e;
        this.ownCount[p] = n + 1;
      } else if (order < 0 || kind[e] !== KIND_NONE || (flags[e]! & EVENT_MANUAL) !== 0) {
        if (this.sharedCount === this.shared.length) this.shared = grow(this.shared, this.sharedCount + 1);
        this.shared[this.sharedCount++] = e;
      }
    }
    this.indexed = Math.max(this.indexed, upTo);
  }

  share(): SharedEventParts {
    return { own: this.own.slice(), ownCount: this.ownCount.slice(), shared: this.shared, sharedCount: this.sharedCount, indexed: this.indexed };
  }
}

/** Past the last event of every log: what a cursor returns once it has no more. */
export const NO_EVENT = 0x7fff_ffff;

/**
 * The events one part reads, in sequence order from `from`: its own and the shared ones merged from
 * the index, or, without one (`index` null), every event. The fold and the map step through it.
 */
export class PartCursor {
  private readonly own: Int32Array;
  private readonly ownEnd: number;
  private readonly shared: Int32Array;
  private readonly sharedEnd: number;
  private nextOwn = 0;
  private nextShared = 0;
  private nextEvent: number;

  constructor(
    private readonly index: EventParts | null,
    part: number,
    from: number,
  ) {
    this.nextEvent = from;
    this.own = index !== null ? index.own[part]! : NO_EVENTS;
    this.ownEnd = index !== null ? index.ownCount[part]! : 0;
    this.shared = index !== null ? index.shared : NO_EVENTS;
    this.sharedEnd = index !== null ? index.sharedCount : 0;
    if (index !== null) {
      while (this.nextOwn < this.ownEnd && this.own[this.nextOwn]! < from) this.nextOwn++;
      while (this.nextShared < this.sharedEnd && this.shared[this.nextShared]! < from) this.nextShared++;
    }
  }

  /** The next event, or `NO_EVENT`. */
  next(): number {
    if (this.index === null) return this.nextEvent++;
    const a = this.nextOwn < this.ownEnd ? this.own[this.nextOwn]! : NO_EVENT;
    const b = this.nextShared < this.sharedEnd ? this.shared[this.nextShared]! : NO_EVENT;
    if (a < b) {
      this.nextOwn++;
      return a;
    }
    if (b !== NO_EVENT) this.nextShared++;
    return b;
  }
}

const NO_EVENTS = new Int32Array(0);
