import type { Clock } from '../../platform/clock.ts';
import type { StoreKind, Tx } from '../../platform/db/store.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { NewEvent } from '../../platform/outbox/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import { postToLedger, type PostingOutcome } from './ledger.posting.ts';
import type { BucketDeltas } from './ledger.rules.ts';
import type { PositionChange } from './position-changes.ts';

/** Movement types the hub itself posts when its own flows move goods (shipments, returns, receipts, transfers). */
export type CrossdockMovementType = 'ship' | 'receipt' | 'return_receipt' | 'disposition' | 'transfer_out' | 'transfer_in' | 'adjustment';

/**
 * A movement caused by one of our flows rather than reported by a warehouse feed. The caller states
 * the bucket deltas itself (a shipment lowers on hand; a return goes into quarantine), so the entry
 * says exactly what happened; the ledger rules still refuse anything that would break I2.
 */
export interface CrossdockMovement {
  sku: string;
  locationCode: string;
  type: CrossdockMovementType;
  deltas: BucketDeltas;
  /** The document that caused it, e.g. `shipment:<id>`, `return:<id>`, `po:<number>`. */
  reference: string;
  reasonCode?: string;
  /** When it happened physically; defaults to now. */
  occurredAtMs?: number;
}

export interface CrossdockMovementsDeps {
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  catalog: CatalogService;
  /** The availability announcements for changed positions, as ingest and reservations append them. */
  announce: (changes: readonly PositionChange[]) => NewEvent[];
}

export interface CrossdockPostingResult {
  outcomes: PostingOutcome[];
  /** Publish on `inventoryChanges` after the caller's transaction commits. */
  changes: PositionChange[];
  /** Append with the caller's other events, as the transaction's last writes (I8). */
  events: NewEvent[];
}

/** Source name of every movement the hub posts itself; it has no sequence (dedupe is the flow's job). */
export const CROSSDOCK_SOURCE = 'crossdock';

/**
 * Posting the hub's own movements inside a flow's transaction, so that the goods move in the same
 * commit as the document that moved them (a shipment, a return receipt, a purchase-order receipt).
 * Dedupe belongs to the calling flow: it must know (by its document's state) that it has not posted
 * these movements before.
 */
export function createCrossdockMovements(deps: CrossdockMovementsDeps) {
  return {
    async postIn(tx: Tx, movements: readonly CrossdockMovement[]): Promise<CrossdockPostingResult> {
      if (movements.length === 0) return { outcomes: [], changes: [], events: [] };
      const now = deps.clock.now();
      const locations = await deps.catalog.locations.getMany([...new Set(movements.map((m) => m.locationCode))], tx);
      const report = await postToLedger(
        tx,
        { kind: deps.kind, ids: deps.ids, now, allowNegativeOnHand: (code) => locations.get(code)?.allowNegativeOnHand ?? false },
        movements.map((m) => ({
          sku: m.sku,
          locationCode: m.locationCode,
          type: m.type,
          deltas: m.deltas,
          reasonCode: m.reasonCode ?? null,
          source: CROSSDOCK_SOURCE,
          sourceSequence: null,
          occurredAt: m.occurredAtMs ?? now,
          receivedAt: now,
          reference: m.reference,
        })),
      );
      const changes: PositionChange[] = report.outcomes.some((o) => o.ok)
        ? [...report.positions.values()].map((p) => ({ ...p, lastMovementSeq: report.lastMovementSeq, acceptedAtMs: now }))
        : [];
      return { outcomes: report.outcomes, changes, events: deps.announce(changes) };
    },
  };
}

export type CrossdockMovements = ReturnType<typeof createCrossdockMovements>;
