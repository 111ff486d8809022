import type { Backlog, Connector, ConnectorStatus, WindowRate } from './console.types.ts';

/**
 * The console's judgements, pure: the derived status of a connector, error rates, and which
 * connectors a key scoped to a trading partner may see. Thresholds are documented in docs/integrations.md.
 */

/** An error rate at or above this over the last hour means the connector is failing. */
export const FAILING_ERROR_RATE = 0.5;
/** An error rate at or above this over the last 24 hours means it is degraded, even when the last hour was clean. */
export const DEGRADED_ERROR_RATE_24H = 0.05;
/** An EDI group we sent is overdue when no 997/999 came back within this long (common partner agreements say 24 h). */
export const ACK_DUE_MS = 24 * 3_600_000;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const rate = (requests: number, failures: number): WindowRate => ({ requests, failures, errorRate: requests === 0 ? null : failures / requests });

/** Everything the status is decided from. */
export interface HealthFacts {
  lastHour: WindowRate;
  last24Hours: WindowRate;
  backlog: Backlog;
  /** The circuit breaker of an outbound endpoint; null for connectors without one. */
  breaker?: 'closed' | 'open' | 'half_open' | null;
  /** True when an open endpoint's traffic can go to a fallback that is itself not open. */
  fallbackTakesOver?: boolean;
  /** Why the connector could not be looked at (a folder that cannot be read); null when it could. */
  unavailable?: string | null;
  /** EDI: groups we sent whose acknowledgement is overdue, and groups the partner rejected recently. */
  acksOverdue?: number;
  acksRejected?: number;
}

export interface StatusVerdict {
  status: ConnectorStatus;
  reasons: string[];
}

const percent = (r: number | null) => `${Math.round((r ?? 0) * 100)}%`;

/**
 * `failing`: it does not work now — an open circuit with nowhere else to send, a folder that cannot
 * be read, or at least half of the last hour's traffic failed. `degraded`: it works but needs
 * attention — anything waiting for a person (dead letters, rejected messages, files in error),
 * anything retrying, a half-open or bypassed circuit, any failure in the last hour, a 24-hour error
 * rate of 5% or more, or overdue or rejected EDI acknowledgements. `idle`: none of that, and nothing
 * happened in 24 hours and nothing waits. `healthy`: traffic flowed and nothing above holds.
 */
export function deriveStatus(facts: HealthFacts): StatusVerdict {
  const failing: string[] = [];
  const degraded: string[] = [];
  if (facts.unavailable) failing.push(`cannot be read: ${facts.unavailable}`);
  if (facts.breaker === 'open') (facts.fallbackTakesOver ? degraded : failing).push(facts.fallbackTakesOver ? 'circuit open; traffic goes to the fallback' : 'circuit open');
  if (facts.lastHour.requests > 0 && (facts.lastHour.errorRate ?? 0) >= FAILING_ERROR_RATE) {
    failing.push(`${percent(facts.lastHour.errorRate)} of the last hour's ${facts.lastHour.requests} failed`);
  } else if (facts.lastHour.failures > 0) {
    degraded.push(`${facts.lastHour.failures} of the last hour's ${facts.lastHour.requests} failed`);
  }
  if (facts.breaker === 'half_open') degraded.push('circuit half-open: a trial request is on its way');
  if (facts.backlog.dead > 0) degraded.push(`${facts.backlog.dead} waiting for a person (dead or rejected)`);
  if (facts.backlog.retrying > 0) degraded.push(`${facts.backlog.retrying} retrying`);
  if (facts.lastHour.failures === 0 && (facts.last24Hours.errorRate ?? 0) >= DEGRADED_ERROR_RATE_24H) {
    degraded.push(`${percent(facts.last24Hours.errorRate)} of the last 24 hours' ${facts.last24Hours.requests} failed`);
  }
  if ((facts.acksOverdue ?? 0) > 0) degraded.push(`${facts.acksOverdue} acknowledgements overdue`);
  if ((facts.acksRejected ?? 0) > 0) degraded.push(`${facts.acksRejected} groups rejected by the partner`);
  if (failing.length > 0) return { status: 'failing', reasons: [...failing, ...degraded] };
  if (degraded.length > 0) return { status: 'degraded', reasons: degraded };
  if (facts.last24Hours.requests === 0 && facts.backlog.pending === 0) return { status: 'idle', reasons: ['nothing in the last 24 hours'] };
  return { status: 'healthy', reasons: [] };
}

/**
 * What a key scoped to a trading partner may see: its EDI partner, folders that are its own, and
 * the inbox sources that are its (its EDI and its keys' API intake). Webhooks and outbox subscribers
 * carry every partner's traffic, so they are never shown to such a key.
 */
export function visibleTo(connector: Pick<Connector, 'kind' | 'name' | 'partnerCode'>, scope: { partnerCode: string; inboxSources: readonly string[] } | null): boolean {
  if (scope === null) return true;
  if (connector.kind === 'inbox-source') return scope.inboxSources.includes(connector.name);
  if (connector.kind === 'edi-partner' || connector.kind === 'folder') return connector.partnerCode === scope.partnerCode;
  return false;
}

/** Most serious first, then by kind and name, so a dashboard shows what needs attention at the top. */
const severity: Record<ConnectorStatus, number> = { failing: 0, degraded: 1, healthy: 2, idle: 3 };
export const byAttention = (a: Connector, b: Connector) =>
  severity[a.status] - severity[b.status] || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);

/** The later of two epoch-millisecond times, either of which may be unknown. */
export const latest = (...times: Array<number | null | undefined>): number | null => {
  const known = times.filter((t): t is number => t !== null && t !== undefined);
  return known.length === 0 ? null : Math.max(...known);
};
