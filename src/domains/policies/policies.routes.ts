import { z } from 'zod';
import { access } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponseSchema } from '../../platform/http/error-handler.ts';
import { principalOf } from '../../platform/http/access.ts';
import type { HttpApp } from '../../platform/http/types.ts';
import type { PolicyService } from './policies.service.ts';
import {
  activePolicySchema,
  policyDiffSchema,
  policyKindNameSchema,
  policyKindSummarySchema,
  policyVersionSchema,
  type Actor,
} from './policies.types.ts';

const tags = ['policies'];
const read = { access: access.anyRole };
const write = { access: access.roles() };
const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema, 404: errorResponseSchema } as const;

const versionSchema = z.coerce.number().int().min(1).max(1_000_000).describe('Version number, 1 or more');
const kindParams = z.object({ kind: policyKindNameSchema });
const versionParams = kindParams.extend({ version: versionSchema });
const diffVersionSchema = z.coerce.number().int().min(0).max(1_000_000).describe('Version number; 0 is the registered defaults');
const commentSchema = z.string().trim().max(2_000).describe('Why this version exists, for the history');

/** Where the service's detail paths are in the request: `kind` and `version` in params, `from`/`to` in the query, `document` in the body. */
const requestPlace: Record<string, string> = { kind: 'params', version: 'params', from: 'querystring', to: 'querystring', document: 'body' };

async function inRequest<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const placed = (path: string) => {
      const place = requestPlace[path.split('.')[0]!];
      return place ? `${place}.${path}` : path;
    };
    const details = error.details.map((d) => (d.path === undefined ? d : { ...d, path: placed(d.path) }));
    const message = error.code === 'validation_failed' && details[0]?.path ? `${details[0].path}: ${details[0].message}` : error.message;
    throw new AppError(error.code, message, details, error.headers);
  }
}

const actorOf = (request: Parameters<typeof principalOf>[0]): Actor => {
  const principal = principalOf(request);
  return { keyId: principal.keyId, name: principal.name };
};

/** The policy API: kinds, history, proposals, activation, diffs and each kind's JSON Schema. */
export function registerPolicyRoutes(app: HttpApp, policies: PolicyService): void {
  app.get(
    '/v1/policies',
    {
      config: read,
      schema: {
        tags,
        summary: 'Policy kinds with their descriptions and the version in force',
        description: 'Version 0 with status "default" means no version was activated and the registered defaults apply.',
        response: { 200: z.object({ items: z.array(policyKindSummarySchema) }), 401: errorResponseSchema, 403: errorResponseSchema },
      },
    },
    async () => ({ items: await policies.summary() }),
  );

  app.get(
    '/v1/policies/:kind',
    {
      config: read,
      schema: { tags, summary: "A kind's versions, newest first, with who made and activated each", params: kindParams, response: { 200: z.object({ items: z.array(policyVersionSchema) }), ...errors } },
    },
    async (request) => ({ items: await inRequest(policies.list(request.params.kind)) }),
  );

  app.post(
    '/v1/policies/:kind',
    {
      config: write,
      schema: {
        tags,
        summary: 'Propose a new version of a policy (a draft; activate it to put it in force)',
        description:
          'The document is validated against the kind\'s schema (GET /v1/policies/{kind}/schema); problems are named at `body.document.<path>`. ' +
          'Send the whole document: fields left out are not taken from the previous version.',
        params: kindParams,
        body: z.object({ document: z.unknown().describe('The whole policy document'), comment: commentSchema.optional() }).strict(),
        response: { 201: policyVersionSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { kind } = request.params;
      const created = await inRequest(policies.propose(kind, request.body.document, request.body.comment, actorOf(request)));
      return reply.code(201).header('location', `/v1/policies/${kind}/${created.version}`).send(created);
    },
  );

  app.get(
    '/v1/policies/:kind/active',
    {
      config: read,
      schema: { tags, summary: 'The version in force for a kind (version 0 "default" when none was activated)', params: kindParams, response: { 200: activePolicySchema, ...errors } },
    },
    async (request) => inRequest(policies.active(request.params.kind)),
  );

  app.get(
    '/v1/policies/:kind/schema',
    {
      config: read,
      schema: {
        tags,
        summary: "The JSON Schema a kind's documents must satisfy, with every field described",
        params: kindParams,
        response: { 200: z.record(z.string(), z.unknown()), ...errors },
      },
    },
    async (request) => inRequest(Promise.resolve().then(() => policies.jsonSchema(request.params.kind))),
  );

  app.get(
    '/v1/policies/:kind/diff',
    {
      config: read,
      schema: {
        tags,
        summary: 'The fields that changed between two versions',
        description: 'Each change names a dotted JSON path with the value before and after; lists compare as whole values. Version 0 is the defaults.',
        params: kindParams,
        querystring: z.object({ from: diffVersionSchema, to: diffVersionSchema }).strict(),
        response: { 200: policyDiffSchema, ...errors },
      },
    },
    async (request) => inRequest(policies.diff(request.params.kind, request.query.from, request.query.to)),
  );

  app.get(
    '/v1/policies/:kind/:version',
    {
      config: read,
      schema: { tags, summary: 'One version of a policy', params: versionParams, response: { 200: policyVersionSchema, ...errors } },
    },
    async (request) => inRequest(policies.get(request.params.kind, request.params.version)),
  );

  app.post(
    '/v1/policies/:kind/:version/activate',
    {
      config: write,
      schema: {
        tags,
        summary: 'Put a draft version in force, retiring the version it replaces',
        description:
          'One transaction: the previous active version is retired and this one becomes active, so at most one version of a kind is ever active. ' +
          'Activating the active version again changes nothing; a retired version is 409 invalid_state — propose its document again instead.',
        params: versionParams,
        // Fastify hands a request without a body to the schema as null, so null means "no body".
        body: z.object({}).strict().nullish(),
        response: { 200: policyVersionSchema, ...errors, 409: errorResponseSchema },
      },
    },
    async (request) => inRequest(policies.activate(request.params.kind, request.params.version, actorOf(request))),
  );
}
