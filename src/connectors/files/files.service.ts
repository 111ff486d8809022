import { createHash } from 'node:crypto';
import { basename, join, relative } from 'node:path';
import { isoTime, type Clock } from '../../platform/clock.ts';
import { isStoreFailure, type Executor } from '../../platform/db/store.ts';
import { AppError, errorMessage, invariant } from '../../platform/errors.ts';
import type { IdGenerator } from '../../platform/ids.ts';
import type { InboxService } from '../../platform/inbox/index.ts';
import { singleFlight, startPoller, type Poller } from '../../platform/poller.ts';
import { ProblemList } from '../csv/index.ts';
import { fileKinds, resolveFolder, type FileKind, type FilesConfig, type Folder } from './files.config.ts';
import { csvFileParsers } from './files.csv-kinds.ts';
import * as fsio from './files.fs.ts';
import * as repo from './files.repo.ts';
import { folderHealthOf } from './files.health.ts';
import { outcomeOf, renderReportText, summaryOf } from './files.report.ts';
import { archiveSubfolder, claimedName, isIgnoredName, observe, originalName, type Look } from './files.rules.ts';
import type { DeliveredMessage, FileMessage, FileParseItem, FileParser, FileProblem, FileReport, FolderHealth, IncomingFile } from './files.types.ts';

export interface FileConnector {
  /** One parser per file kind; the CSV kinds are registered already, X12 registers its own. */
  registerKind(kind: FileKind, parser: FileParser): void;
  /**
   * One pass over every folder: at the first pass, files a stopped process left in `work/` are taken
   * again; then files that have settled in `in/` are claimed and processed. The background loop
   * calls it; tests call it by hand.
   */
  pollFolders(): Promise<PollReport>;
  /** Writes a file into a folder's `out/` atomically, for connectors sending files (X12 out). */
  writeOutbound(folderName: string, fileName: string, content: string | Uint8Array): Promise<{ path: string }>;
  folderHealth(): Promise<FolderHealth[]>;
  folders(): readonly Folder[];
  start(): void;
  stop(): Promise<void>;
}

export interface PollReport {
  processed: number;
  partial: number;
  rejected: number;
  /** Files kept in `work/` because the hub could not take them in (database down); retried next pass. */
  retrying: number;
}

export interface FileConnectorDeps {
  db: Executor;
  clock: Clock;
  ids: IdGenerator;
  inbox: InboxService;
  config: FilesConfig;
  onError?: (error: unknown, where: string) => void;
}

/** Most problems and messages a report lists; the rest are counted. */
const REPORT_PROBLEMS_MAX = 1_000;
const REPORT_MESSAGES_MAX = 10_000;

/** A failure to hand a message to the inbox: the hub's fault, not the file's, so the file is retried. */
class DeliveryFailure extends Error {
  constructor(readonly failure: unknown) {
    super(errorMessage(failure));
  }
}

interface Claimed {
  folder: Folder;
  workPath: string;
  name: string;
  claimId: string;
  claimedAt: number;
}

/** A part too long for the inbox's dedupe key is replaced by its hash; either way it is stable. */
const partKey = (part: string) => (part.length <= 200 ? part : `sha256:${createHash('sha256').update(part).digest('hex')}`);

