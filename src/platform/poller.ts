/**
 * A background loop for the inbox, outbox and timers. `setInterval` here only decides how often to
 * look for due work; whether work is due is always decided by the injected clock inside `tick`, so
 * tests can drive the same ticks by hand with a manual clock.
 */
export interface Poller {
  /**
   * Asks for a tick soon rather than at the next interval: work was just committed (an order taken
   * in). A tick in progress is followed by another, since it may have looked before the commit.
   */
  nudge(): void;
  /**
   * Resolves when the tick running or asked for now has finished (at once when there is none). It
   * waits for that tick only, not for the loop to go quiet, so a caller taking turns with a busy loop
   * is not starved.
   */
  settled(): Promise<void>;
  /** Stops the loop and waits for a tick in progress to finish. */
  stop(): Promise<void>;
}

export interface PollerOptions<T = unknown> {
  intervalMs: number;
  tick: () => Promise<T>;
  /**
   * Whether a tick's result means more work may be due at once (it delivered events, whose own
   * events are now due): then the next tick runs as soon as the event loop is free, not at the next
   * interval, so a chain of steps is not paced by the interval.
   */
  moreWork?: (result: T) => boolean;
  /** Errors of a tick (a database outage) are reported, and the next tick tries again. */
  onError: (error: unknown) => void;
}

export function startPoller<T>(options: PollerOptions<T>): Poller {
  let running: Promise<void> | null = null;
  let stopped = false;
  // A tick asked for while one runs, or one already scheduled on the event loop.
  let again = false;
  let scheduled = false;
  const runOnce = () => {
    // A slow tick is never overlapped by the next one: the interval only fires a tick when idle.
    if (running || stopped) return;
    again = false;
    running = options
      .tick()
      .then((result) => {
        if (options.moreWork?.(result) === true) again = true;
      }, options.onError)
      .finally(() => {
        running = null;
        if (again) soon();
      });
  };
  // setImmediate, not a microtask: requests waiting on the event loop are served between ticks.
  const soon = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      runOnce();
    }).unref();
  };
  const handle = setInterval(runOnce, options.intervalMs);
  // The loop alone must not keep the process alive; the HTTP server does that.
  handle.unref();
  return {
    nudge() {
      if (running) again = true;
      else soon();
    },
    async settled() {
      if (!running && (scheduled || again)) await new Promise((resolve) => setImmediate(resolve));
      if (running) await running;
    },
    async stop() {
      stopped = true;
      clearInterval(handle);
      if (running) await running;
    },
  };
}

/**
 * Makes concurrent calls of an async function share one run: a second caller while a run is in
 * progress gets the same promise. Dispatch ticks use it so a manual call and the loop never deliver
 * the same rows twice in one process.
 */
export function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= run().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
