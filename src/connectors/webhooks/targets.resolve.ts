import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describeRefusal, firstRefused } from './targets.rules.ts';

/** Resolves a host name to every address it has, as the system resolver answers. */
export type ResolveHost = (host: string) => Promise<string[]>;

export const systemResolveHost: ResolveHost = (host) =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses.map((a) => a.address))));
  });

/**
 * A `lookup` for outgoing connections that refuses a name resolving to a refused address. Checking at
 * connect time, on the very addresses the socket will use, is what closes DNS rebinding: a name that
 * resolved to a public address when the subscription was made and to 10.0.0.5 now is refused now.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return ((hostname: string, options: { all?: boolean; family?: number }, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refused = allowPrivate ? null : firstRefused(addresses.map((a) => a.address));
      if (refused) return callback(new Error(`${hostname} resolves to ${refused.address}, a ${describeRefusal(refused.reason)} address; refused`), '');
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '');
      return callback(null, first.address, first.family);
    });
  }) as unknown as LookupFunction;
}
