import type { AvailabilityTouch } from './availability.projection.ts';

/**
 * Gathers availability changes per SKU for a short window and hands them over as one batch, so a
 * burst of movements on one SKU leaves as one event (DESIGN §6: a change feed coalesced per SKU).
 *
 * The window starts with the first change after a flush and is measured on the process's timers,
 * not the injected clock: it is a technical batching delay, not business time, and tests with a
 * manual clock still need it to pass.
 */
export interface PendingSku {
  sku: string;
  /** The earliest acceptance among the coalesced changes, so latency is measured from the oldest. */
  firstAcceptedAtMs: number;
}

export interface Coalescer {
  add(touches: readonly AvailabilityTouch[]): void;
  /** Hands over what is pending now, without waiting for the window. */
  flush(): void;
  /** Drops what is pending and stops the timer. */
  close(): void;
}

export function createCoalescer(windowMs: number, onBatch: (batch: PendingSku[]) => void): Coalescer {
  let pending = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const batch: PendingSku[] = [];
    for (const [sku, firstAcceptedAtMs] of pending) batch.push({ sku, firstAcceptedAtMs });
    pending = new Map();
    onBatch(batch);
  };

  return {
    add(touches) {
      for (const touch of touches) {
        const seen = pending.get(touch.sku);
        if (seen === undefined || touch.acceptedAtMs < seen) pending.set(touch.sku, touch.acceptedAtMs);
      }
      // Writers publish from inside their commit path; the batch is always built later, never there.
      if (!timer && pending.size > 0) timer = setTimeout(flush, windowMs);
    },
    flush,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.clear();
    },
  };
}
