import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { ConfigError, loadConfig } from './config.ts';
import { AppError } from './platform/errors.ts';
import { CliError } from './cli/cli-error.ts';
import { startCommand } from './cli/start.ts';
import { keysCommand } from './cli/keys.ts';
import { importCommand } from './cli/import.ts';
import { processCommand } from './cli/process.ts';
import { demoCommand } from './cli/demo.ts';
import { simulateCommand } from './cli/simulate.ts';
import { simulateCheckCommand } from './cli/simulate-check.ts';
import { baselineCommand } from './cli/baseline.ts';
import { describeStore, openRuntime } from './cli/runtime.ts';

const usage = `Crossdock — orchestration hub for wholesale distributors

usage: crossdock [--config FILE] <command> [options]

commands:
  start                      run the hub (the default when no command is given)
  demo                       run the hub with a simulated distributor network on an accelerated clock (npm start)
  simulate --seed N --days D one seeded, deterministic run of the simulated network; prints a summary and the event log hash
  simulate-check [--seed N]  the seeded fault-injection check over many seeds, or one seed replayed exactly
  baseline --seed N --days D the same seeded demand through a disconnected model and through the hub, side by side
  migrate                    bring the database schema up to date and exit
  keys create|list|revoke    manage API keys (see \`crossdock keys\`)
  import <kind> <file>       bulk upsert master data from a .csv or .json file
  process recompute          rebuild the KPI facts from the process log (--backfill: take in older events first)
  help                       show this text

configuration: crossdock.config.json in the working directory, --config FILE, or CROSSDOCK_* environment
variables (see the README).`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
  });
  const [command = 'start', ...rest] = positionals;
  if (values.help || command === 'help') {
    console.log(usage);
    return;
  }
  const config = loadConfig({ file: typeof values.config === 'string' ? values.config : undefined });
  const commandArgs = argv.slice(argv.indexOf(command) + 1);
  switch (command) {
    case 'start':
      return startCommand(config);
    case 'migrate': {
      const deps = await openRuntime(config);
      console.log(
        deps.migrationsApplied.length
          ? `applied ${deps.migrationsApplied.join(', ')} on ${describeStore(config)}`
          : `${describeStore(config)} is up to date`,
      );
      await deps.store.close();
      return;
    }
    case 'keys':
      return keysCommand(config, commandArgs);
    case 'import':
      return importCommand(config, commandArgs);
    case 'process':
      return processCommand(config, commandArgs);
    case 'demo':
      return demoCommand(config, commandArgs);
    case 'simulate':
      return simulateCommand(commandArgs);
    case 'simulate-check':
      return simulateCheckCommand(commandArgs);
    case 'baseline':
      return baselineCommand(commandArgs);
    default:
      void rest;
      throw new CliError(`unknown command "${command}"\n\n${usage}`);
  }
}

// Output piped into `head` closes early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CliError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof ZodError) {
    console.error('invalid input:');
    for (const issue of error.issues) console.error(`  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    process.exit(2);
  }
  if (error instanceof AppError) {
    console.error(`${error.code}: ${error.message}`);
    for (const d of error.details) console.error(`  ${d.path ? `${d.path}: ` : ''}${d.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
