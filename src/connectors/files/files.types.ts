import { z } from 'zod';
import type { Folder } from './files.config.ts';

/**
 * The file connector's extension point: a parser per file kind turns one claimed file into inbox
 * messages (and problems). CSV kinds are built in; X12 registers its own with `registerKind('x12', …)`.
 *
 * docs/files.md ("Adding a file kind") has an example.
 */

/** Where something is in a file: a CSV row and column, or an X12 segment position as `line`. */
export interface FileLocation {
  row?: number;
  line?: number;
  column?: string;
}

export interface FileProblem extends FileLocation {
  code: string;
  message: string;
  /** The inbox message the problem came from, when processing found it. */
  messageId?: string;
}

export interface FileMessage {
  /**
   * Names the message within its file. The inbox dedupe key is `sha256:<file hash>` for a file of one
   * message and `sha256:<file hash>#<part>` otherwise, so the same file dropped twice is the same
   * messages again and takes effect once. Parts must be unique within a file.
   */
  part?: string;
  messageType: string;
  contentType: string;
  payload: string;
  /** What the report calls it, e.g. `order PO-1 (rows 2–4)`. */
  label?: string;
  /** Where a path in the message's error details (such as `lines.0.sku`) is in the file. */
  locate?(path: string | undefined): FileLocation;
  /** Problems the outcome of a processed message reports (rejected events), located in the file. */
  outcomeProblems?(outcome: unknown): FileProblem[];
}

export interface IncomingFile {
  folder: Folder;
  /** The name it was dropped under. */
  name: string;
  sizeBytes: number;
  /** SHA-256 of the content, hex. */
  sha256: string;
  /** Reads the content from the start as a stream of chunks; may be called more than once. */
  chunks(): AsyncIterable<Buffer>;
}

export type FileParseItem = { kind: 'message'; message: FileMessage } | { kind: 'problem'; problem: FileProblem };

/**
 * Turns a file into messages and problems, streamed, or all at once. A parser decides what a problem
 * means for the rest: the orders parser yields no message when any row is bad; the inventory events
 * parser yields the good rows. It throws only for a bug; content is never a reason to throw.
 */
export type FileParser = (file: IncomingFile) => AsyncIterable<FileParseItem> | Promise<{ messages: FileMessage[]; problems: FileProblem[] }>;

/** What happened to a file: all of it taken in, part of it, or none of it. */
export const fileOutcomes = ['processed', 'partial', 'rejected'] as const;
export type FileOutcome = (typeof fileOutcomes)[number];

export interface DeliveredMessage {
  part: string | null;
  label: string | null;
  messageId: string;
  /** `exists` when the same file (or this part of it) was received before. */
  received: 'accepted' | 'exists';
  status: string;
}

/** The report written beside a file moved to `error/`; its fields are documented in docs/files.md. */
export interface FileReport {
  file: string;
  folder: string;
  kind: string;
  source: string;
  claimId: string;
  sha256: string | null;
  sizeBytes: number;
  claimedAt: string;
  finishedAt: string;
  outcome: FileOutcome;
  /** Where the file is now, relative to the folder's directories (`error/orders.csv`). */
  storedAs: string;
  summary: string;
  messages: DeliveredMessage[];
  /** Messages beyond those listed. */
  messagesOmitted: number;
  problemCount: number;
  problems: FileProblem[];
}

export const folderHealthSchema = z.object({
  name: z.string(),
  kind: z.string(),
  source: z.string(),
  directories: z.object({ in: z.string(), out: z.string(), archive: z.string(), error: z.string(), work: z.string() }),
  /** `ok`, `attention` (files wait in `error/`) or `unavailable` (a directory cannot be read). */
  status: z.enum(['ok', 'attention', 'unavailable']),
  /** Files in `in/` not yet taken (temporary and hidden names excluded). */
  filesWaiting: z.number().int(),
  /** Files being processed, or left by a process that stopped. */
  filesInWork: z.number().int(),
  /** Files in `error/` waiting for a person (reports not counted). */
  filesInError: z.number().int(),
  processedCount: z.number().int(),
  /** Files that ended `partial` or `rejected`, ever. */
  errorCount: z.number().int(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.object({ file: z.string(), outcome: z.string(), message: z.string() }).nullable(),
  /** Why the folder could not be looked at on the last attempt, if it could not. */
  scanError: z.string().nullable(),
});
export type FolderHealth = z.infer<typeof folderHealthSchema>;
