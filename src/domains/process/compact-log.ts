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

  intern(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
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

function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

/** Times in attribute values are ISO strings on the wire and milliseconds in the columns. */
export const isTimeAttribute = (name: string): boolean => name.endsWith('At');

/**
 * Object ids in one byte buffer (ids are ASCII: types, UUIDs, codes), decoded only when asked for.
 * Millions of ids as separate strings would make every garbage collection walk millions of objects.
 */
class IdBuffer {
  private bytes = new Uint8Array(1 << 16);
  private start = new Int32Array(1 << 12);
  private used = 0;
  count = 0;

  push(id: string): void {
    if (this.count + 1 >= this.start.length) this.start = grow(this.start, (this.count + 2) * 2);
    if (this.used + id.length * 3 > this.bytes.length) this.bytes = grow(this.bytes, (this.used + id.length * 3) * 2);
    this.used += encoder.encodeInto(id, this.bytes.subarray(this.used)).written;
    this.count++;
    this.start[this.count] = this.used;
  }

  get(index: number): string {
    return decoder.decode(this.bytes.subarray(this.start[index]!, this.start[index + 1]!));
  }
}
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class CompactLog {
  readonly strings = new Interner();
  /** Object id → number, for logs built from ids (the subscriber's batches, a recompute); generators number their own. */
  private readonly objectIndex = new Map<string, number>();
  private readonly ids = new IdBuffer();
  /** The interned type of each object, and its number among the objects of its type (its ordinal). */
  objectType = new Int32Array(16);
  objectOrdinal = new Int32Array(16);
  /** Per interned type: its objects by ordinal. */
  private readonly ofType: Int32Array[] = [];
  private readonly typeCount: number[] = [];

  events = 0;
  seq = new Float64Array(16);
  time = new Float64Array(16);
  activity = new Int32Array(16);
  kind = new Uint8Array(16);
  flags = new Uint8Array(16);
  /** Interned integration source, or -1. */
  source = new Int32Array(16);

  relations = 0;
  relStart = new Int32Array(17);
  relObject = new Int32Array(16);
  /** The related object's type and ordinal, beside it: readers of relations never look objects up. */
  relType = new Int32Array(16);
  relOrdinal = new Int32Array(16);
  relQualifier = new Int32Array(16);
  /** NaN when the relation carries no quantity. */
  relQuantity = new Float64Array(16);

  changes = 0;
  chgStart = new Int32Array(17);
  chgObject = new Int32Array(16);
  chgName = new Int32Array(16);
  /** A numeric (or time, in ms) value, NaN for text. */
  chgNumber = new Float64Array(16);
  /** An interned text value, or -1. */
  chgText = new Int32Array(16);

  get objects(): number {
    return this.ids.count;
  }

  /** The object's number, registering it on first sight. */
  object(id: string, type: string): number {
    let index = this.objectIndex.get(id);
    if (index === undefined) {
      index = this.newObject(id, this.strings.intern(type));
      this.objectIndex.set(id, index);
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
    this.objectType[index] = typeCode;
    const ordinal = this.typeCount[typeCode] ?? 0;
    this.typeCount[typeCode] = ordinal + 1;
    this.objectOrdinal[index] = ordinal;
    this.ofType[typeCode] = grow(this.ofType[typeCode] ?? new Int32Array(16), ordinal + 1);
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
      this.relStart = grow(this.relStart, n + 1);
      this.chgStart = grow(this.chgStart, n + 1);
    }
    this.seq[e] = seq;
    this.time[e] = timeMs;
    this.activity[e] = activityCode;
    this.kind[e] = kind;
    this.flags[e] = flags;
    this.source[e] = sourceCode;
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
    this.relObject[r] = objectIndex;
    this.relType[r] = this.objectType[objectIndex]!;
    this.relOrdinal[r] = this.objectOrdinal[objectIndex]!;
    this.relQualifier[r] = qualifierCode;
    this.relQuantity[r] = quantity;
    this.relations = r + 1;
    this.relStart[this.events] = this.relations;
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

  /** The object with this ordinal among those of its type. */
  objectOf(typeCode: number, ordinal: number): number {
    return this.ofType[typeCode]![ordinal]!;
  }

  typeOf(objectIndex: number): string {
    return this.strings.values[this.objectType[objectIndex]!]!;
  }
}
