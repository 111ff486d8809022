import type { Tx } from '../../platform/db/store.ts';
import { isTimeAttribute, type CompactLog } from './compact-log.ts';
import * as repo from './process.repo.ts';
import { eventKinds } from './process.types.ts';

/**
 * Stores events `[from, to)` of a log in columns (a generated one: `process.synthetic-log.ts`) in
 * the log's tables, with the follower's own writes, and moves the log's cursor past them: a stored
 * log for tests and benchmarks of what reads it (recompute, queries). An object's first sequence is
 * that of the first event stored that names it, so a log stored in pieces is stored in order. A
 * relation or change repeated within an event is stored once, as the follower stores it. `seqAfter`
 * places the events after a log already stored.
 */
export async function storeLogEvents(tx: Tx, log: CompactLog, from: number, to: number, seqAfter = 0): Promise<void> {
  const text = (code: number) => log.strings.values[code]!;
  const events: Parameters<typeof repo.insertEvents>[1][number][] = [];
  const relations: Parameters<typeof repo.insertEventObjects>[1][number][] = [];
  const changes: Parameters<typeof repo.insertChanges>[1][number][] = [];
  const objects = new Map<number, Parameters<typeof repo.insertObjects>[1][number]>();
  const note = (o: number, seq: number) => {
    if (!objects.has(o)) objects.set(o, { id: log.idOf(o), type: log.typeOf(o), first_seq: seq });
  };
  const PAGE = 5_000;
  const flush = async () => {
    await repo.insertEvents(tx, events.splice(0));
    await repo.insertObjects(tx, [...objects.values()]);
    await repo.insertEventObjects(tx, relations.splice(0));
    await repo.insertChanges(tx, changes.splice(0));
    objects.clear();
  };
  for (let e = from; e < to; e++) {
    const seq = seqAfter + log.seq[e]!;
    const time = log.time[e]!;
    const source = log.source[e]!;
    events.push({ seq, id: `event-${seq}`, type: 'crossdock.generated', activity: text(log.activity[e]!), kind: eventKinds[log.kind[e]!]!, time, flags: log.flags[e]!, integration_source: source < 0 ? null : text(source), attributes: '{}' });
    for (let r = log.relStart[e]!; r < log.relStart[e + 1]!; r++) {
      const o = log.relObject[r]!;
      note(o, seq);
      const quantity = log.relQuantity[r]!;
      relations.push({ event_seq: seq, object_id: log.idOf(o), object_type: log.typeOf(o), qualifier: text(log.relQualifier[r]!), quantity: Number.isNaN(quantity) ? null : quantity });
    }
    for (let c = e === 0 ? 0 : log.chgStart[e - 1]!; c < log.chgStart[e]!; c++) {
      const o = log.chgObject[c]!;
      note(o, seq);
      const name = text(log.chgName[c]!);
      const number = log.chgNumber[c]!;
      const value = log.chgText[c]! >= 0 ? text(log.chgText[c]!) : isTimeAttribute(name) ? new Date(number).toISOString() : number;
      changes.push({ object_id: log.idOf(o), event_seq: seq, name, value: JSON.stringify(value), time });
    }
    if (events.length === PAGE) await flush();
  }
  await flush();
  if (to > from) await repo.setCursor(tx, seqAfter + log.seq[to - 1]!, 0);
}
