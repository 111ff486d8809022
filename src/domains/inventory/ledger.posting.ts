import type { Insertable } from 'kysely';
import type { StoreKind, Tx } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { InventoryMovementRow } from './inventory.tables.ts';
import type { InventoryEvent } from './inventory.types.ts';
import { applyDeltas, checkReserve, deltasForEvent, type BucketDeltas, type Buckets, type PostingRejection } from './ledger.rules.ts';
import { insertMovements, lockPositions, positionKey, writePositions } from './ledger.repo.ts';

export type MovementType = InventoryMovementRow['type'];

/** One movement to post: either a physical event (deltas from the rules) or explicit deltas. */
export interface LedgerPosting {
  sku: string;
  locationCode: string;
  type: string;
  /** A physical event whose deltas the rules compute from the running position. */
  event?: Pick<InventoryEvent, 'type' | 'quantity' | 'bucket' | 'reasonCode'>;
  /** Deltas the caller computed (reservations, corrections). */
  deltas?: BucketDeltas;
  /** For a reservation: the quantity that must be free (I3) before it is taken. */
  reserveQuantity?: number;
  reasonCode?: string | null;
  source: string;
  sourceSequence: number | null;
  occurredAt: number;
  receivedAt: number;
  reservationId?: string | null;
  reference?: string | null;
}

export type PostingOutcome =
  | { ok: true; movementId: string; deltas: BucketDeltas; position: Buckets }
  | { ok: false; rejection: PostingRejection };

export interface PostingReport {
  outcomes: PostingOutcome[];
  /** Positions after the batch, for every key the batch touched (posted or not). */
  positions: Map<string, { sku: string; locationCode: string; buckets: Buckets }>;
  lastMovementSeq: number;
}

export interface PostingContext {
  kind: StoreKind;
  ids: IdGenerator;
  now: number;
  /** Whether a location lets on hand go below zero (DESIGN I2). */
  allowNegativeOnHand: (locationCode: string) => boolean;
}

/**
 * Posts movements in order inside the caller's transaction: locks the positions, runs the pure rules
 * against the running balance, appends the movements that pass and writes the new balances. A
 * rejected posting changes nothing and is reported; the others still apply.
 */
export async function postToLedger(tx: Tx, context: PostingContext, postings: readonly LedgerPosting[]): Promise<PostingReport> {
  const locked = await lockPositions(tx, context.kind, postings, context.now);
  const running = new Map<string, { sku: string; locationCode: string; buckets: Buckets }>();
  for (const p of postings) {
    const key = positionKey(p.sku, p.locationCode);
    if (!running.has(key)) running.set(key, { sku: p.sku, locationCode: p.locationCode, buckets: locked.get(key)! });
  }

  const outcomes: PostingOutcome[] = [];
  const rows: Insertable<InventoryMovementRow>[] = [];
  const changedKeys = new Set<string>();
  for (const p of postings) {
    const key = positionKey(p.sku, p.locationCode);
    const current = running.get(key)!;
    const outcome = postOne(context, p, current.buckets);
    outcomes.push(outcome);
    if (!outcome.ok) continue;
    current.buckets = outcome.position;
    changedKeys.add(key);
    rows.push({
      id: outcome.movementId,
      sku: p.sku,
      location_code: p.locationCode,
      type: p.type,
      d_on_hand: outcome.deltas.onHand ?? 0,
      d_reserved: outcome.deltas.reserved ?? 0,
      d_quarantined: outcome.deltas.quarantined ?? 0,
      d_damaged: outcome.deltas.damaged ?? 0,
      d_in_transit: outcome.deltas.inTransit ?? 0,
      reason_code: p.reasonCode ?? null,
      source: p.source,
      source_sequence: p.sourceSequence,
      occurred_at: p.occurredAt,
      received_at: p.receivedAt,
      reservation_id: p.reservationId ?? null,
      reference: p.reference ?? null,
    });
  }
  const lastMovementSeq = rows.length > 0 ? await insertMovements(tx, rows) : 0;
  if (rows.length > 0) {
    const changed = [...changedKeys].map((key) => running.get(key)!);
    await writePositions(tx, changed, lastMovementSeq, context.now);
  }
  return { outcomes, positions: running, lastMovementSeq };
}

function postOne(context: PostingContext, p: LedgerPosting, position: Buckets): PostingOutcome {
  let deltas: BucketDeltas;
  if (p.event) {
    const computed = deltasForEvent(p.event, position);
    if (!computed.ok) return computed;
    deltas = computed.deltas;
  } else {
    deltas = p.deltas ?? {};
  }
  if (p.reserveQuantity !== undefined) {
    const reserve = checkReserve(position, p.reserveQuantity);
    if (!reserve.ok) return reserve;
  }
  const applied = applyDeltas(position, deltas, { allowNegativeOnHand: context.allowNegativeOnHand(p.locationCode) });
  if (!applied.ok) return applied;
  return { ok: true, movementId: context.ids.next(), deltas, position: applied.position };
}
