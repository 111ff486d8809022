import { z } from 'zod';

/** The roles an API key can hold. `admin` may do everything; the others are granted per route. */
export const roles = [
  'admin',
  'integration',
  'customer_service',
  'planner',
  'warehouse',
  'finance',
  'procurement',
  'viewer',
] as const;
export type Role = (typeof roles)[number];
export const roleSchema = z.enum(roles);

/** Who is calling: resolved from the API key on every request except public ones. */
export interface Principal {
  keyId: string;
  name: string;
  roles: readonly Role[];
  /** When set, the key acts only for this trading partner and sees only its data. */
  partnerCode: string | null;
  rateLimitPerMinute: number | null;
}

/**
 * What a route requires. Every route must declare one; a route without it fails at start-up, so an
 * endpoint can never be left open by omission.
 */
export type Access = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

export const access = {
  /** No key needed: health, metrics and the API documentation only. */
  public: { kind: 'public' } as Access,
  /** Any valid key may call. */
  anyRole: { kind: 'roles', roles } as Access,
  /** Admin plus the roles named. */
  roles: (...allowed: Role[]): Access => ({ kind: 'roles', roles: ['admin', ...allowed] }),
} as const;

export function isAllowed(principal: Principal, required: Access): boolean {
  if (required.kind === 'public') return true;
  return principal.roles.some((r) => r === 'admin' || required.roles.includes(r));
}
