import type { Buckets } from './ledger.rules.ts';

/** A position as it stands after a committed transaction. */
export interface PositionChange {
  sku: string;
  locationCode: string;
  buckets: Buckets;
  /** The ledger sequence that produced it; readers use it as a watermark. */
  lastMovementSeq: number;
  /** When the hub accepted the movement (injected clock), for measuring feed latency. */
  acceptedAtMs: number;
}

export type PositionChangeListener = (changes: readonly PositionChange[]) => void;

/**
 * In-process announcements of committed position changes. Every writer of the ledger (ingest,
 * reservations, snapshots) publishes here after its transaction commits, never before, so readers
 * (the ATP projection, the change feed) never see a change that rolled back. Other nodes catch up
 * from the positions table by watermark instead.
 */
export interface PositionChangeBus {
  publish(changes: readonly PositionChange[]): void;
  subscribe(listener: PositionChangeListener): () => void;
}

export function createPositionChangeBus(onListenerError: (error: unknown) => void = () => undefined): PositionChangeBus {
  const listeners = new Set<PositionChangeListener>();
  return {
    publish(changes) {
      if (changes.length === 0) return;
      for (const listener of listeners) {
        // A failing reader must not undo or block a committed write; it is reported and skipped.
        try {
          listener(changes);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

