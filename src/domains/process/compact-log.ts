import { column, grow, type Column } from './columns.ts';
import { EventParts, type SharedEventParts } from './event-parts.ts';
import { IdBuffer, IdTable } from './object-ids.ts';
import { eventKinds, type EventKind, type LoggedEvent } from './process.types.ts';

/**
 * The process log in columns, for folding and mining millions of events in memory (DESIGN §11:
 * KPIs over 10 million events in ≤ 2 s). Strings (activities, qualifiers, attribute names and
 * values, object types) are interned once; objects are numbered; events, their relations and their
 * attribute changes live in typed arrays, relations and changes as ranges per event (CSR). The same
 * structure carries one batch for the incremental path and the whole log for a recompute, so the
 * fold has one implementation.
 */
export class Interner {
  private readonly index = new Map<string, number>();
  readonly values: string[] = [];
  /**
   * A frozen dictionary refuses new values: a worker folding part of a log shares the dictionary its
   * owner filled before the split, and a value it lacks means the split was not prepared for that log.
   */
  frozen = false;

  constructor(values: readonly string[] = []) {
    for (const value of values) this.intern(value);
  }

  intern(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      if (this.frozen) throw new Error(`invariant violated: ${JSON.stringify(value)} is not in a frozen dictionary`);
      code = this.values.length;
      this.values.push(value);
      this.index.set(value, code);
    }
    return code;
  }

  /** The code of a value already interned, or -1. */
  find(value: string): number {
    return this.index.get(value) ?? -1;
  }
}

export const kindCode: Readonly<Record<EventKind, number>> = Object.fromEntries(eventKinds.map((k, i) => [k, i])) as Record<EventKind, number>;

/** Times in attribute values are ISO strings on the wire and milliseconds in the columns. */
export const isTimeAttribute = (name: string): boolean => name.endsWith('At');

/**
 * A log's columns as worker threads receive them: views of shared memory (nothing is copied), the
 * string dictionary's values and the counts.
 */
export interface SharedLog {
  strings: string[];
  idBytes: Uint8Array;
  idStart: Int32Array;
  idUsed: number;
  objects: number;
  objectType: Int32Array;
  objectOrdinal: Int32Array;
  ofType: Int32Array[];
  typeCount: number[];
  events: number;
  seq: Float64Array;
  time: Float64Array;
  activity: Int32Array;
  kind: Uint8Array;
  flags: Uint8Array;
  source: Int32Array;
  eventOrder: Int32Array;
  objectOrder: Int32Array;
  relations: number;
  relStart: Int32Array;
  relObject: Int32Array;
  relType: Int32Array;
  relOrdinal: Int32Array;
  relQualifier: Int32Array;
  relQuantity: Float64Array;
  changes: number;
  chgStart: Int32Array;
  chgObject: Int32Array;
  chgName: Int32Array;
  chgNumber: Float64Array;
  chgText: Int32Array;
  parts: SharedEventParts;
  activities: number[];
}

/** How many values a column of the log holds: one per object, per event (one more for a range's end), per relation, per change. */
type ColumnExtent = 'objects' | 'events' | 'eventsAndEnd' | 'relations' | 'changes';

/**
 * The log's typed-array columns and how far each is filled: what a snapshot keeps, besides the ids and
 * the objects by type. One list, so that writing a snapshot and reading it back cannot disagree.
 */
const LOG_COLUMNS = [
  ['objectType', 'objects'],
  ['objectOrdinal', 'objects'],
  ['objectOrder', 'objects'],
  ['seq', 'events'],
  ['time', 'events'],
  ['activity', 'events'],
  ['kind', 'events'],
  ['flags', 'events'],
  ['source', 'events'],
  ['eventOrder', 'events'],
  ['relStart', 'eventsAndEnd'],
  ['relObject', 'relations'],
  ['relType', 'relations'],
  ['relOrdinal', 'relations'],
  ['relQualifier', 'relations'],
  ['relQuantity', 'relations'],
  ['chgStart', 'eventsAndEnd'],
  ['chgObject', 'changes'],
  ['chgName', 'changes'],
  ['chgNumber', 'changes'],
  ['chgText', 'changes'],
] as const satisfies ReadonlyArray<readonly [string, ColumnExtent]>;
type LogColumn = (typeof LOG_COLUMNS)[number][0];

