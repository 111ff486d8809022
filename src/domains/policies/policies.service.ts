import { z } from 'zod';
import { isoTime, type Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind } from '../../platform/db/store.ts';
import { AppError, type ErrorDetail } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import { diffDocuments } from './policies.diff.ts';
import * as repo from './policies.repo.ts';
import type { PolicyRow } from './policies.tables.ts';
import {
  policyKindNameSchema,
  type ActivePolicy,
  type Actor,
  type PolicyDiff,
  type PolicyKind,
  type PolicyKindSummary,
  type PolicyVersion,
} from './policies.types.ts';

/** How long a node trusts its cached active version; bounds how late it sees another node's activation. */
export const ACTIVE_CACHE_MAX_AGE_MS = 5_000;

export interface PolicyDeps {
  db: Executor;
  kind: StoreKind;
  clock: Clock;
  ids: IdGenerator;
  /** Kinds known from the start; more may be added with `registerPolicyKind`. */
  kinds?: readonly PolicyKind<any>[];
  cacheMaxAgeMs?: number;
}

export interface PolicyService {
  /** Adds a kind. Throws (a wiring bug) on a bad or duplicate name or defaults its schema refuses. */
  registerPolicyKind<T>(definition: PolicyKind<T>): void;
  /** Registered kinds in name order. */
  kinds(): PolicyKind[];
  /** Every kind with its description and the version in force. */
  summary(): Promise<PolicyKindSummary[]>;
  /** Validates and stores a draft as the kind's next version. 400 `validation_failed` names `document.<path>`. */
  propose(kind: string, document: unknown, comment: string | null | undefined, who: Actor): Promise<PolicyVersion>;
  /**
   * Makes a draft the active version and retires the previous one, in one transaction. Activating the
   * active version again changes nothing; a retired version is 409 `invalid_state` (propose it again).
   */
  activate(kind: string, version: number, who: Actor): Promise<PolicyVersion>;
  get(kind: string, version: number): Promise<PolicyVersion>;
  /** History, newest first. */
  list(kind: string): Promise<PolicyVersion[]>;
  /** The version in force (version 0 `default` when none was activated); cached for a few seconds. */
  /**
   * The version in force. Callers inside a transaction pass it as `executor`: on SQLite a read on
   * another handle would wait for the transaction's own connection and never finish.
   */
  active(kind: string, executor?: Executor): Promise<ActivePolicy>;
  /** `active` typed by the kind's definition, for the domains that decide by it. */
  activeOf<T>(definition: PolicyKind<T>, executor?: Executor): Promise<ActivePolicy<T>>;
  /** Changed JSON paths from one version to another; version 0 is the registered defaults. */
  diff(kind: string, from: number, to: number): Promise<PolicyDiff>;
  /** The kind's document schema as JSON Schema (draft 2020-12). */
  jsonSchema(kind: string): Record<string, unknown>;
}

const actorOf = (keyId: string | null, name: string | null): Actor | null => (keyId === null ? null : { keyId, name: name ?? '' });

function toVersion(row: PolicyRow): PolicyVersion {
  return {
    kind: row.kind,
    version: row.version,
    status: row.status as PolicyVersion['status'],
    document: JSON.parse(row.document) as unknown,
    comment: row.comment,
    createdAt: isoTime(row.created_at),
    createdBy: { keyId: row.created_by_key_id, name: row.created_by_name },
    activatedAt: row.activated_at === null ? null : isoTime(row.activated_at),
    activatedBy: actorOf(row.activated_by_key_id, row.activated_by_name),
    retiredAt: row.retired_at === null ? null : isoTime(row.retired_at),
  };
}

/** A missing field reads better as "required" than as "expected number, received undefined". */
const errorMap = (issue: { input?: unknown; code: string }) => (issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined);

/** Zod issues as details at `document.<path>`; an unknown field is named at its own path. */
function documentProblems(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    const path = ['document', ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: `unknown field "${key}"` }));
    return [{ path: path.join('.'), message: issue.message }];
  });
}

