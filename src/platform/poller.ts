/**
 * A background loop for the inbox, outbox and timers. `setInterval` here only decides how often to
 * look for due work; whether work is due is always decided by the injected clock inside `tick`, so
 * tests can drive the same ticks by hand with a manual clock.
 */
export interface Poller {
  /** Stops the loop and waits for a tick in progress to finish. */
  stop(): Promise<void>;
}

export interface PollerOptions {
  intervalMs: number;
  tick: () => Promise<unknown>;
  /** Errors of a tick (a database outage) are reported, and the next tick tries again. */
  onError: (error: unknown) => void;
}

export function startPoller(options: PollerOptions): Poller {
  let running: Promise<void> | null = null;
  let stopped = false;
  const runOnce = () => {
    // A slow tick is never overlapped by the next one: the interval only fires a tick when idle.
    if (running || stopped) return;
    running = options
      .tick()
      .then(() => undefined, options.onError)
      .finally(() => {
        running = null;
      });
  };
  const handle = setInterval(runOnce, options.intervalMs);
  // The loop alone must not keep the process alive; the HTTP server does that.
  handle.unref();
  return {
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
