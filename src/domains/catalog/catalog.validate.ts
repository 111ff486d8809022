import type { z } from 'zod';

/** One problem with a document, at a dotted path such as `packSizes.1.quantity`. */
export type FieldProblem = {
  path: string;
  message: string;
};

export type ParseOutcome<T> = { ok: true; doc: T } | { ok: false, problems: FieldProblem[] };

/** A missing field reads better as "required" than as "expected string, received undefined". */
const errorMap = (issue: { input?: unknown; code: string }) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;

/**
 * Lists zod issues as field problems. An unknown field is reported at its own path (`foo`, or
 * `shipTos.0.foo`) rather than at the object holding it, so every problem names the field to fix.
 * Only the first problem of each path is kept: an empty key is "too short", and saying that it also
 * lacks the allowed characters adds nothing.
 */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const problems = error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: `unknown field "${key}"` }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
  const seen = new Set<string>();
  return problems.filter((problem) => !seen.has(problem.path) && seen.add(problem.path));
}

/** Validates one document with the entity's schema; defaults are applied to the result. */
export function parseDocument<T>(schema: z.ZodType<T>, input: unknown): ParseOutcome<T> {
  const result = schema.safeParse(input, { error: errorMap });
  return result.success ? { ok: true, doc: result.data } : { ok: false, problems: fieldProblems(result.error) };
}
