import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError, z } from 'zod';
import { AppError, errorStatusByCode, type ErrorCode, type ErrorDetail } from '../errors.ts';
import type { HttpApp } from './types.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

/** Turns zod issues into details with a dotted path, in the order the schema checks them. */
export function zodDetails(error: ZodError, prefix?: string): ErrorDetail[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    return { path, message: issue.message, issue: issue.code };
  });
}

/** Fastify's own client errors, mapped to our codes; anything else is internal. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'validation_failed',
};

function toBody(error: unknown, request: FastifyRequest): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (error instanceof AppError) {
    return { status: error.status, headers: error.headers, body: { error: { code: error.code, message: error.message, details: error.details } } };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const details = error.validation.flatMap((v) => {
      const path = [where, ...v.instancePath.split('/').filter(Boolean)];
      // A strict object reports unknown fields at the object; name each field at its own path instead.
      const unknownKeys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
      if (Array.isArray(unknownKeys) && unknownKeys.length > 0) {
        return unknownKeys.map((key) => ({ path: [...path, String(key)].join('.'), message: `unknown field "${String(key)}"`, issue: v.keyword }));
      }
      return [{ path: path.join('.'), message: v.message ?? 'invalid', issue: v.keyword }];
    });
    const first = details[0];
    return {
      status: 400,
      headers: {},
      body: { error: { code: 'validation_failed', message: first ? `${first.path}: ${first.message}` : 'invalid request', details } },
    };
  }
  if (error instanceof ZodError) {
    const details = zodDetails(error);
    return { status: 400, headers: {}, body: { error: { code: 'validation_failed', message: `${details[0]?.path}: ${details[0]?.message}`, details } } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && fastifyError.statusCode === 400)) {
    return { status: 400, headers: {}, body: { error: { code: 'invalid_json', message: `body is not valid JSON: ${fastifyError.message}`, details: [] } } };
  }
  const mapped = fastifyError.code ? fastifyCodes[fastifyError.code] : undefined;
  if (mapped) {
    return { status: errorStatusByCode[mapped], headers: {}, body: { error: { code: mapped, message: fastifyError.message, details: [] } } };
  }
  if (fastifyError.statusCode === 429) {
    return { status: 429, headers: {}, body: { error: { code: 'rate_limited', message: fastifyError.message, details: [] } } };
  }
  if (isResponseSerializationError(error)) request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
  else request.log.error({ err: error }, 'unhandled error');
  // Internals never leave the process: the caller gets the correlation id to quote instead.
  return {
    status: 500,
    headers: {},
    body: { error: { code: 'internal_error', message: `internal error; quote correlation id ${request.id}`, details: [] } },
  };
}

export function installErrorHandling(app: HttpApp): void {
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    let rendered: ReturnType<typeof toBody>;
    try {
      rendered = toBody(error, request);
    } catch (renderError) {
      // A bug in rendering must not fall through to Fastify's default handler, which shows messages.
      request.log.error({ err: renderError, original: error }, 'error handler failed');
      rendered = { status: 500, headers: {}, body: { error: { code: 'internal_error', message: `internal error; quote correlation id ${request.id}`, details: [] } } };
    }
    const { status, body, headers } = rendered;
    if (status >= 400 && status < 500) request.log.info({ code: body.error.code, status }, body.error.message);
    return reply.code(status).headers(headers).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] },
    };
    return reply.code(404).send(body);
  });
}

/** The shared response schema for errors, so OpenAPI documents them. */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).passthrough()),
    }),
  })
  .describe('Error');
