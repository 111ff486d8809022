/**
 * The file connector's decisions, pure: which names are never taken, when a file has settled, how a
 * claimed file is named, and where a finished one goes.
 */

/**
 * Names a writer uses while a file is incomplete: hidden (dot) files, editor and download leftovers.
 * The safe way to deliver is to write under such a name and rename when done.
 */
const IGNORED = [/^\./, /^~/, /~$/, /\.(tmp|temp|part|partial|crdownload|swp|filepart|lock)$/i];
export const isIgnoredName = (name: string): boolean => IGNORED.some((re) => re.test(name));

/** What was seen of a file at one look. */
export interface Look {
  sizeBytes: number;
  mtimeMs: number;
  /** On the hub's clock: since when the size and modification time have not changed. */
  stableSinceMs: number;
}

/**
 * A file is ready when it looks the same as at the previous look (a writer still appending changes
 * its size or its modification time) and has looked so for `settleMs` on the hub's clock. It is never
 * ready at the first look: there is nothing to compare with.
 */
export function observe(previous: Look | undefined, seen: { sizeBytes: number; mtimeMs: number }, nowMs: number, settleMs: number): { look: Look; ready: boolean } {
  const unchanged = previous !== undefined && previous.sizeBytes === seen.sizeBytes && previous.mtimeMs === seen.mtimeMs;
  if (!unchanged) return { look: { ...seen, stableSinceMs: nowMs }, ready: false };
  return { look: previous, ready: nowMs - previous.stableSinceMs >= settleMs };
}

const CLAIM_SEPARATOR = '__';

/** A claimed file's name in `work/`: the claim id, then the name it was dropped under. */
export const claimedName = (claimId: string, name: string): string => `${claimId}${CLAIM_SEPARATOR}${name}`;

/** The name a file was dropped under, from its name in `work/` (a file put there by hand keeps its own). */
export function originalName(workName: string): string {
  const at = workName.indexOf(CLAIM_SEPARATOR);
  return at > 0 ? workName.slice(at + CLAIM_SEPARATOR.length) : workName;
}

/** The dated subfolder of `archive/` a file finished at `nowMs` goes to (UTC). */
export const archiveSubfolder = (nowMs: number): string => new Date(nowMs).toISOString().slice(0, 10);

/** `orders.csv`, then `orders-2.csv`, `orders-3.csv`…: names to try so a finished file never replaces another. */
export function candidateName(name: string, attempt: number): string {
  if (attempt <= 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${attempt}${name.slice(dot)}` : `${name}-${attempt}`;
}
