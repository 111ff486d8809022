import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Column } from './columns.ts';
import { CompactLog, type LogImage } from './compact-log.ts';

/**
 * The process log held in memory, saved to a file so that a hub that starts again reads it back in
 * seconds instead of reading millions of events from the database (at ten million events, three
 * minutes on SQLite), and then reads from the database only what was logged since.
 *
 * The file is a cache of the stored log, never a source of truth. It names the sequence it reaches
 * and a few of its events by id; the caller trusts it only while the stored log still holds exactly
 * those events up to that sequence (see `sampleSeqs`).
 *
 * Layout: an 8-byte mark, the header's length (4 bytes, little-endian) and 4 spare bytes, the header
 * in JSON, then each column's bytes in the header's order, each starting at a multiple of 8 bytes,
 * then an 8-byte end mark. The numbers are in the machine's byte order, which the header names.
 */
const MARK = 'CDKPLOG1';
const END_MARK = 'CDKPEND1';
const FORMAT = 1;

/** An event of the log by sequence and id, as the database holds it. */
export interface SnapshotSample {
  seq: number;
  id: string;
}

interface Header {
  format: number;
  endianness: 'LE' | 'BE';
  /** The stored log's sequence the snapshot reaches: every stored event up to it is in it. */
  seq: number;
  samples: SnapshotSample[];
  strings: string[];
  typeCount: number[];
  activities: number[];
  counts: LogImage['counts'];
  columns: Array<{ name: string; type: 'f64' | 'i32' | 'u8'; length: number }>;
}

export interface LogSnapshot {
  log: CompactLog;
  seq: number;
  samples: SnapshotSample[];
}

const endianness = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'LE' : 'BE';
const typeOf = (values: Column): 'f64' | 'i32' | 'u8' => (values instanceof Float64Array ? 'f64' : values instanceof Int32Array ? 'i32' : 'u8');
const classes = { f64: Float64Array, i32: Int32Array, u8: Uint8Array } as const;
const padded = (bytes: number) => Math.ceil(bytes / 8) * 8;
/** The most one read or write moves: a single call cannot move 2 GB, which a column of a large log can hold. */
const CHUNK_BYTES = 256 * 1024 * 1024;
/** Writes begun by this process, to name each one's file; the paths whose leftovers it removed. */
let writes = 0;
const cleaned = new Set<string>();
const bytesOf = (values: Column) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

/**
 * The events whose ids a snapshot keeps: the first, the last and three between. Together with the
 * count of stored events up to the snapshot's sequence, they tell a snapshot of this database's log
 * from one of another, or of this log before a backfill added events below its sequence.
 */
export function sampleSeqs(log: CompactLog): number[] {
  if (log.events === 0) return [];
  const at = [0, 0.25, 0.5, 0.75, 1].map((f) => log.seq[Math.round(f * (log.events - 1))]!);
  return [...new Set(at)];
}

/**
 * Writes a log's image (`CompactLog.image`, taken when the log reached `seq`) to `path`: to a file
 * beside it, flushed to disk, then renamed over it, so the file at `path` is always whole. The log
 * may go on growing meanwhile. Answers the bytes written.
 */
