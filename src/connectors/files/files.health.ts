import { isoTime } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/store.ts';
import { errorMessage } from '../../platform/errors.ts';
import type { Folder } from './files.config.ts';
import * as fsio from './files.fs.ts';
import * as repo from './files.repo.ts';
import { isIgnoredName } from './files.rules.ts';
import type { FolderHealth } from './files.types.ts';

/**
 * One folder's health: counts of files read from its directories now, outcomes from the record of
 * files taken (the same on every node), and why it could not be looked at, if it could not.
 */
export async function folderHealthOf(db: Executor, folder: Folder, stats: Awaited<ReturnType<typeof repo.outcomeStats>>, lastScanError: string | null): Promise<FolderHealth> {
  let filesWaiting = 0;
  let filesInWork = 0;
  let filesInError = 0;
  let scanError = lastScanError;
  try {
    filesWaiting = (await fsio.fileNames(folder.dirs.in)).filter((n) => !isIgnoredName(n)).length;
    filesInWork = (await fsio.fileNames(folder.dirs.work)).length;
    filesInError = (await fsio.fileNames(folder.dirs.error)).filter((n) => !isIgnoredName(n) && !/\.report\.(json|txt)$/.test(n)).length;
  } catch (error) {
    scanError = errorMessage(error);
  }
  const mine = stats.filter((s) => s.folder === folder.name);
  const count = (outcomes: readonly string[]) => mine.filter((s) => outcomes.includes(s.outcome)).reduce((sum, s) => sum + Number(s.n), 0);
  const latest = (outcomes: readonly string[]) => {
    const times = mine.filter((s) => outcomes.includes(s.outcome) && s.last_at !== null).map((s) => Number(s.last_at));
    return times.length ? isoTime(Math.max(...times)) : null;
  };
  const failure = await repo.lastFailure(db, folder.name);
  return {
    name: folder.name,
    kind: folder.kind,
    source: folder.source,
    directories: folder.dirs,
    status: scanError !== null ? 'unavailable' : filesInError > 0 ? 'attention' : 'ok',
    filesWaiting,
    filesInWork,
    filesInError,
    processedCount: count(['processed']),
    errorCount: count(['partial', 'rejected']),
    lastSuccessAt: latest(['processed']),
    lastErrorAt: latest(['partial', 'rejected']),
    lastError: failure ? { file: failure.file_name, outcome: failure.outcome, message: failure.first_problem ?? '' } : null,
    scanError,
  };
}