/** A log's counts, dictionary and columns, each column holding just what the log has (`CompactLog.image`). */
export interface LogImage {
  strings: string[];
  /** Objects of each interned type (0 for a string no object has as its type). */
  typeCount: number[];
  activities: number[];
  counts: { objects: number; idUsed: number; events: number; relations: number; changes: number };
  /** Each column by name; `ofType:<code>` are the objects of a type by ordinal. */
  columns: Array<{ name: string; values: Column }>;
}

/**
 * Orders are the spine of the log: a recompute splits the work by order, and the process map most
 * asked for is the orders'. The type's code is the same in every log (interned first).
 */
const ORDER_TYPE = 'order';
const ORDER_TYPE_CODE = 0;

/**
 * Id → number over many maps: a JavaScript Map holds at most 2^24 entries (16.8 million), which the
 * objects of a log of twenty million events pass. Ids are spread over the maps by a hash of their last
 * characters (the random part of a UUID, or a line's number after it).
 */
export class IdIndex {
  private static readonly SHARDS = 64;
  private readonly shards = Array.from({ length: IdIndex.SHARDS }, () => new Map<string, number>());

  private shardOf(id: string): Map<string, number> {
    let hash = 0x811c9dc5;
    for (let i = Math.max(0, id.length - 8); i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
    return this.shards[(hash >>> 0) % IdIndex.SHARDS]!;
  }

  get(id: string): number | undefined {
    return this.shardOf(id).get(id);
  }

  set(id: string, index: number): void {
    this.shardOf(id).set(id, index);
  }
}

export class CompactLog {
  readonly strings = new Interner([ORDER_TYPE]);
  /** Object id → number, for logs built from ids (the subscriber's batches, a recompute); generators number their own. */
  private readonly objectIndex: IdTable;
  private readonly ids: IdBuffer;
  /** The interned type of each object, and its number among the objects of its type (its ordinal). */
  objectType: Int32Array;
  objectOrdinal: Int32Array;
  /** Per interned type: its objects by ordinal. */
  private readonly ofType: Int32Array[] = [];
  private readonly typeCount: number[] = [];
  /** Whether the columns live in shared memory, so worker threads can fold and map the log (`share`). */
  readonly shared: boolean;

  events = 0;
  seq: Float64Array;
  time: Float64Array;
  activity: Int32Array;
  kind: Uint8Array;
  flags: Uint8Array;
  /** Interned integration source, or -1. */
  source: Int32Array;
  /**
   * 1 + the ordinal of the one order an event names; 0 when it names none, -1 when it names several
   * (then its relations say which). Kept as relations are added, so that a recompute finds each
   * event's order (and its thread) without reading the event's relations.
   */
  eventOrder: Int32Array;
  /**
   * Per object, 1 + the ordinal of the first order it was named beside (0: none): where an event that
   * names no order but names this object (an exception closed, a purchase order acknowledged) belongs.
   */
  objectOrder: Int32Array;

  relations = 0;
  relStart: Int32Array;
  relObject: Int32Array;
  /** The related object's type and ordinal, beside it: readers of relations never look objects up. */
  relType: Int32Array;
  relOrdinal: Int32Array;
  relQualifier: Int32Array;
  /** NaN when the relation carries no quantity. */
  relQuantity: Float64Array;

  changes = 0;
  chgStart: Int32Array;
  chgObject: Int32Array;
  chgName: Int32Array;
  /** A numeric (or time, in ms) value, NaN for text. */
  chgNumber: Float64Array;
  /** An interned text value, or -1. */
  chgText: Int32Array;

  /** A shared log's events by the part of a parallel recompute they go to (null when not shared). */
  parts: EventParts | null;

  /**
   * The interned activities in the order they first occur, so that a process map numbers them
   * without passing over every event (the interned strings hold attribute values too).
   */
  activities: number[] = [];
  private activitySeen = new Uint8Array(64);

