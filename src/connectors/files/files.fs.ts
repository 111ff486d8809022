import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ExternalError } from '../../platform/errors.ts';
import { candidateName } from './files.rules.ts';

/**
 * The file system, and nothing else: listing, claiming, moving without replacing, atomic writes.
 * Every move is a rename or a hard link within one file system, so each is atomic: a file is
 * either where it was or where it went, never half-copied.
 */

export const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

export async function ensureDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) await mkdir(dir, { recursive: true });
}

export interface DirEntry {
  name: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** Regular files in a directory with their size and modification time. A directory not made yet is empty. */
export async function listFiles(dir: string): Promise<DirEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
  const entries: DirEntry[] = [];
  for (const name of names) {
    try {
      const info = await stat(join(dir, name));
      entries.push({ name, sizeBytes: info.size, mtimeMs: info.mtimeMs });
    } catch (error) {
      // Taken or deleted between the listing and the look: it is simply not there.
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  return entries;
}

/** Names of regular files only, without looking at each; a directory not made yet is empty. */
export async function fileNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Claims a file by renaming it. Of any number of pollers (in one process or many) renaming the same
 * file, exactly one succeeds; the others find it gone and answer false.
 */
export async function claim(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Moves a file into `dir` under `name`, or `name-2`, `name-3`… when taken: a hard link fails when the
 * name exists, so a finished file never replaces another, even when two nodes finish at once.
 * File systems without hard links fall back to a rename after a look. Throws ENOENT when the file is
 * gone (another process took it over).
 */
export async function moveNoClobber(from: string, dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let attempt = 1; attempt <= 10_000; attempt++) {
    const target = join(dir, candidateName(name, attempt));
    try {
      await link(from, target);
      await unlink(from);
      return target;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
      if (await exists(target)) continue;
      await rename(from, target);
      return target;
    }
  }
  throw new Error(`no free name for ${name} in ${dir}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Writes a file so that a reader never sees it half-written: to a hidden temporary name in the same
 * directory, flushed to disk, then renamed (or, without `overwrite`, hard-linked so an existing file
 * is never replaced; EEXIST then). The directory is flushed too, so the new name survives a crash.
 */
export async function writeFileAtomic(dir: string, name: string, content: string | Uint8Array, options: { overwrite: boolean }): Promise<string> {
  await folderAt(dir);
  const target = join(dir, name);
  const temporary = join(dir, `.${name}.${randomUUID()}.tmp`);
  const handle = await open(temporary, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.overwrite) await rename(temporary, target);
    else {
      await link(temporary, target);
      await unlink(temporary);
    }
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
  return target;
}

/**
 * Makes sure `dir` is a folder, creating it if need be. `mkdir -p` fails with EEXIST only when
 * something that is not a folder stands at the path (a share not mounted, a stray file). That is a
 * fault of the machine, which someone can put right, so it is thrown as a retryable external error
 * naming the path, rather than as EEXIST, which a writer would take for the file being there already.
 */
async function folderAt(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    throw new ExternalError(`${dir} is not a folder: something else stands at that path`, { retryable: true, cause: error });
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot flush a directory; the rename is still atomic there.
  }
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The content as a stream of chunks of at most 64 KiB, from the start each time. */
export const readChunks = (path: string): AsyncIterable<Buffer> => createReadStream(path, { highWaterMark: 64 * 1024 });

export async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}
