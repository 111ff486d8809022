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
 * The median and the p90 (by nearest rank) of `values[from, to)`, reordered in place. The median's
 * selection leaves every larger value after it, so the p90 is selected among those alone; `medianAt`
 * says where that upper part begins (the largest value is in it too).
 */
export function selectMedianAndP90(values: Float64Array, from: number, to: number): { median: number; p90: number; medianAt: number } {
  const medianAt = nearestRankIndex(from, to, 0.5);
  const median = selectAt(values, from, to, medianAt);
  return { median, p90: selectAt(values, medianAt, to, nearestRankIndex(from, to, 0.9)), medianAt };
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