  /**
   * `shared`: keep the columns in `SharedArrayBuffer`s, for a log that worker threads will read (a
   * recompute of the whole log); small logs (a subscriber's batch) need not.
   */
  constructor(options: { shared?: boolean } = {}) {
    const shared = options.shared ?? false;
    this.shared = shared;
    this.ids = new IdBuffer(shared);
    this.objectIndex = new IdTable(this.ids);
    this.objectType = column(Int32Array, 16, shared);
    this.objectOrdinal = column(Int32Array, 16, shared);
    this.seq = column(Float64Array, 16, shared);
    this.time = column(Float64Array, 16, shared);
    this.activity = column(Int32Array, 16, shared);
    this.kind = column(Uint8Array, 16, shared);
    this.flags = column(Uint8Array, 16, shared);
    this.source = column(Int32Array, 16, shared);
    this.eventOrder = column(Int32Array, 16, shared);
    this.objectOrder = column(Int32Array, 16, shared);
    this.relStart = column(Int32Array, 17, shared);
    this.relObject = column(Int32Array, 16, shared);
    this.relType = column(Int32Array, 16, shared);
    this.relOrdinal = column(Int32Array, 16, shared);
    this.relQualifier = column(Int32Array, 16, shared);
    this.relQuantity = column(Float64Array, 16, shared);
    this.chgStart = column(Int32Array, 17, shared);
    this.chgObject = column(Int32Array, 16, shared);
    this.chgName = column(Int32Array, 16, shared);
    this.chgNumber = column(Float64Array, 16, shared);
    this.chgText = column(Int32Array, 16, shared);
    this.parts = shared ? new EventParts() : null;
  }

  /** The log as worker threads receive it. Only a log built `shared` can be shared. */
  share(): SharedLog {
    if (!this.shared) throw new Error('invariant violated: only a log built shared can be shared');
    const { ids } = this;
    // The last event's relations are complete once the log is shared.
    this.parts!.index(this.events, this.eventOrder, this.kind, this.flags);
    return {
      strings: this.strings.values.slice(),
      idBytes: ids.bytes,
      idStart: ids.start,
      idUsed: ids.used,
      objects: ids.count,
      objectType: this.objectType,
      objectOrdinal: this.objectOrdinal,
      ofType: this.ofType.slice(),
      typeCount: this.typeCount.slice(),
      events: this.events,
      seq: this.seq,
      time: this.time,
      activity: this.activity,
      kind: this.kind,
      flags: this.flags,
      source: this.source,
      eventOrder: this.eventOrder,
      objectOrder: this.objectOrder,
      relations: this.relations,
      relStart: this.relStart,
      relObject: this.relObject,
      relType: this.relType,
      relOrdinal: this.relOrdinal,
      relQualifier: this.relQualifier,
      relQuantity: this.relQuantity,
      changes: this.changes,
      chgStart: this.chgStart,
      chgObject: this.chgObject,
      chgName: this.chgName,
      chgNumber: this.chgNumber,
      chgText: this.chgText,
      parts: this.parts!.share(),
      activities: this.activities.slice(),
    };
  }

  /** A worker thread's view of a shared log: read it, do not append to it (`object(id)` finds nothing). */
  static fromShared(state: SharedLog): CompactLog {
    const log = new CompactLog();
    for (const value of state.strings) log.strings.intern(value);
    log.ids.bytes = state.idBytes;
    log.ids.start = state.idStart;
    log.ids.used = state.idUsed;
    log.ids.count = state.objects;
    log.objectType = state.objectType;
    log.objectOrdinal = state.objectOrdinal;
    log.ofType.push(...state.ofType);
    log.typeCount.push(...state.typeCount);
    log.events = state.events;
    log.seq = state.seq;
    log.time = state.time;
    log.activity = state.activity;
    log.kind = state.kind;
    log.flags = state.flags;
    log.source = state.source;
    log.eventOrder = state.eventOrder;
    log.objectOrder = state.objectOrder;
    log.relations = state.relations;
    log.relStart = state.relStart;
    log.relObject = state.relObject;
    log.relType = state.relType;
    log.relOrdinal = state.relOrdinal;
    log.relQualifier = state.relQualifier;
    log.relQuantity = state.relQuantity;
    log.changes = state.changes;
    log.chgStart = state.chgStart;
    log.chgObject = state.chgObject;
    log.chgName = state.chgName;
    log.chgNumber = state.chgNumber;
    log.chgText = state.chgText;
    log.parts = new EventParts(state.parts);
    log.activities = state.activities;
    return log;
  }

