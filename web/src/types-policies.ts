/**
 * The policy API's answers (src/domains/policies/policies.types.ts): kinds with the version in
 * force, a kind's stored versions with their history, and the diff between two versions.
 */

export interface PolicyActor {
  keyId: string;
  name: string;
}

export type PolicyStatus = 'draft' | 'active' | 'retired';

export interface PolicyVersion {
  kind: string;
  version: number;
  status: PolicyStatus;
  document: unknown;
  comment: string | null;
  createdAt: string;
  createdBy: PolicyActor;
  activatedAt: string | null;
  activatedBy: PolicyActor | null;
  retiredAt: string | null;
}

/** Version 0 with status `default` means nobody activated a version and the registered defaults apply. */
export interface ActivePolicy {
  kind: string;
  version: number;
  status: 'active' | 'default';
  document: unknown;
  activatedAt: string | null;
}

export interface PolicyKindSummary {
  kind: string;
  description: string;
  active: ActivePolicy;
}

export interface PolicyChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface PolicyDiff {
  kind: string;
  from: number;
  to: number;
  changes: PolicyChange[];
}
