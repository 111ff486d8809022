import { join } from 'node:path';
import { z } from 'zod';

/**
 * The `files` section of the configuration: watched folders, one per partner or source and kind of
 * file. See docs/files.md.
 */

export const fileKinds = ['csv-orders', 'csv-inventory-events', 'csv-inventory-snapshot', 'x12'] as const;
export type FileKind = (typeof fileKinds)[number];

const directory = z.string().min(1).max(1_000);

export const folderConfigSchema = z
  .object({
    /** Names the folder in health, reports and the inbox source (`file:<name>`). */
    name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, underscore or hyphen'),
    kind: z.enum(fileKinds),
    /** The folder's root; `in`, `out`, `archive`, `error` and `work` are made under it unless given. */
    path: directory,
    in: directory.optional(),
    out: directory.optional(),
    archive: directory.optional(),
    error: directory.optional(),
    /** Where claimed files are while they are processed. It must be on the same filesystem as `in`. */
    work: directory.optional(),
    /**
     * The inbox source of this folder's messages: `edi:<partnerCode>` for an X12 folder with a partner
     * (the source the partner's keys may read, like EDI by any other transport), else `file:<name>`.
     */
    source: z.string().min(1).max(200).optional(),
    /** The trading partner whose folder this is, for parsers that need it (X12). */
    partnerCode: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
    /** Overrides `files.settleMs` for this folder. */
    settleMs: z.number().int().min(0).max(24 * 3_600_000).optional(),
    csv: z
      .object({
        delimiter: z
          .string()
          .default(',')
          // The configuration is read before anything else is loaded, so this repeats the reader's own check.
          .refine((d) => /^[\t\x20-\x21\x23-\x7e]$/.test(d), { message: 'the delimiter must be one ASCII character other than a quote or a line break' }),
        /** Values for columns the files lack or leave empty, by documented column name. */
        defaults: z.record(z.string().min(1).max(100), z.string().max(500)).default({}),
        /** Inventory events per inbox message. */
        eventsPerMessage: z.number().int().min(1).max(10_000).default(1_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type FolderConfigInput = z.input<typeof folderConfigSchema>;

export const filesConfigSchema = z
  .object({
    /** How often watched folders are looked at. Whether a file has settled is judged on the hub's clock. */
    pollIntervalMs: z.number().int().min(50).default(1_000),
    /**
     * How long a file must keep its size and modification time before it is taken. A file is never
     * taken on the first look at it: it must be unchanged since the previous look, and then this long.
     */
    settleMs: z.number().int().min(0).max(24 * 3_600_000).default(0),
    /** A larger file is moved to `error/` without being read. */
    maxFileBytes: z.number().int().min(1).default(256 * 1024 * 1024),
    folders: z
      .array(folderConfigSchema)
      .default([])
      .refine((folders) => new Set(folders.map((f) => f.name)).size === folders.length, { message: 'folder names must be unique' }),
  })
  .strict()
  .prefault({});
export type FilesConfig = z.infer<typeof filesConfigSchema>;

/** A folder with every directory resolved. */
export interface Folder {
  name: string;
  kind: FileKind;
  source: string;
  partnerCode: string | null;
  settleMs: number;
  dirs: { in: string; out: string; archive: string; error: string; work: string };
  csv: { delimiter: string; defaults: Readonly<Record<string, string>>; eventsPerMessage: number };
}

export function resolveFolder(folder: z.infer<typeof folderConfigSchema>, config: Pick<FilesConfig, 'settleMs'>): Folder {
  const dir = (key: 'in' | 'out' | 'archive' | 'error' | 'work') => folder[key] ?? join(folder.path, key);
  return {
    name: folder.name,
    kind: folder.kind,
    source: folder.source ?? (folder.kind === 'x12' && folder.partnerCode !== undefined ? `edi:${folder.partnerCode}` : `file:${folder.name}`),
    partnerCode: folder.partnerCode ?? null,
    settleMs: folder.settleMs ?? config.settleMs,
    dirs: { in: dir('in'), out: dir('out'), archive: dir('archive'), error: dir('error'), work: dir('work') },
    csv: folder.csv,
  };
}
