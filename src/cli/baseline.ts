import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareWithBaseline, defaultComparisonNetwork, type ComparisonReport } from '../simulation/baseline.ts';
import { metricRows } from '../simulation/baseline.rules.ts';
import { CliError } from './cli-error.ts';

const usage = `usage:
  crossdock baseline [--seed N] [--days D] [--skus N] [--orders-per-day N] [--customers N] [--partners N] [--json FILE] [--markdown FILE]
    runs one seeded simulation through the hub and the same orders through the disconnected model
    (2-hourly syncs, no reservation, manual exceptions), and prints the metrics of both side by side
    (see docs/simulator.md, "Disconnected baseline"). --json and --markdown also write the report`;

const whole = (name: string, value: string | undefined, min: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be a whole number of at least ${min}, got "${value}"\n\n${usage}`);
  return n;
};

/** The report as a Markdown table: metric | disconnected | Crossdock. */
export function reportMarkdown(report: ComparisonReport): string {
  const left = metricRows(report.disconnected);
  const right = metricRows(report.crossdock);
  const n = report.network;
  return [
    `Seed ${report.seed}, ${report.days} simulated day(s); ${n.skus} SKUs, ${n.ordersPerDay} orders/day, ${n.salesCustomers} sales customers, ${n.ediPartners} EDI partners.`,
    '',
    '| metric | disconnected | Crossdock |',
    '| --- | --- | --- |',
    ...left.map(([name, value], i) => `| ${name} | ${value} | ${right[i]![1]} |`),
  ].join('\n');
}

/** `crossdock baseline`: the disconnected baseline against the hub on one seed. */
export async function baselineCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        seed: { type: 'string' },
        days: { type: 'string' },
        skus: { type: 'string' },
        'orders-per-day': { type: 'string' },
        customers: { type: 'string' },
        partners: { type: 'string' },
        json: { type: 'string' },
        markdown: { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
  const started = Date.now();
  const report = await compareWithBaseline({
    seed: whole('seed', values.seed, 0) ?? 1,
    days: whole('days', values.days, 1) ?? 2,
    skus: whole('skus', values.skus, 10) ?? defaultComparisonNetwork.skus,
    ordersPerDay: whole('orders-per-day', values['orders-per-day'], 1) ?? defaultComparisonNetwork.ordersPerDay,
    salesCustomers: whole('customers', values.customers, 1) ?? defaultComparisonNetwork.salesCustomers,
    ediPartners: whole('partners', values.partners, 1) ?? defaultComparisonNetwork.ediPartners,
  });
  const markdown = reportMarkdown(report);
  console.log(`${markdown}\n\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  if (values.markdown) writeFileSync(values.markdown, markdown + '\n');
}
