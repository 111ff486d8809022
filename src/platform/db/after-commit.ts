/**
 * Work that must wait until a transaction has committed: announcing changes to in-process readers,
 * waking a loop. A handler that runs inside someone else's transaction registers it here; the owner
 * of the transaction runs the callbacks after COMMIT and drops them on rollback.
 */
export interface CommitHooks {
  afterCommit(callback: () => void): void;
}

export function createCommitHooks(onCallbackError: (error: unknown) => void = () => undefined): { hooks: CommitHooks; runAfterCommit(): void } {
  const callbacks: Array<() => void> = [];
  return {
    hooks: { afterCommit: (callback) => void callbacks.push(callback) },
    runAfterCommit() {
      for (const callback of callbacks.splice(0)) {
        // The transaction is already committed; a failing reader must not turn that into an error.
        try {
          callback();
        } catch (error) {
          onCallbackError(error);
        }
      }
    },
  };
}
