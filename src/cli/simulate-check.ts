import { parseArgs } from 'node:util';
import { checkSeed, checkSeeds, describeFailure, seedRange, type SeedResult } from '../simulation/seeded-check.ts';
import { CliError } from './cli-error.ts';
import { wholeFlag } from './simulation-args.ts';

const usage = `usage:
  crossdock simulate-check [--seed N | --from N --seeds COUNT] [--json]
    the seeded fault-injection check (docs/simulator.md): each seed runs a tiny simulated network
    against a hub on an in-memory database with duplicated, reordered, delayed and dropped messages,
    outages, clock jumps, failing statements and a crash, and checks the invariants I1–I10 after
    every step. --seed replays one seed exactly; --from/--seeds runs a range (default: the
    CROSSDOCK_SIM_SEED_FROM / CROSSDOCK_SIM_SEEDS range, 1,000 seeds from 1). Exits 1 when a seed fails.`;

const whole = wholeFlag(usage);

/** `crossdock simulate-check`: one seed in detail, or a range with a line per failing seed. */
export async function simulateCheckCommand(args: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { seed: { type: 'string' }, from: { type: 'string' }, seeds: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: false }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${usage}`);
  }
  const seed = whole('seed', values.seed, 0);
  const range = seedRange(0, 1);
  const from = seed ?? whole('from', values.from, 0) ?? range.from;
  const count = seed !== undefined ? 1 : (whole('seeds', values.seeds, 1) ?? range.count);
  const started = performance.now();
  let failed = 0;
  const report = (result: SeedResult) => {
    if (!result.ok) failed++;
    if (values.json) console.log(JSON.stringify(result));
    else if (!result.ok) console.log(describeFailure(result, 20));
    else if (count === 1) console.log(`seed ${result.seed} holds: ${result.plan}; ${result.stats.orders} orders, ${result.stats.crashes} crash(es), faults fired: ${result.stats.faultsFired.join(', ') || 'none'}`);
  };
  // One seed runs here; a range runs in worker batches (checkSeeds), which keeps a long run's memory flat.
  if (count === 1) report(await checkSeed(from));
  else await checkSeeds(from, count, report);
  const seconds = (performance.now() - started) / 1000;
  if (!values.json) console.log(`${count} seed(s) from ${from}: ${failed} failed, ${seconds.toFixed(1)} s (${Math.round((count * 60) / seconds)} seeds/minute)`);
  if (failed > 0) process.exitCode = 1;
}
