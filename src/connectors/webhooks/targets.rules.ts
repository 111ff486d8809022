import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a webhook may be sent to, pure. A subscription is a URL a caller chose, and the hub
 * sits inside the distributor's network: without these rules a subscription could make the hub post
 * to its own admin ports, the database, another internal service or a cloud metadata endpoint that
 * hands out credentials (server-side request forgery).
 */

export type RefusalReason = 'loopback' | 'private' | 'link_local' | 'metadata' | 'cgnat' | 'unique_local' | 'unspecified' | 'multicast' | 'reserved';

interface Rule {
  reason: RefusalReason;
  list: BlockList;
}

const rule = (reason: RefusalReason, subnets: Array<[string, number, 'ipv4' | 'ipv6']>, addresses: Array<[string, 'ipv4' | 'ipv6']> = []): Rule => {
  const list = new BlockList();
  for (const [network, prefix, family] of subnets) list.addSubnet(network, prefix, family);
  for (const [address, family] of addresses) list.addAddress(address, family);
  return { reason, list };
};

/**
 * Checked in this order, so the most specific reason is named: a metadata address is also link-local
 * or CGNAT, and is reported as metadata. IPv4 rules also catch IPv4-mapped IPv6 (`::ffff:10.0.0.1`),
 * which `BlockList` compares as the IPv4 address it carries; NAT64 and 6to4 addresses that embed a
 * refused IPv4 address are refused through their own prefixes below.
 */
const rules: readonly Rule[] = [
  // AWS, GCP and Azure (169.254.169.254), ECS task metadata (169.254.170.2), Alibaba (100.100.100.200),
  // Oracle (192.0.0.192) and AWS's IPv6 endpoint.
  rule('metadata', [], [
    ['169.254.169.254', 'ipv4'],
    ['169.254.170.2', 'ipv4'],
    ['100.100.100.200', 'ipv4'],
    ['192.0.0.192', 'ipv4'],
    ['fd00:ec2::254', 'ipv6'],
  ]),
  rule('loopback', [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ]),
  rule('unspecified', [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ]),
  rule('private', [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
  ]),
  rule('link_local', [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ]),
  rule('cgnat', [['100.64.0.0', 10, 'ipv4']]),
  rule('unique_local', [
    ['fc00::', 7, 'ipv6'],
    // Site-local: deprecated, still routed inside some networks.
    ['fec0::', 10, 'ipv6'],
  ]),
  rule('multicast', [
    ['224.0.0.0', 4, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ]),
  rule('reserved', [
    ['192.0.0.0', 24, 'ipv4'],
    ['192.0.2.0', 24, 'ipv4'],
    ['198.18.0.0', 15, 'ipv4'],
    ['198.51.100.0', 24, 'ipv4'],
    ['203.0.113.0', 24, 'ipv4'],
    ['240.0.0.0', 4, 'ipv4'],
    ['100::', 64, 'ipv6'],
    ['2001:db8::', 32, 'ipv6'],
    // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48) and 6to4 (2002::/16) carry an IPv4
    // address inside; a gateway would forward to it, private or not, so they are refused whole.
    ['64:ff9b::', 96, 'ipv6'],
    ['64:ff9b:1::', 48, 'ipv6'],
    ['2002::', 16, 'ipv6'],
  ]),
];

/** Why an IP address must not be a webhook target, or null when it may be. Non-addresses are `reserved`. */
export function refusalOf(address: string): RefusalReason | null {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { reason, list } of rules) if (list.check(address, type)) return reason;
  return null;
}

/** Host names that mean this machine or a metadata service whatever DNS says (RFC 6761, GCP). */
const refusedHostNames = [/^localhost$/, /\.localhost$/, /^metadata\.google\.internal$/, /^metadata$/];

export type TargetCheck =
  | { ok: true; url: URL; host: string; literalAddress: string | null }
  | { ok: false; message: string };

/** A URL's host without IPv6 brackets or a trailing dot. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();

/**
 * The checks a target URL passes before any DNS lookup: a parsable absolute https URL (http only when
 * allowed), no credentials (they would be stored and logged with the URL), no fragment, and a host
 * that is not refused by name or, for a literal address, by address.
 */
export function checkTargetUrl(raw: string, options: { allowHttp: boolean; allowPrivate: boolean }): TargetCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'not an absolute URL' };
  }
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:')) {
    return { ok: false, message: options.allowHttp ? 'only http and https URLs can receive webhooks' : 'webhook targets must use https' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, message: 'credentials in the URL are not allowed; authenticate the signature instead' };
  if (url.hash !== '') return { ok: false, message: 'a URL fragment is never sent; remove it' };
  const host = hostOf(url);
  if (host === '') return { ok: false, message: 'the URL has no host' };
  const literalAddress = isIP(host) === 0 ? null : host;
  if (!options.allowPrivate) {
    if (literalAddress !== null) {
      const reason = refusalOf(literalAddress);
      if (reason !== null) return { ok: false, message: `${literalAddress} is a ${describeRefusal(reason)} address` };
    } else if (refusedHostNames.some((re) => re.test(host))) {
      return { ok: false, message: `${host} names this machine or a metadata service` };
    }
  }
  return { ok: true, url, host, literalAddress };
}

export function describeRefusal(reason: RefusalReason): string {
  return {
    loopback: 'loopback',
    private: 'private-network',
    link_local: 'link-local',
    metadata: 'cloud metadata',
    cgnat: 'carrier-grade NAT (100.64.0.0/10)',
    unique_local: 'unique-local IPv6',
    unspecified: 'unspecified',
    multicast: 'multicast',
    reserved: 'reserved or documentation',
  }[reason];
}

/** The first refused address among those a name resolved to, with its reason. */
export function firstRefused(addresses: readonly string[]): { address: string; reason: RefusalReason } | null {
  for (const address of addresses) {
    const reason = refusalOf(address);
    if (reason !== null) return { address, reason };
  }
  return null;
}

/** A URL as health and logs show it: origin and path, without a query that may carry a token. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}${url.search === '' ? '' : '?…'}`;
  } catch {
    return '(invalid URL)';
  }
}
