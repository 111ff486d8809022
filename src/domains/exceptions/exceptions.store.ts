import type { Clock } from '../../platform/clock.ts';
import type { Executor, StoreKind, Tx } from '../../platform/db/store.ts';
import { invariant } from '../../platform/errors.ts';
import * as repo from './exceptions.repo.ts';
import type { AuditEntry } from './exceptions.types.ts';
import { fromRow, toAuditEntry, toAuditRow, toRow, type NewAudit, type StoredException } from './exceptions.view.ts';

/** Reading and writing whole exceptions and their audit lines, for the services of this domain. */
export function createExceptionStore(deps: { db: Executor; kind: StoreKind; clock: Clock }) {
  const { db, kind, clock } = deps;
  return {
    async get(id: string, executor: Executor = db): Promise<StoredException | undefined> {
      const row = await repo.findById(executor, id);
      return row && fromRow(row);
    },

    async findLive(type: string, subject: { type: string; id: string }, executor: Executor = db): Promise<StoredException | undefined> {
      const row = await repo.findLive(executor, type, subject);
      return row && fromRow(row);
    },

    async findLiveOfSubjects(subjects: ReadonlyArray<{ type: string; id: string }>, executor: Executor = db): Promise<StoredException[]> {
      return (await repo.findLiveOfSubjects(executor, subjects)).map(fromRow);
    },

    /** Reads an exception and, on PostgreSQL, locks it until commit. */
    async lockById(tx: Tx, id: string): Promise<StoredException | undefined> {
      const row = await repo.lockById(tx, kind, id);
      return row && fromRow(row);
    },

    /** The live exceptions of a subject (of one type, or of every type), locked until commit. */
    async lockLive(tx: Tx, subject: { type: string; id: string }, type?: string): Promise<StoredException[]> {
      return (await repo.lockLive(tx, kind, subject, type)).map(fromRow);
    },

    /** Inserts a new live exception; false when one is already live for its subject and type. */
    insertLive: (tx: Tx, stored: StoredException): Promise<boolean> => repo.insertLiveIfNew(tx, toRow(stored)),

    /**
     * Saves `after` over `before`. Callers hold the row's lock (or SQLite's single writer), so a
     * version that moved underneath is a bug, not a business outcome.
     */
    async save(tx: Tx, before: StoredException, after: StoredException): Promise<void> {
      invariant(after.exception.version === before.exception.version + 1, `exception ${before.exception.id}: a save must bump the version by one`);
      invariant(await repo.updateException(tx, toRow(after), before.exception.version), `exception ${before.exception.id} changed under its row lock`);
    },

    async audit(tx: Tx, exceptionId: string, entries: readonly NewAudit[]): Promise<void> {
      const now = clock.now();
      await repo.insertAudit(
        tx,
        entries.map((entry) => toAuditRow(exceptionId, now, entry)),
      );
    },

    async latestAudit(exceptionId: string, limit: number): Promise<AuditEntry[]> {
      return (await repo.latestAudit(db, exceptionId, limit)).map(toAuditEntry);
    },

    async auditPage(exceptionId: string, afterSeq: number, limit: number): Promise<AuditEntry[]> {
      return (await repo.listAudit(db, exceptionId, afterSeq, limit)).map(toAuditEntry);
    },

    list: (filter: repo.ExceptionFilter) => repo.listExceptions(db, filter),
  };
}

export type ExceptionStore = ReturnType<typeof createExceptionStore>;