  get objects(): number {
    return this.ids.count;
  }

  /**
   * The log as a snapshot file keeps it (log-snapshot.ts): its counts, its dictionary and views of
   * what each column holds. Views of memory that appends do not change, except `objectOrder` (an
   * object first named beside an order later gets it then), which is copied: a snapshot is written
   * while the log goes on growing.
   */
  image(): LogImage {
    const { ids, events, relations, changes } = this;
    const objects = ids.count;
    const extent: Record<ColumnExtent, number> = { objects, events, eventsAndEnd: events + 1, relations, changes };
    const columns: LogImage['columns'] = [
      { name: 'idBytes', values: ids.bytes.subarray(0, ids.used) },
      { name: 'idStart', values: ids.start.subarray(0, objects + 1) },
      ...LOG_COLUMNS.map(([name, of]) => ({ name, values: name === 'objectOrder' ? this[name].slice(0, objects) : this[name].subarray(0, extent[of]) })),
    ];
    const typeCount = this.strings.values.map((_, code) => this.typeCount[code] ?? 0);
    typeCount.forEach((count, code) => {
      if (count > 0) columns.push({ name: `ofType:${code}`, values: this.ofType[code]!.subarray(0, count) });
    });
    return { strings: this.strings.values.slice(), typeCount, activities: this.activities.slice(), counts: { objects, idUsed: ids.used, events, relations, changes }, columns };
  }

  /**
   * A shared log made of a snapshot's columns, which it adopts (each may be longer than its count, to
   * leave room to grow). Its ids are not indexed yet: `indexIds` does that, in slices if it likes,
   * and the log takes no event until all are.
   */
  static fromImage(image: LogImage): CompactLog {
    const log = new CompactLog({ shared: true });
    for (const value of image.strings) log.strings.intern(value);
    if (log.strings.values.length !== image.strings.length || image.strings[ORDER_TYPE_CODE] !== ORDER_TYPE) throw new Error('invariant violated: a log image whose dictionary repeats a value or lacks the order type');
    const column = <T extends Column>(name: string, Class: new (n: number) => T): T => {
      const found = image.columns.find((c) => c.name === name)?.values;
      if (!(found instanceof Class) || !(found.buffer instanceof SharedArrayBuffer)) throw new Error(`invariant violated: a log image without its ${name} column in shared memory`);
      return found as T;
    };
    const { objects, idUsed, events, relations, changes } = image.counts;
    log.ids.bytes = column('idBytes', Uint8Array);
    log.ids.start = column('idStart', Int32Array);
    log.ids.used = idUsed;
    log.ids.count = objects;
    for (const [name] of LOG_COLUMNS) (log as unknown as Record<LogColumn, Column>)[name] = column(name, log[name].constructor as new (n: number) => Column);
    image.typeCount.forEach((count, code) => {
      if (count === 0) return;
      log.typeCount[code] = count;
      log.ofType[code] = column(`ofType:${code}`, Int32Array);
    });
    log.events = events;
    log.relations = relations;
    log.changes = changes;
    for (const activity of image.activities) {
      if (activity >= log.activitySeen.length) log.activitySeen = grow(log.activitySeen, activity + 1);
      log.activitySeen[activity] = 1;
    }
    log.activities = image.activities.slice();
    log.indexedIds = 0;
    return log;
  }

  /**
   * Objects whose ids are indexed (`object(id)` finds them): all of them, except in a log made from
   * an image, until `indexIds` has passed over them.
   */
  private indexedIds = -1;

  /** Indexes the ids of a log made from an image, up to object `upTo`; answers how many are indexed. */
  indexIds(upTo: number): number {
    const to = Math.min(upTo, this.ids.count);
    this.objectIndex.reserve(this.ids.count);
    for (let index = this.indexedIds; index < to; index++) this.objectIndex.add(index);
    this.indexedIds = Math.max(this.indexedIds, to);
    if (this.indexedIds === this.ids.count) this.indexedIds = -1;
    return this.indexedIds < 0 ? this.ids.count : this.indexedIds;
  }


