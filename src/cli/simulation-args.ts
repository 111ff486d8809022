import { CliError } from './cli-error.ts';

/** Flags the simulation commands share: whole numbers with a floor, and the size of the network. */

/** A flag's whole number, or undefined when absent; anything else is refused with the command's usage. */
export const wholeFlag = (usage: string) => (name: string, value: string | undefined, min: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be a whole number of at least ${min}, got "${value}"\n\n${usage}`);
  return n;
};

/** parseArgs options for the network's size: `crossdock simulate` and `crossdock baseline` take the same. */
export const networkFlagOptions = {
  seed: { type: 'string' },
  days: { type: 'string' },
  skus: { type: 'string' },
  'orders-per-day': { type: 'string' },
  customers: { type: 'string' },
  partners: { type: 'string' },
} as const;

export interface NetworkFlags {
  seed: number | undefined;
  days: number | undefined;
  skus: number | undefined;
  ordersPerDay: number | undefined;
  salesCustomers: number | undefined;
  ediPartners: number | undefined;
}

/** Reads the network flags; absent ones stay undefined for the command to default. */
export function networkFlags(values: Partial<Record<keyof typeof networkFlagOptions, string>>, usage: string): NetworkFlags {
  const whole = wholeFlag(usage);
  return {
    seed: whole('seed', values.seed, 0),
    days: whole('days', values.days, 1),
    skus: whole('skus', values.skus, 10),
    ordersPerDay: whole('orders-per-day', values['orders-per-day'], 1),
    salesCustomers: whole('customers', values.customers, 1),
    ediPartners: whole('partners', values.partners, 1),
  };
}