export function createPolicyService(deps: PolicyDeps): PolicyService {
  const { db, clock, ids } = deps;
  const maxAgeMs = deps.cacheMaxAgeMs ?? ACTIVE_CACHE_MAX_AGE_MS;
  const registry = new Map<string, PolicyKind>();
  const cache = new Map<string, { value: ActivePolicy; loadedAtMs: number }>();
  // Bumped by every local activation, so a read that started before it cannot overwrite its result.
  const generations = new Map<string, number>();

  function definitionOf(kind: string): PolicyKind {
    const found = registry.get(kind);
    if (found) return found;
    const known = [...registry.keys()].sort();
    throw new AppError('not_found', `unknown policy kind "${kind}"; known kinds: ${known.join(', ')}`, [
      { path: 'kind', message: 'no such policy kind', knownKinds: known },
    ]);
  }

  const notFound = (kind: string, version: number, path = 'version') =>
    new AppError('not_found', `${kind} policy version ${version} does not exist`, [{ path, message: 'no such version' }]);

  function fromDefaults(definition: PolicyKind): ActivePolicy {
    return { kind: definition.kind, version: 0, status: 'default', document: definition.defaults, activatedAt: null };
  }

  function fromRow(definition: PolicyKind, row: PolicyRow): ActivePolicy {
    const stored: unknown = JSON.parse(row.document);
    // A schema that gained a field with a default fills it in for versions stored before; a stored
    // version the schema no longer accepts is served as stored rather than stopping every decision.
    const parsed = definition.schema.safeParse(stored);
    return {
      kind: row.kind,
      version: row.version,
      status: 'active',
      document: parsed.success ? parsed.data : stored,
      activatedAt: row.activated_at === null ? null : isoTime(row.activated_at),
    };
  }

  async function loadActive(definition: PolicyKind, executor: Executor = db): Promise<ActivePolicy> {
    const row = await repo.findActive(executor, definition.kind);
    return row ? fromRow(definition, row) : fromDefaults(definition);
  }

  async function active(kind: string, executor: Executor = db): Promise<ActivePolicy> {
    const definition = definitionOf(kind);
    const now = clock.now();
    const entry = cache.get(kind);
    // A clock that stepped backwards makes an entry look young; it is reloaded instead.
    if (entry && now >= entry.loadedAtMs && now - entry.loadedAtMs <= maxAgeMs) return entry.value;
    const generation = generations.get(kind) ?? 0;
    const value = await loadActive(definition, executor);
    if ((generations.get(kind) ?? 0) === generation) cache.set(kind, { value, loadedAtMs: now });
    return value;
  }

  async function versionDocument(definition: PolicyKind, version: number, path: string): Promise<unknown> {
    if (version === 0) return definition.defaults;
    const row = await repo.findPolicy(db, definition.kind, version);
    if (!row) throw notFound(definition.kind, version, path);
    return JSON.parse(row.document) as unknown;
  }

  const service: PolicyService = {
    registerPolicyKind(definition) {
      const name = policyKindNameSchema.safeParse(definition.kind);
      if (!name.success) throw new Error(`registerPolicyKind: "${definition.kind}" is not a valid kind name`);
      if (registry.has(definition.kind)) throw new Error(`registerPolicyKind: kind "${definition.kind}" is already registered`);
      const defaults = definition.schema.safeParse(definition.defaults);
      if (!defaults.success) {
        const first = documentProblems(defaults.error)[0];
        throw new Error(`registerPolicyKind: the defaults of "${definition.kind}" fail its schema at ${first?.path}: ${first?.message}`);
      }
      registry.set(definition.kind, { ...definition, defaults: defaults.data } as PolicyKind);
    },

    kinds: () => [...registry.values()].sort((a, b) => a.kind.localeCompare(b.kind)),

    async summary() {
      return Promise.all(service.kinds().map(async (definition) => ({ kind: definition.kind, description: definition.description, active: await active(definition.kind) })));
    },

    async propose(kind, document, comment, who) {
      const definition = definitionOf(kind);
      const parsed = definition.schema.safeParse(document, { error: errorMap });
      if (!parsed.success) {
        const details = documentProblems(parsed.error);
        throw new AppError('validation_failed', `${details[0]!.path}: ${details[0]!.message}`, details);
      }
      const row = await db.transaction().execute(async (tx) => {
        await repo.lockKind(tx, deps.kind, kind);
        const next: PolicyRow = {
          id: ids.next(),
          kind,
          version: (await repo.latestVersion(tx, kind)) + 1,
          document: JSON.stringify(parsed.data),
          status: 'draft',
          comment: comment?.trim() || null,
          created_at: clock.now(),
          created_by_key_id: who.keyId,
          created_by_name: who.name,
          activated_at: null,
          activated_by_key_id: null,
          activated_by_name: null,
          retired_at: null,
        };
        await repo.insertPolicy(tx, next);
        return next;
      });
      return toVersion(row);
    },

    async activate(kind, version, who) {
      const definition = definitionOf(kind);
      generations.set(kind, (generations.get(kind) ?? 0) + 1);
      const { row, value } = await db.transaction().execute(async (tx) => {
        await repo.lockKind(tx, deps.kind, kind);
        const target = await repo.findPolicy(tx, kind, version);
        if (!target) throw notFound(kind, version);
        if (target.status === 'active') return { row: target, value: fromRow(definition, target) };
        if (target.status === 'retired') {
          throw new AppError('invalid_state', `${kind} policy version ${version} is retired; propose its document again to bring it back`, [
            { path: 'version', message: 'retired versions stay retired so that history reads in order', status: target.status },
          ]);
        }
        const now = clock.now();
        await repo.retireActive(tx, kind, now);
        if (!(await repo.activateDraft(tx, target.id, now, who))) throw new Error(`invariant violated: draft ${kind} v${version} changed under the kind lock`);
        const activated: PolicyRow = { ...target, status: 'active', activated_at: now, activated_by_key_id: who.keyId, activated_by_name: who.name };
        return { row: activated, value: fromRow(definition, activated) };
      });
      // Committed: this node sees the new version at once; others within the cache's age.
      generations.set(kind, (generations.get(kind) ?? 0) + 1);
      cache.set(kind, { value, loadedAtMs: clock.now() });
      return toVersion(row);
    },

    async get(kind, version) {
      definitionOf(kind);
      const row = await repo.findPolicy(db, kind, version);
      if (!row) throw notFound(kind, version);
      return toVersion(row);
    },

    async list(kind) {
      definitionOf(kind);
      return (await repo.listPolicies(db, kind)).map(toVersion);
    },

    active,
    activeOf: <T>(definition: PolicyKind<T>, executor?: Executor) => active(definition.kind, executor) as Promise<ActivePolicy<T>>,

    async diff(kind, from, to) {
      const definition = definitionOf(kind);
      const [before, after] = await Promise.all([versionDocument(definition, from, 'from'), versionDocument(definition, to, 'to')]);
      return { kind, from, to, changes: diffDocuments(before, after) };
    },

    jsonSchema(kind) {
      return z.toJSONSchema(definitionOf(kind).schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    },
  };
  for (const definition of deps.kinds ?? []) service.registerPolicyKind(definition);
  return service;
}