  /** The object's number, registering it on first sight. */
  object(id: string, type: string): number {
    if (this.indexedIds >= 0) throw new Error('invariant violated: a log made from an image takes objects only once its ids are indexed');
    let index = this.objectIndex.find(id);
    if (index < 0) {
      index = this.newObject(id, this.strings.intern(type));
      this.objectIndex.add(index);
    }
    return index;
  }

  /**
   * Registers an object known to be new without indexing its id: for generators and loaders that
   * keep their own numbering. `object(id)` will not find it.
   */
  newObject(id: string, typeCode: number): number {
    const index = this.ids.count;
    this.ids.push(id);
    this.objectType = grow(this.objectType, index + 1);
    this.objectOrdinal = grow(this.objectOrdinal, index + 1);
    this.objectOrder = grow(this.objectOrder, index + 1);
    this.objectType[index] = typeCode;
    const ordinal = this.typeCount[typeCode] ?? 0;
    this.typeCount[typeCode] = ordinal + 1;
    this.objectOrdinal[index] = ordinal;
    this.ofType[typeCode] = grow(this.ofType[typeCode] ?? column(Int32Array, 16, this.shared), ordinal + 1);
    this.ofType[typeCode]![ordinal] = index;
    return index;
  }

  /** Starts an event; its relations and changes follow until the next one starts. */
  beginEvent(seq: number, timeMs: number, activityCode: number, kind: number, flags: number, sourceCode: number): void {
    const e = this.events;
    if (e >= this.seq.length) {
      const n = Math.max(16, this.seq.length * 2);
      this.seq = grow(this.seq, n);
      this.time = grow(this.time, n);
      this.activity = grow(this.activity, n);
      this.kind = grow(this.kind, n);
      this.flags = grow(this.flags, n);
      this.source = grow(this.source, n);
      this.eventOrder = grow(this.eventOrder, n);
      this.relStart = grow(this.relStart, n + 1);
      this.chgStart = grow(this.chgStart, n + 1);
    }
    // The event before is complete: its order, and so its part, is known.
    if (this.parts !== null) this.parts.index(e, this.eventOrder, this.kind, this.flags);
    this.seq[e] = seq;
    this.time[e] = timeMs;
    this.activity[e] = activityCode;
    if (activityCode >= this.activitySeen.length) this.activitySeen = grow(this.activitySeen, activityCode + 1);
    if (this.activitySeen[activityCode] === 0) {
      this.activitySeen[activityCode] = 1;
      this.activities.push(activityCode);
    }
    this.kind[e] = kind;
    this.flags[e] = flags;
    this.source[e] = sourceCode;
    this.eventOrder[e] = 0;
    this.relStart[e] = this.relations;
    this.chgStart[e] = this.changes;
    this.events = e + 1;
    this.relStart[e + 1] = this.relations;
    this.chgStart[e + 1] = this.changes;
  }

  addRelation(objectIndex: number, qualifierCode: number, quantity: number): void {
    const r = this.relations;
    if (r >= this.relObject.length) {
      const n = Math.max(16, this.relObject.length * 2);
      this.relObject = grow(this.relObject, n);
      this.relType = grow(this.relType, n);
      this.relOrdinal = grow(this.relOrdinal, n);
      this.relQualifier = grow(this.relQualifier, n);
      this.relQuantity = grow(this.relQuantity, n);
    }
    const type = this.objectType[objectIndex]!;
    const ordinal = this.objectOrdinal[objectIndex]!;
    this.relObject[r] = objectIndex;
    this.relType[r] = type;
    this.relOrdinal[r] = ordinal;
    this.relQualifier[r] = qualifierCode;
    this.relQuantity[r] = quantity;
    this.relations = r + 1;
    this.relStart[this.events] = this.relations;
    this.noteOrder(this.events - 1, r, type, ordinal, objectIndex);
  }

