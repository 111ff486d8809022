import fc from 'fast-check';

/**
 * Property tests run on a fixed seed so CI is repeatable; set CROSSDOCK_FC_SEED to another number
 * to explore, or to `random` for a fresh one each run. A failure prints its seed and path to replay.
 */
const requested = process.env['CROSSDOCK_FC_SEED'];
const seed = requested === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(requested ?? 20_261_122);
if (!Number.isSafeInteger(seed)) throw new Error(`CROSSDOCK_FC_SEED must be a whole number or "random", got "${requested}"`);
fc.configureGlobal({ seed });
