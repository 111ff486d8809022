import { parseArgs } from 'node:util';
import { runSimulation } from '../simulation/run.ts';
import { CliError } from './cli-error.ts';
import { networkFlagOptions, networkFlags, wholeFlag } from './simulation-args.ts';

const usage = `usage:
  crossdock simulate [--seed N] [--days D] [--skus N] [--orders-per-day N] [--customers N] [--partners N] [--step-minutes M] [--json]
    runs the simulated distributor network against a hub on a temporary SQLite database, on a
    manual clock, in one process; prints a summary and the SHA-256 of the hub's event log. The same
    seed gives the same hash (see docs/simulator.md)`;

const whole = wholeFlag(usage);

/** `crossdock simulate`: one seeded, deterministic run of the network model. */
export async function simulateCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...networkFlagOptions,
        'step-minutes': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
  const { seed = 1, days = 1, skus, ordersPerDay, salesCustomers, ediPartners } = networkFlags(values, usage);
  const stepMinutes = whole('step-minutes', values['step-minutes'], 1);
  const started = Date.now();
  const result = await runSimulation({
    seed,
    days,
    ...(skus !== undefined && { skus }),
    ...(ordersPerDay !== undefined && { ordersPerDay }),
    ...(salesCustomers !== undefined && { salesCustomers }),
    ...(ediPartners !== undefined && { ediPartners }),
    ...(stepMinutes !== undefined && { stepMinutes }),
  });
  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const s = result.summary;
  const sent = s.sent;
  console.log(
    [
      `seed ${seed}, ${days} simulated day(s), ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  orders        ${s.orders} (${Object.entries(s.ordersByChannel).map(([k, v]) => `${k} ${v}`).join(', ')}); lines ${s.lines}`,
      `  by state      ${Object.entries(s.ordersByState).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      `  units         ordered ${s.unitsOrdered}, shipped ${s.unitsShipped}; fill rate ${s.fillRate === null ? 'n/a' : `${(s.fillRate * 100).toFixed(1)}%`} (orders older than 6 h)`,
      `  exceptions    ${Object.entries(s.exceptionsByType).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; open ${s.openExceptions}`,
      `  network sent  ${sent.shipments} shipments, ${sent.milestones} milestones, ${sent.snapshotsWritten} snapshots, ${sent.inventoryEventsPosted} inventory events, ${sent.purchaseOrdersSent} POs sent / ${sent.purchaseOrdersReceived} received, ${sent.creditUpdates} credit updates`,
      `  refused       ${Object.entries(sent.refusals).map(([k, v]) => `${k} ×${v}`).join('; ') || 'nothing'}`,
      `  event log     ${result.eventLog.events} events, sha256 ${result.eventLog.sha256}`,
    ].join('\n'),
  );
}
