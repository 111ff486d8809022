import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { roles, type Role } from '../platform/auth/roles.ts';
import { CliError } from './cli-error.ts';
import { openRuntime } from './runtime.ts';

const usage = `usage:
  crossdock keys create --name NAME --role ROLE [--role ROLE ...] [--partner CODE] [--rate-limit PER_MINUTE]
  crossdock keys list
  crossdock keys revoke KEY_ID
roles: ${roles.join(', ')}`;

/** Key management on the machine that runs the hub, for the first admin key and for recovery. */
export async function keysCommand(config: Config, args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      partner: { type: 'string' },
      'rate-limit': { type: 'string' },
    },
    allowPositionals: true,
  });
  const deps = await openRuntime(config);
  const app = await buildApp({ ...config, log: { level: 'silent' } }, deps);
  try {
    if (action === 'create') {
      if (!values.name) throw new CliError(`keys create: --name is required\n${usage}`);
      if (!values.role?.length) throw new CliError(`keys create: at least one --role is required\n${usage}`);
      const unknownRoles = values.role.filter((r) => !(roles as readonly string[]).includes(r));
      if (unknownRoles.length) throw new CliError(`keys create: unknown role ${unknownRoles.join(', ')}; roles are ${roles.join(', ')}`);
      const rateLimit = values['rate-limit'];
      if (rateLimit !== undefined && !/^\d+$/.test(rateLimit)) throw new CliError(`keys create: --rate-limit must be a whole number, got "${rateLimit}"`);
      const { key, secret } = await app.services.keys.create({
        name: values.name,
        roles: values.role as Role[],
        partnerCode: values.partner ?? null,
        rateLimitPerMinute: rateLimit === undefined ? null : Number(rateLimit),
      });
      console.log(`created key ${key.id} (${key.roles.join(', ')}${key.partnerCode ? `, partner ${key.partnerCode}` : ''})`);
      console.log('the secret is shown once and never again:');
      console.log(secret);
    } else if (action === 'list') {
      const keys = await app.services.keys.list();
      if (keys.length === 0) console.log('no keys');
      for (const k of keys) {
        const state = k.revokedAt ? `revoked ${k.revokedAt}` : 'active';
        console.log(`${k.id}  ${state.padEnd(32)} ${k.roles.join(',').padEnd(24)} ${k.partnerCode ?? '-'}  ${k.name}`);
      }
    } else if (action === 'revoke') {
      const id = positionals[0];
      if (!id) throw new CliError(`keys revoke: the key id is required\n${usage}`);
      const key = await app.services.keys.revoke(id);
      console.log(`revoked ${key.id} at ${key.revokedAt}`);
    } else {
      throw new CliError(usage);
    }
  } finally {
    await app.close();
    await deps.store.close();
  }
}