export async function writeLogSnapshot(path: string, image: LogImage, seq: number, samples: SnapshotSample[]): Promise<number> {
  const header: Header = {
    format: FORMAT,
    endianness,
    seq,
    samples,
    strings: image.strings,
    typeCount: image.typeCount,
    activities: image.activities,
    counts: image.counts,
    columns: image.columns.map((c) => ({ name: c.name, type: typeOf(c.values), length: c.values.length })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Buffer.alloc(16 + padded(headerBytes.length));
  start.write(MARK, 0, 'latin1');
  start.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(start, 16);
  if (!cleaned.has(path)) {
    cleaned.add(path);
    await removeLeftovers(path);
  }
  // Named for this write alone: two hubs (or two writes of one) sharing a path must not share it.
  const temporary = `${path}.${process.pid}.${++writes}.writing`;
  const file = await open(temporary, 'w');
  let written = 0;
  try {
    const write = async (bytes: Buffer) => {
      await file.write(bytes, 0, bytes.length, written);
      written += bytes.length;
    };
    await write(start);
    for (const { values } of image.columns) {
      const bytes = bytesOf(values);
      for (let done = 0; done < bytes.length; done += CHUNK_BYTES) await write(bytes.subarray(done, Math.min(bytes.length, done + CHUNK_BYTES)));
      const gap = padded(values.byteLength) - values.byteLength;
      if (gap > 0) await write(Buffer.alloc(gap));
    }
    await write(Buffer.from(END_MARK, 'latin1'));
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
  return written;
}

/** A file being written is older than this only if its writer stopped (a write takes seconds). */
const LEFTOVER_AGE_MS = 60 * 60_000;

/**
 * Removes the files of writes that never finished (a hub stopped while writing: gigabytes each at
 * millions of events), once per process and path, before its first write there. Only old ones: another hub sharing
 * the path may be writing its own.
 */
async function removeLeftovers(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.writing')) continue;
    const file = join(dirname(path), name);
    const modified = await stat(file).then((s) => s.mtimeMs).catch(() => null);
    // The file system's clock, not the hub's: the age is the file's, as the disk keeps it.
    if (modified !== null && Date.now() - modified > LEFTOVER_AGE_MS) await rm(file, { force: true });
  }
}

/** Why a snapshot file cannot be read (it is then read from the database instead). */
export class SnapshotProblem extends Error {
  override name = 'SnapshotProblem';
}

/**
 * Reads a snapshot written by `writeLogSnapshot` into a shared log, each column with room to grow by
 * a quarter before it is copied. Null when there is no file; `SnapshotProblem` when it is not one
 * this code wrote whole. The log's ids are not indexed yet (`CompactLog.indexIds`).
 */
export async function readLogSnapshot(path: string): Promise<LogSnapshot | null> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const size = (await file.stat()).size;
    const start = Buffer.alloc(16);
    if (size < 24 || (await file.read(start, 0, 16, 0)).bytesRead !== 16 || start.toString('latin1', 0, 8) !== MARK) throw new SnapshotProblem(`${path} is not a process log snapshot of format ${FORMAT}`);
    const headerLength = start.readUInt32LE(8);
    if (16 + headerLength > size) throw new SnapshotProblem(`${path} is cut short (its header is ${headerLength} bytes, the file ${size})`);
    const headerBytes = Buffer.alloc(headerLength);
    await file.read(headerBytes, 0, headerLength, 16);
    const header = JSON.parse(headerBytes.toString('utf8')) as Header;
    if (header.format !== FORMAT) throw new SnapshotProblem(`${path} has format ${header.format}, this hub reads ${FORMAT}`);
    if (header.endianness !== endianness) throw new SnapshotProblem(`${path} was written on a ${header.endianness} machine`);
    const expected = 16 + padded(headerLength) + header.columns.reduce((sum, c) => sum + padded(c.length * classes[c.type].BYTES_PER_ELEMENT), 0) + END_MARK.length;
    if (expected !== size) throw new SnapshotProblem(`${path} is ${size} bytes where its header makes ${expected}`);
    const end = Buffer.alloc(END_MARK.length);
    await file.read(end, 0, end.length, size - end.length);
    if (end.toString('latin1') !== END_MARK) throw new SnapshotProblem(`${path} lacks its end mark`);
    let position = 16 + padded(headerLength);
    const columns: LogImage['columns'] = [];
    for (const c of header.columns) {
      const Class = classes[c.type];
      const bytes = c.length * Class.BYTES_PER_ELEMENT;
      // Room to grow, so the first events read after the snapshot do not copy every column.
      const memory = new SharedArrayBuffer((Math.ceil(c.length * 1.25) + 16) * Class.BYTES_PER_ELEMENT);
      const values: Column = c.type === 'f64' ? new Float64Array(memory) : c.type === 'i32' ? new Int32Array(memory) : new Uint8Array(memory);
      for (let done = 0; done < bytes; ) {
        const length = Math.min(CHUNK_BYTES, bytes - done);
        const { bytesRead } = await file.read(Buffer.from(values.buffer, done, length), 0, length, position + done);
        if (bytesRead === 0) throw new SnapshotProblem(`${path} ends inside its ${c.name} column`);
        done += bytesRead;
      }
      columns.push({ name: c.name, values });
      position += padded(bytes);
    }
    const log = CompactLog.fromImage({ strings: header.strings, typeCount: header.typeCount, activities: header.activities, counts: header.counts, columns });
    return { log, seq: header.seq, samples: header.samples };
  } catch (error) {
    if (error instanceof SnapshotProblem) throw error;
    if (error instanceof SyntaxError || (error instanceof Error && error.message.startsWith('invariant violated: a log image'))) throw new SnapshotProblem(`${path} cannot be read: ${error.message}`);
    throw error;
  } finally {
    await file.close();
  }
}