  /** Keeps `eventOrder` and `objectOrder` as relation r of event e is added. */
  private noteOrder(e: number, r: number, type: number, ordinal: number, objectIndex: number): void {
    const order = this.eventOrder[e]!;
    if (type === ORDER_TYPE_CODE) {
      if (order === 0) {
        this.eventOrder[e] = ordinal + 1;
        // The objects named before the order are named beside it too.
        for (let before = this.relStart[e]!; before < r; before++) this.noteObjectOrder(this.relObject[before]!, ordinal + 1);
      } else if (order !== ordinal + 1) this.eventOrder[e] = -1;
    } else if (order !== 0) this.noteObjectOrder(objectIndex, order > 0 ? order : this.firstOrderOf(e) + 1);
  }

  private noteObjectOrder(objectIndex: number, order: number): void {
    if (this.objectOrder[objectIndex] === 0) this.objectOrder[objectIndex] = order;
  }

  /** The ordinal of the first order event e names, or -1. */
  firstOrderOf(e: number): number {
    const order = this.eventOrder[e]!;
    if (order >= 0) return order - 1;
    for (let r = this.relStart[e]!, end = this.relStart[e + 1]!; r < end; r++) if (this.relType[r] === ORDER_TYPE_CODE) return this.relOrdinal[r]!;
    return -1;
  }

  /** The interned code of the order type (the same in every log). */
  get orderType(): number {
    return ORDER_TYPE_CODE;
  }

  addChange(objectIndex: number, nameCode: number, numberValue: number, textCode: number): void {
    const c = this.changes;
    if (c >= this.chgObject.length) {
      const n = Math.max(16, this.chgObject.length * 2);
      this.chgObject = grow(this.chgObject, n);
      this.chgName = grow(this.chgName, n);
      this.chgNumber = grow(this.chgNumber, n);
      this.chgText = grow(this.chgText, n);
    }
    this.chgObject[c] = objectIndex;
    this.chgName[c] = nameCode;
    this.chgNumber[c] = numberValue;
    this.chgText[c] = textCode;
    this.changes = c + 1;
    this.chgStart[this.events] = this.changes;
  }

  /** Adds a change from its logged form: times become milliseconds, text is interned. */
  addChangeValue(objectIndex: number, name: string, value: unknown): void {
    const nameCode = this.strings.intern(name);
    if (typeof value === 'number') this.addChange(objectIndex, nameCode, value, -1);
    else if (typeof value === 'boolean') this.addChange(objectIndex, nameCode, value ? 1 : 0, -1);
    else if (typeof value === 'string' && isTimeAttribute(name)) this.addChange(objectIndex, nameCode, Date.parse(value), -1);
    else this.addChange(objectIndex, nameCode, Number.NaN, this.strings.intern(String(value)));
  }

  /** Appends one logged event (the incremental path and tests). */
  append(event: LoggedEvent): void {
    this.beginEvent(
      event.seq,
      event.timeMs,
      this.strings.intern(event.activity),
      kindCode[event.kind],
      event.flags,
      event.integrationSource === null ? -1 : this.strings.intern(event.integrationSource),
    );
    for (const r of event.relations) this.addRelation(this.object(r.objectId, r.objectType), this.strings.intern(r.qualifier), r.quantity ?? Number.NaN);
    for (const c of event.changes) this.addChangeValue(this.object(c.objectId, c.objectType), c.name, c.value);
  }

  idOf(objectIndex: number): string {
    return this.ids.get(objectIndex);
  }

  /** The key part of an object id (`EDI` of `channel:EDI`). */
  keyOf(objectIndex: number): string {
    const id = this.ids.get(objectIndex);
    const colon = id.indexOf(':');
    return colon < 0 ? id : id.slice(colon + 1);
  }

  /** How many objects of an interned type the log names. */
  countOfType(typeCode: number): number {
    return this.typeCount[typeCode] ?? 0;
  }

  /** How many objects of a type the log names, by the type's name (none if it names no such type). */
  countOfTypeNamed(type: string): number {
    const code = this.strings.find(type);
    return code < 0 ? 0 : this.countOfType(code);
  }

  /** The object with this ordinal among those of its type. */
  objectOf(typeCode: number, ordinal: number): number {
    return this.ofType[typeCode]![ordinal]!;
  }

  typeOf(objectIndex: number): string {
    return this.strings.values[this.objectType[objectIndex]!]!;
  }
}
