import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { CliError } from './cli-error.ts';
import { describeStore, openRuntime } from './runtime.ts';

const usage = `usage:
  crossdock process recompute [--backfill]
    rebuilds every KPI fact from the process log; with --backfill, first takes into the log any
    outbox event it lacks (events from before the process log was deployed)`;

/** Process intelligence maintenance on the machine that runs the hub (docs/process.md). */
export async function processCommand(config: Config, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action !== 'recompute') throw new CliError(usage);
  const { values } = parseArgs({ args: rest, options: { backfill: { type: 'boolean', default: false } }, allowPositionals: false });
  const deps = await openRuntime(config);
  const app = await buildApp({ ...config, log: { level: 'silent' } }, deps);
  try {
    const report = await app.services.process.recompute({ backfill: values.backfill });
    console.log(
      `recomputed the KPI facts on ${describeStore(config)} in ${report.elapsedMs} ms: ${report.events} events, ${report.objects} objects, ` +
        `${report.facts} facts, log at sequence ${report.lastSeq}${values.backfill ? `; ${report.backfilled} events backfilled from the outbox` : ''}`,
    );
    const mb = (bytes: number) => Math.round(bytes / 1_048_576);
    const reserved = report.reservedBytes > 0 ? `, ${mb(report.reservedBytesTaken)} of ${mb(report.reservedBytes)} MB of fact memory reserved while the log was read taken by the fold` : '';
    console.log(`  read the log in ${report.readMs} ms, folded it in ${report.foldMs} ms${reserved}, stored the facts in ${report.storeMs} ms`);
  } finally {
    await app.close();
    await deps.store.close();
  }
}
