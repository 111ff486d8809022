/**
 * Order statistics shared by the KPIs and the process map. Percentiles are by nearest rank: the
 * p-quantile of n sorted values is the value at rank ⌈p·n⌉ (1-based), so it is always one of the
 * values and a hand-built test can name it.
 *
 * The value of nearest rank ⌈p·n⌉ among `values[from, to)` is found by selection in O(n) rather than
 * by sorting (a million cycle times take milliseconds); the range is reordered in place.
 */
export function selectNearestRank(values: Float64Array, from: number, to: number, p: number): number {
  return selectAt(values, from, to, nearestRankIndex(from, to, p));
}

/** Where the value of nearest rank ⌈p·n⌉ among `values[from, to)` lies once the range is in order. */
export function nearestRankIndex(from: number, to: number, p: number): number {
  return from + Math.max(1, Math.ceil(p * (to - from))) - 1;
}

/**
 * The median, the p90 (by nearest rank) and the largest of `values[from, to)`, which may be
 * reordered. Many non-negative values (a process map's waits, a KPI's cycle times) are counted by the
 * leading bits of their binary form first, which for non-negative numbers order as the numbers do;
 * only the values in the two buckets the ranks fall in are then selected among. Two passes over the
 * values, where selection over all of them takes several. Other ranges are selected in place.
 */
export function selectMedianAndP90(values: Float64Array, from: number, to: number): { median: number; p90: number; max: number } {
  const medianAt = nearestRankIndex(from, to, 0.5);
  const p90At = nearestRankIndex(from, to, 0.9);
  if (to - from >= BUCKETED_MIN) {
    const found = selectBucketed(values, from, to, medianAt - from, p90At - from);
    if (found !== null) return found;
  }
  const median = selectAt(values, from, to, medianAt);
  // The median's selection leaves every larger value after it: the p90 and the largest are there.
  const p90 = selectAt(values, medianAt, to, p90At);
  let max = values[medianAt]!;
  for (let i = medianAt + 1; i < to; i++) if (values[i]! > max) max = values[i]!;
  return { median, p90, max };
}

/** Below this many values, selection in place is as quick as counting first. */
const BUCKETED_MIN = 4_096;
/** Buckets by the top 19 bits of a non-negative double below infinity: exponent and 8 bits of mantissa. */
const BUCKET_SHIFT = 12;
const INFINITY_HIGH_WORD = 0x7ff00000;
/**
 * Counts per bucket (2 MB, made on first use) and the values of the two buckets, kept between calls:
 * fresh memory per call costs more than the work. Counts are cleared after each use.
 */
let bucketCountsKept: Int32Array | null = null;
let bucketValues = new Float64Array(1_024);
/** Which 32-bit word of a double holds its sign and exponent on this machine. */
const HIGH_WORD = new Int32Array(new Float64Array([1]).buffer)[1] !== 0 ? 1 : 0;

/**
 * The values of ranks `medianRank` and `p90Rank` (0-based) of `values[from, to)`, and the largest, by
 * counting first; null when a value is negative, not finite or not a number (then selection in place).
 */
function selectBucketed(values: Float64Array, from: number, to: number, medianRank: number, p90Rank: number): { median: number; p90: number; max: number } | null {
  const words = new Int32Array(values.buffer, values.byteOffset + from * 8, (to - from) * 2);
  const bucketCounts = (bucketCountsKept ??= new Int32Array(INFINITY_HIGH_WORD >>> BUCKET_SHIFT));
  const n = to - from;
  let low = bucketCounts.length;
  let high = -1;
  let max = Number.NEGATIVE_INFINITY;
  let usable = true;
  for (let i = 0; i < n; i++) {
    const word = words[2 * i + HIGH_WORD]!;
    // Negative numbers (and −0) have the sign bit; infinities and NaN the largest exponent.
    if (word < 0 || word >= INFINITY_HIGH_WORD) {
      usable = false;
      break;
    }
    const bucket = word >>> BUCKET_SHIFT;
    bucketCounts[bucket]!++;
    if (bucket < low) low = bucket;
    if (bucket > high) high = bucket;
    const value = values[from + i]!;
    if (value > max) max = value;
  }
  if (!usable) {
    if (high >= low) bucketCounts.fill(0, low, high + 1);
    return null;
  }
  // The buckets the two ranks fall in, and each rank within its bucket.
  let seen = 0;
  let medianBucket = -1;
  let p90Bucket = -1;
  let medianOffset = 0;
  let p90Offset = 0;
  for (let bucket = low; bucket <= high && p90Bucket < 0; bucket++) {
    const count = bucketCounts[bucket]!;
    if (medianBucket < 0 && medianRank < seen + count) {
      medianBucket = bucket;
      medianOffset = medianRank - seen;
    }
    if (p90Rank < seen + count) {
      p90Bucket = bucket;
      p90Offset = p90Rank - seen;
    }
    seen += count;
  }
  const medianCount = bucketCounts[medianBucket]!;
  const p90Count = p90Bucket === medianBucket ? 0 : bucketCounts[p90Bucket]!;
  bucketCounts.fill(0, low, high + 1);
  if (bucketValues.length < medianCount + p90Count) bucketValues = new Float64Array(Math.max(medianCount + p90Count, bucketValues.length * 2));
  let m = 0;
  let p = medianCount;
  for (let i = 0; i < n; i++) {
    const bucket = words[2 * i + HIGH_WORD]! >>> BUCKET_SHIFT;
    if (bucket === medianBucket) bucketValues[m++] = values[from + i]!;
    else if (bucket === p90Bucket) bucketValues[p++] = values[from + i]!;
  }
  const median = selectAt(bucketValues, 0, medianCount, medianOffset);
  const p90 = p90Bucket === medianBucket ? selectAt(bucketValues, medianOffset, medianCount, p90Offset) : selectAt(bucketValues, medianCount, medianCount + p90Count, medianCount + p90Offset);
  return { median, p90, max };
}

/**
 * The value that index k (from ≤ k < to) holds once `values[from, to)` is in order, by selection.
 * Afterwards every value before k is at most it and every value after k at least it, so a higher
 * rank of the same range can be selected from `[k, to)` alone.
 */
function selectAt(values: Float64Array, from: number, to: number, k: number): number {
  let left = from;
  let right = to - 1;
  while (right > left) {
    // Median of three as the pivot keeps sorted and reversed runs from going quadratic.
    const mid = (left + right) >>> 1;
    const a = values[left]!;
    const b = values[mid]!;
    const c = values[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  return values[k]!;
}
