import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLog, kindCode } from './compact-log.ts';
import { NO_EVENT, PartCursor, type EventParts } from './event-parts.ts';
import { EVENT_MANUAL } from './process.types.ts';

/** Every event a cursor gives, in order. */
function eventsOf(cursor: PartCursor): number[] {
  const events: number[] = [];
  for (let e = cursor.next(); e !== NO_EVENT; e = cursor.next()) events.push(e);
  return events;
}

/** A shared log with an event of each sort the index tells apart; orders O0 and O64 are in blocks 0 and 1, so parts 0 and 1. */
function logOfParts(): CompactLog {
  const log = new CompactLog({ shared: true });
  const s = log.strings;
  let seq = 0;
  const event = (kind: number, flags: number, ids: string[]) => {
    seq++;
    log.beginEvent(seq, seq * 60_000, s.intern(`activity ${seq}`), kind, flags, -1);
    for (const id of ids) log.addRelation(log.object(id, id.slice(0, id.indexOf(':'))), s.intern('q'), Number.NaN);
  };
  for (let i = 0; i <= 64; i++) log.object(`order:O${i}`, 'order');
  event(kindCode.none, 0, ['order:O0', 'reservation:R1']); // 0: part 0's, though it changes no fact (the map steps it)
  event(kindCode.order_received, 0, ['channel:WEB', 'order:O64']); // 1: part 1's, its order named second
  event(kindCode.shipment_confirmed, 0, ['order:O0', 'order:O64']); // 2: several orders: shared
  event(kindCode.exception_closed, 0, ['exception:X']); // 3: no order, a kind: shared
  event(kindCode.none, EVENT_MANUAL, ['location:L']); // 4: no order, a person acted: shared
  event(kindCode.none, 0, ['location:L']); // 5: no order, no fact: neither
  event(kindCode.none, 0, ['order:O64']); // 6: part 1's
  return log;
}

test('a shared log files each event by part as it grows: its one order part, shared, or neither', () => {
  const log = logOfParts();
  const parts = log.parts!;
  assert.equal(parts.indexed, 6, 'the last event is filed once no relation can follow');
  const view = CompactLog.fromShared(log.share());
  const filed = (p: EventParts) => ({ own: p.own.map((list, i) => [...list.subarray(0, p.ownCount[i])]), shared: [...p.shared.subarray(0, p.sharedCount)], indexed: p.indexed });
  assert.deepEqual(filed(view.parts!), { own: [[0], [1, 6]], shared: [2, 3, 4], indexed: 7 });
  assert.equal(new CompactLog().parts, null, 'a log not shared keeps no index');
});

test("a part's cursor merges its own events with the shared ones in sequence order, from any event", () => {
  const log = logOfParts();
  // Sharing files the last event.
  log.share();
  assert.deepEqual(eventsOf(new PartCursor(log.parts, 0, 0)), [0, 2, 3, 4]);
  assert.deepEqual(eventsOf(new PartCursor(log.parts, 1, 0)), [1, 2, 3, 4, 6]);
  assert.deepEqual(eventsOf(new PartCursor(log.parts, 1, 3)), [3, 4, 6]);
  // Without an index, every event from the first asked for (the caller stops at its end).
  const all = new PartCursor(null, 0, 5);
  assert.deepEqual([all.next(), all.next(), all.next()], [5, 6, 7]);
});
