import type { InventoryEvent } from './inventory.types.ts';

/**
 * The pure core of the ledger: what one movement does to a position's buckets, and whether the
 * result is allowed. No I/O, no clock: (position, input) → result.
 *
 * Bucket meanings (whole base units, per SKU × location):
 * - onHand: every unit physically at the location, including quarantined and damaged ones;
 * - reserved: units held for order lines (a subset of the sellable units);
 * - quarantined: returned or suspect units awaiting inspection, not sellable;
 * - damaged: units known damaged, not sellable, awaiting disposition;
 * - inTransit: units on their way to this location (transfers, supplier shipments), not yet on hand.
 * So sellable = onHand − quarantined − damaged, and ATP starts from sellable − reserved.
 */
export interface Buckets {
  onHand: number;
  reserved: number;
  quarantined: number;
  damaged: number;
  inTransit: number;
}

export type BucketDeltas = Partial<Buckets>;

export const emptyBuckets = (): Buckets => ({ onHand: 0, reserved: 0, quarantined: 0, damaged: 0, inTransit: 0 });

export const bucketNames = ['onHand', 'reserved', 'quarantined', 'damaged', 'inTransit'] as const satisfies ReadonlyArray<keyof Buckets>;

/** Maps the wire names of buckets (snake_case in events) to the position's fields. */
export const bucketByWireName = {
  on_hand: 'onHand',
  reserved: 'reserved',
  quarantined: 'quarantined',
  damaged: 'damaged',
  in_transit: 'inTransit',
} as const satisfies Record<string, keyof Buckets>;

export type PostingRejection =
  | { code: 'quantity_must_be_positive'; message: string }
  | { code: 'quantity_must_not_be_zero'; message: string }
  | { code: 'bucket_not_allowed'; message: string }
  | { code: 'disposition_reason_required'; message: string }
  | { code: 'negative_bucket'; message: string; bucket: keyof Buckets; wouldBe: number }
  | { code: 'reserved_exceeds_sellable'; message: string; wouldBe: number; sellable: number };

export type PostingResult = { ok: true; deltas: BucketDeltas } | { ok: false; rejection: PostingRejection };

const ok = (deltas: BucketDeltas): PostingResult => ({ ok: true, deltas });
const reject = (rejection: PostingRejection): PostingResult => ({ ok: false, rejection });

type PhysicalEvent = Pick<InventoryEvent, 'type' | 'quantity' | 'bucket' | 'reasonCode'>;

/** Dispositions say where inspected units go; the reason code carries the choice. */
export const dispositionReasons = ['restock', 'scrap', 'vendor_return'] as const;

/**
 * The bucket deltas of a physical event reported by a warehouse, 3PL or ERP, in base units.
 * `position` is needed only by a cycle count, whose quantity is an absolute count.
 */
export function deltasForEvent(event: PhysicalEvent, position: Buckets): PostingResult {
  const q = event.quantity;
  const positive = (what: string): PostingRejection | undefined =>
    q > 0 ? undefined : { code: 'quantity_must_be_positive', message: `${what} quantity must be positive, got ${q}` };

  switch (event.type) {
    case 'receipt':
      return positive('a receipt') ? reject(positive('a receipt')!) : ok({ onHand: q });
    case 'pick':
      // A pick moves units within the building; on hand falls only when they ship. It is kept in the
      // ledger for the timeline and for measuring warehouse latency.
      return positive('a pick') ? reject(positive('a pick')!) : ok({});
    case 'ship':
      return positive('a shipment') ? reject(positive('a shipment')!) : ok({ onHand: -q });
    case 'adjustment': {
      if (q === 0) return reject({ code: 'quantity_must_not_be_zero', message: 'an adjustment of zero changes nothing' });
      const bucket = bucketByWireName[event.bucket ?? 'on_hand'];
      if (bucket === 'reserved') {
        return reject({ code: 'bucket_not_allowed', message: 'reservations change only through reservation commands, not adjustments' });
      }
      // Moving units into quarantine or damage leaves them on hand; only on-hand adjustments change it.
      return ok({ [bucket]: q });
    }
    case 'cycle_count':
      if (q < 0) return reject({ code: 'quantity_must_be_positive', message: `a cycle count is an absolute count and cannot be negative, got ${q}` });
      return ok({ onHand: q - position.onHand });
    case 'transfer_out':
      return positive('a transfer out') ? reject(positive('a transfer out')!) : ok({ onHand: -q });
    case 'transfer_in': {
      if (positive('a transfer in')) return reject(positive('a transfer in')!);
      // Units that were expected in transit arrive; any excess over what was expected simply arrives.
      return ok({ onHand: q, inTransit: -Math.min(q, position.inTransit) });
    }
    case 'return_receipt':
      // Returns land in quarantine until inspected.
      return positive('a return receipt') ? reject(positive('a return receipt')!) : ok({ onHand: q, quarantined: q });
    case 'disposition': {
      if (positive('a disposition')) return reject(positive('a disposition')!);
      const from = bucketByWireName[event.bucket ?? 'quarantined'];
      if (from !== 'quarantined' && from !== 'damaged') {
        return reject({ code: 'bucket_not_allowed', message: `a disposition takes units out of quarantined or damaged, not ${event.bucket}` });
      }
      switch (event.reasonCode) {
        case 'restock':
          return ok({ [from]: -q });
        case 'scrap':
        case 'vendor_return':
          return ok({ [from]: -q, onHand: -q });
        default:
          return reject({
            code: 'disposition_reason_required',
            message: `a disposition needs reasonCode ${dispositionReasons.join(', ')}; got ${event.reasonCode ?? 'none'}`,
          });
      }
    }
  }
}

export const sellable = (b: Buckets): number => b.onHand - b.quarantined - b.damaged;

/**
 * Applies deltas and checks I2 (no negative bucket, on hand only where the location allows it).
 * Physical events may leave reservations above sellable stock — the warehouse's count is reality —
 * so that is reported by `shortfall`, not rejected; only reservation movements are held to I3.
 */
export function applyDeltas(position: Buckets, deltas: BucketDeltas, options: { allowNegativeOnHand: boolean }): { ok: true; position: Buckets } | { ok: false; rejection: PostingRejection } {
  const next: Buckets = { ...position };
  for (const name of bucketNames) next[name] += deltas[name] ?? 0;
  for (const name of bucketNames) {
    if (next[name] >= 0) continue;
    if (name === 'onHand' && options.allowNegativeOnHand) continue;
    return {
      ok: false,
      rejection: { code: 'negative_bucket', bucket: name, wouldBe: next[name], message: `${name} would become ${next[name]} (it is ${position[name]})` },
    };
  }
  return { ok: true, position: next };
}

/** Units reserved beyond what is sellable, after a physical loss; 0 when the position is sound. */
export const shortfall = (b: Buckets): number => Math.max(0, b.reserved - Math.max(0, sellable(b)));

/** A reservation may only take what is free: I3, reserved never exceeds sellable on hand. */
export function checkReserve(position: Buckets, quantity: number): { ok: true } | { ok: false; rejection: PostingRejection } {
  if (quantity <= 0) return { ok: false, rejection: { code: 'quantity_must_be_positive', message: `a reservation must be positive, got ${quantity}` } };
  const wouldBe = position.reserved + quantity;
  const free = sellable(position);
  if (wouldBe > free) {
    return {
      ok: false,
      rejection: { code: 'reserved_exceeds_sellable', wouldBe, sellable: free, message: `only ${Math.max(0, free - position.reserved)} free to reserve, asked ${quantity}` },
    };
  }
  return { ok: true };
}