export function createFileConnector(deps: FileConnectorDeps): FileConnector {
  const { db, clock, ids, inbox, config } = deps;
  const onError = deps.onError ?? (() => undefined);
  const folders = config.folders.map((f) => resolveFolder(f, config));
  const parsers = new Map<FileKind, FileParser>(csvFileParsers);
  const looks = new Map<string, Map<string, Look>>();
  const prepared = new Set<string>();
  /** Files this process claimed but could not finish; it owns them and tries again each pass. */
  const owned = new Map<string, Claimed>();
  const scanErrors = new Map<string, string | null>();

  const folderNamed = (name: string): Folder => {
    const folder = folders.find((f) => f.name === name);
    if (!folder) throw new AppError('not_found', `no watched folder is named ${name}`, [{ path: 'folder', message: `configured folders: ${folders.map((f) => f.name).join(', ') || 'none'}` }]);
    return folder;
  };

  /** Hands one message to the inbox and reads what became of it into problems. */
  async function deliver(claimed: Claimed, sha256: string, message: FileMessage, problems: ProblemList<FileProblem>): Promise<DeliveredMessage> {
    let received;
    try {
      received = await inbox.receiveAndProcess({
        source: claimed.folder.source,
        dedupeKey: `sha256:${sha256}${message.part === undefined ? '' : `#${partKey(message.part)}`}`,
        messageType: message.messageType,
        contentType: message.contentType,
        payload: message.payload,
        correlationId: claimed.claimId,
      });
    } catch (error) {
      throw new DeliveryFailure(error);
    }
    const stored = received.message;
    if ((stored.status === 'failed' || stored.status === 'dead') && stored.error) {
      const error = stored.error;
      const details = error.details.length ? error.details : [{ message: error.message }];
      for (const detail of details) {
        const code = typeof detail['code'] === 'string' ? detail['code'] : error.code;
        problems.add({ ...(message.locate?.(detail.path) ?? {}), code, message: detail.message, messageId: stored.id });
      }
    } else if (stored.status === 'processed' && message.outcomeProblems) {
      for (const p of message.outcomeProblems(stored.outcome)) problems.add({ ...p, messageId: stored.id });
    }
    return { part: message.part ?? null, label: message.label ?? null, messageId: stored.id, received: received.result, status: stored.status };
  }

  async function* itemsOf(parsed: ReturnType<FileParser>): AsyncGenerator<FileParseItem> {
    if (Symbol.asyncIterator in parsed) {
      yield* parsed;
      return;
    }
    const { messages, problems } = await parsed;
    for (const problem of problems) yield { kind: 'problem', problem };
    for (const message of messages) yield { kind: 'message', message };
  }

  /**
   * Reads a claimed file into the inbox and moves it on: to `archive/<date>/` when everything in it
   * was taken in, else to `error/` with its report. Throws (leaving the file in `work/`) only when
   * the inbox could not be reached; answers null when another process took the file over.
   */
  async function processClaimed(claimed: Claimed): Promise<FileReport | null> {
    const { folder, workPath, name } = claimed;
    const problems = new ProblemList<FileProblem>(REPORT_PROBLEMS_MAX);
    const delivered: DeliveredMessage[] = [];
    let deliveredCount = 0;
    let takenCount = 0;
    let sha256: string | null = null;
    let sizeBytes: number;
    try {
      sizeBytes = await fsio.sizeOf(workPath);
    } catch (error) {
      if (fsio.errorCode(error) === 'ENOENT') return null;
      throw error;
    }

    if (sizeBytes > config.maxFileBytes) {
      problems.add({ code: 'file_too_large', message: `the file has ${sizeBytes} bytes; files.maxFileBytes allows ${config.maxFileBytes}` });
    } else {
      sha256 = await fsio.sha256Of(workPath);
      const parser = parsers.get(folder.kind);
      if (!parser) {
        problems.add({ code: 'no_parser', message: `no parser is registered for files of kind ${folder.kind}; move the file back to in/ once one is` });
      } else {
        const file: IncomingFile = { folder, name, sizeBytes, sha256, chunks: () => fsio.readChunks(workPath) };
        try {
          for await (const item of itemsOf(parser(file))) {
            if (item.kind === 'problem') {
              problems.add(item.problem);
              continue;
            }
            const summary = await deliver(claimed, sha256, item.message, problems);
            deliveredCount++;
            if (summary.status === 'processed' || summary.status === 'received') takenCount++;
            if (delivered.length < REPORT_MESSAGES_MAX) delivered.push(summary);
          }
        } catch (error) {
          if (error instanceof DeliveryFailure) throw error.failure;
          // A parser that writes (the EDI acknowledgements, control numbers) can meet a failing store;
          // the file is not at fault, so it stays in work/ for the next pass instead of going to error/.
          if (isStoreFailure(error)) throw error;
          onError(error, `files:${folder.name}:parser`);
          problems.add({ code: 'parser_failed', message: `the ${folder.kind} parser failed: ${errorMessage(error)}` });
        }
      }
    }

    const outcome = outcomeOf(takenCount, problems.count);
    const finishedAt = clock.now();
    let storedPath: string;
    try {
      storedPath =
        outcome === 'processed'
          ? await fsio.moveNoClobber(workPath, join(folder.dirs.archive, archiveSubfolder(finishedAt)), name)
          : await fsio.moveNoClobber(workPath, folder.dirs.error, name);
    } catch (error) {
      if (fsio.errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    const storedAs = outcome === 'processed' ? `archive/${relative(folder.dirs.archive, storedPath)}` : `error/${basename(storedPath)}`;
    const report: FileReport = {
      file: name,
      folder: folder.name,
      kind: folder.kind,
      source: folder.source,
      claimId: claimed.claimId,
      sha256,
      sizeBytes,
      claimedAt: isoTime(claimed.claimedAt),
      finishedAt: isoTime(finishedAt),
      outcome,
      storedAs,
      summary: summaryOf(outcome, takenCount, problems.count),
      messages: delivered,
      messagesOmitted: deliveredCount - delivered.length,
      problemCount: problems.count,
      problems: problems.items,
    };
    if (outcome !== 'processed') {
      const reportName = basename(storedPath);
      try {
        await fsio.writeFileAtomic(folder.dirs.error, `${reportName}.report.json`, `${JSON.stringify(report, null, 2)}\n`, { overwrite: true });
        await fsio.writeFileAtomic(folder.dirs.error, `${reportName}.report.txt`, renderReportText(report), { overwrite: true });
      } catch (error) {
        // The file is already in error/, which is what a person looks at; the record below still names its first problem.
        onError(error, `files:${folder.name}:report`);
      }
    }
    const first = problems.items[0];
    try {
      await repo.insertIntake(db, {
        id: claimed.claimId,
        folder: folder.name,
        file_name: name,
        sha256,
        size_bytes: sizeBytes,
        outcome,
        messages: deliveredCount,
        problems: problems.count,
        stored_as: storedAs,
        first_problem: first ? first.message : null,
        claimed_at: claimed.claimedAt,
        finished_at: finishedAt,
      });
    } catch (error) {
      // The file is where it belongs and its report is written; only the health record is missing.
      onError(error, `files:${folder.name}:record`);
    }
    return report;
  }

  /** Processes a claimed file; a hub-side failure keeps it in `work/`, owned, for the next pass. */
  async function take(claimed: Claimed, report: PollReport): Promise<boolean> {
    try {
      const done = await processClaimed(claimed);
      owned.delete(claimed.workPath);
      if (done) report[done.outcome]++;
      return true;
    } catch (error) {
      owned.set(claimed.workPath, claimed);
      report.retrying++;
      scanErrors.set(claimed.folder.name, `could not take in ${claimed.name}: ${errorMessage(error)}`);
      onError(error, `files:${claimed.folder.name}`);
      return false;
    }
  }

  /**
   * Files left in `work/` when this process starts were claimed by a process that stopped before
   * finishing. Each is claimed again under a new claim id (one rename, so of several starting nodes
   * one wins) and adopted: processed from the start like any file this process could not finish.
   * Messages already delivered before the stop are recognised by the inbox and take effect once.
   */
  async function adoptLeftovers(folder: Folder): Promise<void> {
    for (const workName of (await fsio.fileNames(folder.dirs.work)).sort()) {
      const name = originalName(workName);
      const claimId = ids.next();
      const workPath = join(folder.dirs.work, claimedName(claimId, name));
      if (await fsio.claim(join(folder.dirs.work, workName), workPath)) owned.set(workPath, { folder, workPath, name, claimId, claimedAt: clock.now() });
    }
  }

  async function scan(folder: Folder, report: PollReport): Promise<void> {
    const now = clock.now();
    const previous = looks.get(folder.name) ?? new Map<string, Look>();
    const current = new Map<string, Look>();
    const ready: fsio.DirEntry[] = [];
    for (const entry of await fsio.listFiles(folder.dirs.in)) {
      if (isIgnoredName(entry.name)) continue;
      const seen = observe(previous.get(entry.name), entry, now, folder.settleMs);
      current.set(entry.name, seen.look);
      if (seen.ready) ready.push(entry);
    }
    looks.set(folder.name, current);
    ready.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1));
    for (const entry of ready) {
      const claimId = ids.next();
      const workPath = join(folder.dirs.work, claimedName(claimId, entry.name));
      // Losing the rename means another poller has the file; it is theirs.
      if (!(await fsio.claim(join(folder.dirs.in, entry.name), workPath))) continue;
      current.delete(entry.name);
      // After a hub-side failure, stop claiming: the rest wait in `in/`, where they are visible.
      if (!(await take({ folder, workPath, name: entry.name, claimId, claimedAt: clock.now() }, report))) return;
    }
  }

  async function pollFolder(folder: Folder, report: PollReport): Promise<void> {
    if (!prepared.has(folder.name)) {
      await fsio.ensureDirs(Object.values(folder.dirs));
      await adoptLeftovers(folder);
      prepared.add(folder.name);
    }
    for (const claimed of [...owned.values()].filter((c) => c.folder.name === folder.name)) {
      if (!(await take(claimed, report))) return;
    }
    await scan(folder, report);
    if (![...owned.values()].some((c) => c.folder.name === folder.name)) scanErrors.set(folder.name, null);
  }

  const pollFolders = singleFlight(async (): Promise<PollReport> => {
    const report: PollReport = { processed: 0, partial: 0, rejected: 0, retrying: 0 };
    for (const folder of folders) {
      try {
        await pollFolder(folder, report);
      } catch (error) {
        scanErrors.set(folder.name, errorMessage(error));
        onError(error, `files:${folder.name}`);
      }
    }
    return report;
  });

  let poller: Poller | null = null;

  return {
    registerKind(kind, parser) {
      invariant(fileKinds.includes(kind), `unknown file kind ${kind}`);
      invariant(!parsers.has(kind), `a parser for files of kind ${kind} is already registered`);
      parsers.set(kind, parser);
    },

    pollFolders,

    async writeOutbound(folderName, fileName, content) {
      const folder = folderNamed(folderName);
      if (!/^[^/\\\0]{1,255}$/.test(fileName) || fileName === '..' || isIgnoredName(fileName)) {
        throw new AppError('validation_failed', `"${fileName}" cannot be an outbound file name`, [
          { path: 'fileName', message: 'a plain file name: no directories, not hidden, not a temporary name' },
        ]);
      }
      try {
        return { path: await fsio.writeFileAtomic(folder.dirs.out, fileName, content, { overwrite: false }) };
      } catch (error) {
        if (fsio.errorCode(error) !== 'EEXIST') throw error;
        throw new AppError('already_exists', `${fileName} is already in the out folder of ${folderName}`, [{ path: 'fileName', message: 'choose a new name' }]);
      }
    },

    async folderHealth() {
      const stats = await repo.outcomeStats(db);
      const health: FolderHealth[] = [];
      for (const folder of folders) health.push(await folderHealthOf(db, folder, stats, scanErrors.get(folder.name) ?? null));
      return health;
    },

    folders: () => folders,

    start() {
      if (poller || folders.length === 0) return;
      poller = startPoller({ intervalMs: config.pollIntervalMs, tick: pollFolders, onError: (error) => onError(error, 'files') });
    },

    async stop() {
      await poller?.stop();
      poller = null;
    },
  };
}
