import type { HubClient, HubRequest, HubResponse } from './hub-client.ts';
import { inOutage, type FaultPlan } from './faults.rules.ts';

/**
 * The network's transport to the hub, with the seed's message faults. It stands between the simulated
 * systems and the hub's HTTP routes, and behaves like a sender's outgoing queue with retries:
 *
 * - Asynchronous messages (inventory events, carrier milestones, credit updates, web-store webhooks,
 *   inside-sales orders: the senders use only the answer's status) may be held back or dropped and
 *   redelivered some steps later, so newer messages overtake them. The sender is told "accepted" (202)
 *   at once. During an outage window they wait in the queue until the hub is reachable again.
 * - Any message may be duplicated: delivered now, and a copy delivered again some steps later.
 * - A synchronous call (a shipment, a purchase-order action, a read) must get the hub's real answer,
 *   because the sender acts on it. A drop there loses the answer: the transport sends the request
 *   again at once, and the sender gets the first answer (it is the hub's resend handling under test).
 * - An answer of 5xx, or a crash of the hub during the request, is retried, after the harness has
 *   rebuilt the app if it crashed: the connection was reset and the sender tries again.
 *
 * Faults apply only while `faulty` is set (after set-up, during the fault steps); `flush(step)`
 * delivers what fell due, and everything once the faults have healed.
 */
export interface FaultyClient extends HubClient {
  faulty: boolean;
  /** Delivers queued messages due by `step` (all of them once `step` is past the fault steps). */
  flush(step: number): Promise<void>;
  readonly pending: number;
  readonly counts: Record<'delivered' | 'duplicated' | 'held' | 'dropped' | 'retried' | 'outageQueued', number>;
}

const ASYNC = [/^\/v1\/inventory\/events$/, /^\/v1\/shipments\/[^/]+\/milestones$/, /^\/v1\/customers\/[^/]+\/credit$/, /^\/v1\/webhooks\//, /^\/v1\/orders$/];
const isAsync = (r: HubRequest) => r.method === 'POST' && ASYNC.some((re) => re.test(r.url.split('?')[0]!));

const accepted: HubResponse = { status: 202, body: '{}', json: <T>() => ({}) as T };

export function faultyClient(deps: {
  /** The current app's client: the harness swaps the app after a crash. */
  target: () => HubClient;
  plan: FaultPlan;
  step: () => number;
  /** True when the hub died during the last request; the harness then rebuilds it. */
  crashed: () => boolean;
  restart: () => Promise<void>;
}): FaultyClient {
  const queue: Array<{ due: number; request: HubRequest }> = [];
  const counts = { delivered: 0, duplicated: 0, held: 0, dropped: 0, retried: 0, outageQueued: 0 };

  async function deliver(request: HubRequest): Promise<HubResponse> {
    let current = request;
    let sawCrash = false;
    for (let attempt = 0; ; attempt++) {
      const res = await deps.target().request(current);
      counts.delivered++;
      const crashed = deps.crashed();
      if (crashed) {
        sawCrash = true;
        await deps.restart();
      }
      // A key held by a request the hub died in answers 409 until it expires (docs/api.md): the
      // sender does what the contract says and sends again under a new key, relying on the
      // business key (an order's number) to make a first attempt that did take effect answer once.
      const key = current.headers?.['idempotency-key'];
      if (!crashed && sawCrash && key !== undefined && res.status === 409 && res.body.includes('idempotency_in_progress') && attempt < 4) {
        current = { ...current, headers: { ...current.headers, 'idempotency-key': `${key}~resent-${attempt}` } };
        counts.retried++;
        continue;
      }
      // Five attempts: an injected statement failure fires once per step, a crash once per run.
      if ((!crashed && res.status < 500) || attempt >= 4) return res;
      counts.retried++;
    }
  }

  const client: FaultyClient = {
    faulty: false,
    counts,
    get pending() {
      return queue.length;
    },
    async request(request) {
      const step = deps.step();
      if (!client.faulty || request.method === 'GET') return deliver(request);
      const fault = deps.plan.nextMessage();
      const async = isAsync(request);
      if (async && inOutage(deps.plan, step)) {
        counts.outageQueued++;
        queue.push({ due: step, request });
        return accepted;
      }
      if (fault.kind === 'duplicate') {
        counts.duplicated++;
        queue.push({ due: step + fault.afterSteps, request });
        return deliver(request);
      }
      if (fault.kind === 'hold' && async) {
        counts.held++;
        queue.push({ due: step + fault.afterSteps, request });
        return accepted;
      }
      if (fault.kind === 'drop') {
        counts.dropped++;
        if (async) {
          queue.push({ due: step + fault.afterSteps, request });
          return accepted;
        }
        const first = await deliver(request);
        await deliver(request);
        return first;
      }
      return deliver(request);
    },
    async flush(step) {
      const healed = step >= deps.plan.faultSteps;
      if (!healed && inOutage(deps.plan, step)) return;
      const due = queue.filter((m) => healed || m.due <= step);
      for (const m of due) queue.splice(queue.indexOf(m), 1);
      for (const m of due) await deliver(m.request);
    },
  };
  return client;
}
