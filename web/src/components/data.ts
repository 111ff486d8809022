import { useCallback, useEffect, useRef, useState } from 'react';
import { isLive, onChanges } from '../live.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload(): void;
}

/** While the change feed is heard, polling only catches what changes with time alone (ages, SLA countdowns). */
const LIVE_POLL_FACTOR = 6;
/** Reloads on changes are at most this often: a busy hub changes orders many times a second. */
const LIVE_RELOAD_MS_MIN = 1_000;

export interface LoadOptions {
  pollMs?: number;
  /** Topics of the change feed that make this data stale (`order`, `exception`, `inventory`, …): it reloads when one changes. */
  live?: readonly string[];
}

/**
 * Loads data for a screen and reloads it when `deps` change. With `live` it reloads when the hub
 * says one of those topics changed (live.ts); with `pollMs` it also refreshes in the background,
 * less often while changes are heard. A failed refresh keeps the last good data on screen.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], options: LoadOptions = {}): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  /** When the data was last asked for, by whatever cause: polls and change reloads count from it. */
  const lastReloadMs = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const liveKey = (options.live ?? []).join(',');

  useEffect(() => {
    const mine = ++generation.current;
    lastReloadMs.current = Date.now();
    setLoading(true);
    loadRef
      .current()
      .then((value) => {
        if (generation.current !== mine) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (generation.current === mine) setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (generation.current === mine) setLoading(false);
      });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  useEffect(() => {
    if (!options.pollMs) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      const due = isLive() && liveKey !== '' ? options.pollMs! * LIVE_POLL_FACTOR : options.pollMs!;
      if (Date.now() - lastReloadMs.current >= due - 50) setTick((t) => t + 1);
    }, options.pollMs);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [options.pollMs, liveKey]);

  useEffect(() => {
    if (liveKey === '') return;
    const topics = liveKey.split(',');
    let pending: ReturnType<typeof setTimeout> | null = null;
    // A hidden tab does not reload on changes; it reloads once when shown again if any came meanwhile.
    let staleWhileHidden = false;
    const unsubscribe = onChanges((changed) => {
      if (pending !== null || !(changed.has('*') || topics.some((topic) => changed.has(topic)))) return;
      if (document.visibilityState !== 'visible') {
        staleWhileHidden = true;
        return;
      }
      const waitMs = Math.max(0, lastReloadMs.current + LIVE_RELOAD_MS_MIN - Date.now());
      pending = setTimeout(() => {
        pending = null;
        setTick((t) => t + 1);
      }, waitMs);
    });
    const shown = () => {
      if (document.visibilityState !== 'visible' || !staleWhileHidden) return;
      staleWhileHidden = false;
      setTick((t) => t + 1);
    };
    document.addEventListener('visibilitychange', shown);
    return () => {
      unsubscribe();
      document.removeEventListener('visibilitychange', shown);
      if (pending !== null) clearTimeout(pending);
    };
  }, [liveKey]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function formatMinor(minor: number | null | undefined, currency = 'USD'): string {
  if (minor === null || minor === undefined) return '—';
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').slice(0, 16);
}

/** A duration in hours or minutes or days, whichever reads best. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const minutes = ms / 60_000;
  if (Math.abs(minutes) < 90) return `${minutes.toFixed(minutes < 10 ? 1 : 0)} min`;
  const hours = minutes / 60;
  if (Math.abs(hours) < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} d`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(1)}%`;
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value);
}
