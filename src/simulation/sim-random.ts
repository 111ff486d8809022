import { seededRandom, type Random } from '../platform/random.ts';

/**
 * The simulator's choices, all drawn from one seeded `Random` so that a seed replays a run exactly.
 * Nothing in the simulation may call Math.random(); fault injection added later draws from the same
 * stream, which is why every helper here takes exactly the draws it documents.
 */
export interface SimRandom {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An index chosen by weight (weights need not sum to 1). */
  weighted(weights: readonly number[]): number;
  /** A normally distributed value (Box–Muller), for lead times and delays. */
  normal(mean: number, stdDev: number): number;
  /** A random source of its own, seeded from this one, for a part of the model that must not shift the others' draws. */
  fork(): Random;
}

export function simRandom(random: Random): SimRandom {
  const next = () => random.next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('SimRandom.pick: no items to pick from');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (weights) => {
      const total = weights.reduce((a, b) => a + b, 0);
      let r = next() * total;
      for (let i = 0; i < weights.length; i++) {
        r -= weights[i]!;
        if (r < 0) return i;
      }
      return weights.length - 1;
    },
    normal: (mean, stdDev) => {
      const u = 1 - next();
      const v = next();
      return mean + stdDev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: () => {
      const seed = Math.floor(next() * 0x1_0000_0000);
      return seededRandom(seed);
    },
  };
}

/**
 * A Zipf-like sampler over `n` ranks: rank r (0-based) is drawn with weight 1 / (r + 1)^s. A
 * distributor's demand is skewed this way: a few hundred SKUs make most of the lines. The cumulative
 * table is built once; a draw is one random number and a binary search.
 */
export function zipfSampler(n: number, s = 1.07): (u: number) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < n; r++) {
    total += 1 / Math.pow(r + 1, s);
    cumulative[r] = total;
  }
  return (u) => {
    const target = u * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
