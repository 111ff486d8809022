import type { Config } from '../config.ts';
import { CliError } from './cli-error.ts';

/** Filled in once the catalog import service exists. */
export async function importCommand(_config: Config, _args: string[]): Promise<void> {
  throw new CliError('import: not available yet');
}
