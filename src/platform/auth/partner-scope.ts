import type { FastifyRequest } from 'fastify';
import type { Expression, SqlBool } from 'kysely';
import { AppError } from '../errors.ts';

/** A condition on an outbox event's subject, true for the events a caller may read. */
export type SubjectCondition = (subject: Expression<string>) => Expression<SqlBool>;

/**
 * What a key scoped to a trading partner may see of the hub's shared logs — the event feed and the
 * inbox. Those belong to the platform and know no owner, so the owners are named by whoever knows
 * them (the orders domain for events, the keys for messages), composed in app.ts.
 */
export interface PartnerScope {
  /** The events about the partner's objects (its orders). */
  eventSubjects(partnerCode: string): SubjectCondition;
  /** The inbox sources whose messages are the partner's; never empty. */
  inboxSources(partnerCode: string): Promise<[string, ...string[]]>;
}

/** The inbox source of messages a key sent through the API (order intake, inventory events). */
export const apiKeySource = (keyId: string) => `api:${keyId}`;
/** The inbox source of a trading partner's EDI interchanges. */
export const ediSource = (partnerCode: string) => `edi:${partnerCode}`;

/**
 * A route hook that refuses keys scoped to a trading partner, for data that carries no partner and
 * so cannot be filtered by one: fail closed, 403 `forbidden`, naming what is refused.
 */
export const refusePartnerScopedKeys =
  (what: string) =>
  async (request: FastifyRequest): Promise<void> => {
    const partnerCode = request.principal?.partnerCode;
    if (partnerCode) throw new AppError('forbidden', `${what} is not available to keys scoped to a trading partner (${partnerCode})`);
  };
