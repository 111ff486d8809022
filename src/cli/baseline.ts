import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareWithBaseline, defaultComparisonNetwork, type ComparisonReport } from '../simulation/baseline.ts';
import { metricRows } from '../simulation/baseline.rules.ts';
import { CliError } from './cli-error.ts';
import { networkFlagOptions, networkFlags } from './simulation-args.ts';

const usage = `usage:
  crossdock baseline [--seed N] [--days D] [--skus N] [--orders-per-day N] [--customers N] [--partners N] [--json FILE] [--markdown FILE]
    runs one seeded simulation through the hub and the same orders through the disconnected model
    (2-hourly syncs, no reservation, manual exceptions), and prints the metrics of both side by side
    (see docs/simulator.md, "Disconnected baseline"). --json and --markdown also write the report`;

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
        ...networkFlagOptions,
        json: { type: 'string' },
        markdown: { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
  const flags = networkFlags(values, usage);
  const started = Date.now();
  const report = await compareWithBaseline({
    seed: flags.seed ?? 1,
    days: flags.days ?? 2,
    skus: flags.skus ?? defaultComparisonNetwork.skus,
    ordersPerDay: flags.ordersPerDay ?? defaultComparisonNetwork.ordersPerDay,
    salesCustomers: flags.salesCustomers ?? defaultComparisonNetwork.salesCustomers,
    ediPartners: flags.ediPartners ?? defaultComparisonNetwork.ediPartners,
  });
  const markdown = reportMarkdown(report);
  console.log(`${markdown}\n\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  if (values.markdown) writeFileSync(values.markdown, markdown + '\n');
}
