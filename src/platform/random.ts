/**
 * Randomness is injected so a seed replays a run exactly. `Random.next()` returns a float in [0, 1).
 */
export interface Random {
  next(): number;
  /** Fills the array with random bytes. */
  fill(bytes: Uint8Array): void;
}

import { randomFillSync } from 'node:crypto';

export const cryptoRandom: Random = {
  next: () => {
    const buf = new Uint32Array(1);
    randomFillSync(buf);
    return buf[0]! / 0x1_0000_0000;
  },
  fill: (bytes) => {
    randomFillSync(bytes);
  },
};

/** A small, fast, seeded generator (mulberry32); good enough for jitter, ids and simulation. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => nextUint32() / 0x1_0000_0000,
    fill: (bytes) => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = nextUint32() & 0xff;
    },
  };
}
