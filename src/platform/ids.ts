import type { Clock } from './clock.ts';
import type { Random } from './random.ts';

/** Produces time-sortable unique ids; injected so a seeded run produces the same ids. */
export interface IdGenerator {
  next(): string;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Within one millisecond a
 * monotonic counter in the random field keeps ids strictly increasing, so ids sort in creation order
 * even when many are made in the same millisecond or the clock steps backwards.
 */
export function uuidV7Generator(clock: Clock, random: Random): IdGenerator {
  let lastMs = -1;
  let counter = 0;
  const bytes = new Uint8Array(16);
  return {
    next() {
      let ms = clock.now();
      if (ms <= lastMs) {
        ms = lastMs;
        counter++;
      } else {
        counter = 0;
      }
      lastMs = ms;
      random.fill(bytes);
      // Timestamp, big-endian, bytes 0..5.
      let t = ms;
      for (let i = 5; i >= 0; i--) {
        bytes[i] = t % 256;
        t = Math.floor(t / 256);
      }
      // 12-bit counter in rand_a keeps ordering within a millisecond.
      bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
      bytes[7] = counter & 0xff;
      bytes[8] = 0x80 | (bytes[8]! & 0x3f);
      const h = hex(bytes);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };
}
