import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { catalogEntities, type ImportResult } from '../domains/catalog/index.ts';
import { CliError } from './cli-error.ts';
import { progressBar } from './progress.ts';
import { openRuntime } from './runtime.ts';

const serviceKeyByPath = {
  items: 'items',
  locations: 'locations',
  customers: 'customers',
  suppliers: 'suppliers',
  carriers: 'carriers',
  'trading-partners': 'tradingPartners',
  channels: 'channels',
} as const;
type ImportKind = keyof typeof serviceKeyByPath;

const usage = `usage: crossdock import <kind> <file.csv|file.json>
kinds: ${Object.keys(serviceKeyByPath).join(', ')}
JSON files hold an array of records or { "records": [...] }; CSV columns are listed in docs/master-data.md.
Load in this order so references resolve: locations, items, channels, trading-partners, customers, suppliers, carriers.`;

/** How many row errors to print; the rest are counted, and all are in the JSON output with --json. */
const ERRORS_SHOWN_MAX = 50;

/**
 * Bulk upsert of master data from a file, through the same service as `POST /v1/<kind>/import`:
 * valid rows apply, invalid rows are reported with line, column and reason. Exit code 1 when any row
 * failed, so scripts notice.
 */
export async function importCommand(config: Config, args: string[]): Promise<void> {
  const [kind, file, ...flags] = args;
  if (!kind || !file) throw new CliError(usage);
  if (!(kind in serviceKeyByPath)) throw new CliError(`import: unknown kind "${kind}"\n${usage}`);
  const asJson = flags.includes('--json');
  const format = extname(file).toLowerCase();
  if (format !== '.csv' && format !== '.json') throw new CliError(`import: "${file}" must end in .csv or .json`);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`import: cannot read "${file}": ${(error as Error).message}`);
  }

  const deps = await openRuntime(config);
  const app = await buildApp({ ...config, log: { level: 'silent' } }, deps);
  const bar = progressBar(`importing ${kind}`);
  try {
    const service = app.services.catalog[serviceKeyByPath[kind as ImportKind]];
    const options = { onProgress: (done: number, total: number) => bar.update(done, total) };
    let result: ImportResult;
    if (format === '.csv') {
      result = await service.importCsv(text, options);
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new CliError(`import: "${file}" is not valid JSON: ${(error as Error).message}`);
      }
      const records = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown })?.records;
      if (!Array.isArray(records)) throw new CliError(`import: "${file}" must hold an array of records or { "records": [...] }`);
      result = await service.importRecords(records, options);
    }
    bar.done();
    const label = Object.values(catalogEntities).find((entity) => entity.pathSegment === kind)?.label ?? kind;
    report(result, label, asJson);
    if (result.failed > 0) process.exitCode = 1;
  } finally {
    await app.close();
    await deps.store.close();
  }
}

function report(result: ImportResult, label: string, asJson: boolean): void {
  if (asJson) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    `${label}: ${result.received} received, ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.failed} failed`,
  );
  for (const e of result.errors.slice(0, ERRORS_SHOWN_MAX)) {
    const where = [e.line !== undefined ? `line ${e.line}` : `record ${e.index}`, e.column ? `column ${e.column}` : undefined, e.key ? `key ${e.key}` : undefined]
      .filter(Boolean)
      .join(', ');
    console.log(`  ${where}: ${e.code}: ${e.message}`);
  }
  if (result.errors.length > ERRORS_SHOWN_MAX) console.log(`  … and ${result.errors.length - ERRORS_SHOWN_MAX} more errors (use --json for all)`);
}
