import { z } from 'zod';
import { refusePartnerScopedKeys } from '../../platform/auth/partner-scope.ts';
import { access } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import { pageQuerySchema, pageSchema } from '../../platform/pagination.ts';
import { idSchema, objectRefSchema, timestampSchema } from '../shared/index.ts';
import type { DecisionService } from './decisions.service.ts';
import { decisionSchema } from './decisions.types.ts';

const tags = ['decisions'];
const read = { access: access.anyRole };
// Decisions name their subject but no trading partner, and their inputs hold customers' credit and
// other partners' orders: a key scoped to a partner is refused until they can be filtered by one.
const notForPartners = refusePartnerScopedKeys('the decision log');

const listQuerySchema = z
  .object({
    kind: decisionSchema.shape.kind.optional(),
    outcome: z.string().min(1).max(64).optional(),
    subjectType: objectRefSchema.shape.type.optional().describe('With subjectId: only decisions about this object'),
    subjectId: z.string().min(1).max(200).optional().describe('With subjectType: only decisions about this object'),
    orderId: z.string().min(1).max(200).optional().describe('Only decisions about this order and its lines (credit, pricing, sourcing, substitution…)'),
    since: timestampSchema.optional().describe('Only decisions made at or after this time'),
  })
  .extend(pageQuerySchema.shape)
  .strict();

/** Read-only: decisions are recorded by the domains that make them, in the same transaction as their effect. */
export function registerDecisionRoutes(app: HttpApp, decisions: DecisionService): void {
  app.get(
    '/v1/decisions',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'Recorded decisions, newest first, with their reasons, inputs and policy version',
        description:
          'Filter by kind, outcome, the object decided about (subjectType and subjectId together), an order with its lines (orderId) and time. ' +
          'Keyset-paged: pass nextCursor as cursor.',
        querystring: listQuerySchema,
        response: { 200: pageSchema(decisionSchema), 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async (request) => {
      const { subjectType, subjectId, ...rest } = request.query;
      if ((subjectType === undefined) !== (subjectId === undefined)) {
        const missing = subjectType === undefined ? 'querystring.subjectType' : 'querystring.subjectId';
        throw new AppError('validation_failed', `${missing}: required when ${missing.endsWith('Id') ? 'subjectType' : 'subjectId'} is given`, [
          { path: missing, message: 'subjectType and subjectId go together' },
        ]);
      }
      const subject = subjectType !== undefined && subjectId !== undefined ? { type: subjectType, id: subjectId } : undefined;
      return decisions.list({ ...rest, subject });
    },
  );

  app.get(
    '/v1/decisions/:id',
    {
      config: read,
      preHandler: notForPartners,
      schema: {
        tags,
        summary: 'One recorded decision',
        params: z.object({ id: idSchema }),
        response: { 200: decisionSchema, 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => decisions.get(request.params.id),
  );
}
