import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { startDemo } from '../simulation/demo.ts';
import { CliError } from './cli-error.ts';

const usage = `usage:
  crossdock demo [--speed N] [--seed N] [--data-dir DIR] [--skus N] [--orders-per-day N] [--quiet]
    starts the hub on a fresh embedded database in DIR (default ./data/demo, emptied at start) with
    a simulated distributor network running against it on an accelerated clock: N simulated minutes
    per real second (default 1: one simulated hour per real minute). See docs/simulator.md`;

/** `crossdock demo` (what `npm start` runs): the hub with the simulated network, until Ctrl+C. */
export async function demoCommand(config: Config, args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { speed: { type: 'string' }, seed: { type: 'string' }, 'data-dir': { type: 'string' }, skus: { type: 'string' }, 'orders-per-day': { type: 'string' }, quiet: { type: 'boolean', default: false } },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
  const number = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be a positive number, got "${value}"\n\n${usage}`);
    return n;
  };
  const speed = number('speed', values.speed, 1);
  const seed = Math.floor(number('seed', values.seed, Math.floor(Date.now() / 1000) % 1_000_000));
  const dataDir = values['data-dir'] ?? './data/demo';
  const lines: string[] = [];
  console.log(`Starting the Crossdock demo: loading a simulated distributor (seed ${seed}) into ${dataDir} …`);
  const demo = await startDemo(config, {
    factor: speed * 60,
    seed,
    dataDir,
    network: { skus: Math.floor(number('skus', values.skus, 2_000)), ordersPerDay: Math.floor(number('orders-per-day', values['orders-per-day'], 400)) },
    say: (line) => {
      if (!values.quiet) lines.push(line);
    },
  });
  const a = demo.address;
  console.log(
    [
      '',
      'Crossdock demo is running: the hub, and a simulated distributor network talking to it.',
      `  Simulated time  ${new Date(demo.clock.now()).toISOString()}, moving ${speed * 60}× real time (${speed} simulated hour(s) per real minute)`,
      '  The network     3 warehouses (DC-EAST: legacy WMS, hourly snapshot file; DC-CENTRAL, DC-WEST: realtime events),',
      '                  EDI retail partners dropping 850 files, a Shopify web store, inside sales over the API,',
      '                  carriers posting milestones, an ERP posting receivables, suppliers filling purchase orders.',
      '',
      `  Admin API key   ${demo.adminKey}`,
      `  Dashboard       ${a}/app/   (sign in with the admin key)`,
      `  API docs        ${a}/docs   (OpenAPI: ${a}/openapi.json)`,
      `  Orders          curl -s -H "Authorization: Bearer ${demo.adminKey}" '${a}/v1/orders?limit=5'`,
      `  Event feed      curl -s -H "Authorization: Bearer ${demo.adminKey}" '${a}/v1/events?limit=20'`,
      `  Exceptions      curl -s -H "Authorization: Bearer ${demo.adminKey}" '${a}/v1/exceptions'`,
      `  KPIs            curl -s -H "Authorization: Bearer ${demo.adminKey}" '${a}/v1/process/kpis'`,
      `  Partner folders ${dataDir}/partners (EDI in/out, the legacy WMS's snapshots)`,
      '',
      'Orders appear within seconds and ship after a few simulated hours (a few real minutes). Ctrl+C stops.',
      'Run the hub alone, for real use, with `npm run hub` (crossdock start).',
      '',
    ].join('\n'),
  );
  const status = setInterval(async () => {
    for (const line of lines.splice(0, lines.length).slice(-6)) console.log(`  · ${line}`);
    const s = demo.network.stats;
    const sent = s.ordersSubmitted.EDI + s.ordersSubmitted.WEB + s.ordersSubmitted.SALES;
    console.log(`[${new Date(demo.clock.now()).toISOString().slice(0, 16)}Z] orders sent ${sent} (EDI ${s.ordersSubmitted.EDI}, web ${s.ordersSubmitted.WEB}, sales ${s.ordersSubmitted.SALES}); shipments ${s.shipments}; milestones ${s.milestones}; invoices ${s.invoicesSeen}; POs ${s.purchaseOrdersSent}`);
  }, 10_000);
  status.unref();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\n${signal} received; stopping the simulated network and the hub.`);
    clearInterval(status);
    try {
      await demo.stop();
      process.exit(0);
    } catch (error) {
      console.error('shutdown failed:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
