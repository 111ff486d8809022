import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPoller } from './poller.ts';

/** The loops' interval is ten minutes here: any tick these tests see came from a nudge or a drain. */
const INTERVAL_MS = 600_000;

/** Lets the event loop turn a few times, so that a tick that would run has run. */
const settle = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
};

/** Resolves once `done()` holds, checking after each turn of the event loop; fails after many turns. */
async function turnsUntil(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), 'the condition never held');
}

/** A poller whose ticks for which `holds(tick)` is true wait until `release()`; `ticks()` counts them as they start. */
function holdingPoller(holds: (tick: number) => boolean) {
  let ticks = 0;
  let release: () => void = () => undefined;
  const poller = startPoller({
    intervalMs: INTERVAL_MS,
    tick: async () => {
      ticks++;
      if (holds(ticks)) await new Promise<void>((resolve) => (release = resolve));
    },
    onError: (error) => assert.fail(String(error)),
  });
  return { poller, ticks: () => ticks, release: () => release() };
}

test('a nudge runs a tick at once instead of at the next interval', async () => {
  let ticks = 0;
  const poller = startPoller({ intervalMs: INTERVAL_MS, tick: async () => void ticks++, onError: (error) => assert.fail(String(error)) });
  try {
    poller.nudge();
    poller.nudge();
    await turnsUntil(() => ticks === 1);
    // Two nudges before the tick ran are one tick.
    await settle();
    assert.equal(ticks, 1);
  } finally {
    await poller.stop();
  }
});

test('a nudge while a tick runs is followed by another tick, which sees what was committed after the first looked', async () => {
  const { poller, ticks, release } = holdingPoller((tick) => tick === 1);
  try {
    poller.nudge();
    await turnsUntil(() => ticks() === 1);
    poller.nudge();
    release();
    await turnsUntil(() => ticks() === 2);
  } finally {
    await poller.stop();
  }
});

test('while ticks report more work the next runs at once; then the loop waits for its interval', async () => {
  let ticks = 0;
  const poller = startPoller({ intervalMs: INTERVAL_MS, tick: async () => ++ticks, moreWork: (n) => n < 4, onError: (error) => assert.fail(String(error)) });
  try {
    poller.nudge();
    await turnsUntil(() => ticks === 4);
    await settle();
    assert.equal(ticks, 4, 'a tick with nothing more to do ends the run');
  } finally {
    await poller.stop();
  }
});

test('after stop, a nudge runs nothing', async () => {
  let ticks = 0;
  const poller = startPoller({ intervalMs: INTERVAL_MS, tick: async () => void ticks++, onError: (error) => assert.fail(String(error)) });
  await poller.stop();
  poller.nudge();
  await settle();
  assert.equal(ticks, 0);
});

test('settled waits for the tick running or asked for, and not for ticks asked for while it waits', async () => {
  const { poller, ticks, release } = holdingPoller(() => true);
  try {
    await poller.settled();
    assert.equal(ticks(), 0, 'with no tick running or asked for it resolves at once');
    poller.nudge();
    let settled = false;
    const waiting = poller.settled().then(() => (settled = true));
    await turnsUntil(() => ticks() === 1);
    // Asked for again while the first tick runs: settled does not wait for that one too.
    poller.nudge();
    await settle();
    assert.equal(settled, false, 'the asked-for tick is still running');
    release();
    await waiting;
    assert.equal(ticks(), 1, 'resolved when the tick it waited for ended, before the next one ran');
    await turnsUntil(() => ticks() === 2);
    release();
  } finally {
    await poller.stop();
  }
});
