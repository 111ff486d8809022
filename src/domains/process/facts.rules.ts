import { PAGE_BYTES, faultIn } from './columns.ts';
import { CompactLog, IdIndex, Interner, kindCode } from './compact-log.ts';
import { LOG_PARTS, PartCursor, partOfOrder } from './event-parts.ts';
import { EVENT_MANUAL } from './process.types.ts';

/**
 * Per-object milestone facts, folded from the log in sequence order: when an order was received,
 * released, shipped; how many of its lines shipped in full; when an exception was raised and closed.
 * KPIs are pure functions of these facts (kpi.rules.ts). The subscriber folds each new batch into the
 * stored facts of the objects it touches; a recompute folds the whole log into empty facts. Both run
 * `foldLog` over a `CompactLog`, in sequence order, so they agree (tested).
 *
 * Values are numbers: times in epoch ms, counts, text as codes of the store's dictionary, and an
 * order as its row in the order table (so no fact names an order by a string); NaN is "not known".
 * A table keeps its rows one after another in one buffer (row-major), because the fold updates a few
 * columns of one object per event: one object's columns then share a cache line or two, where one
 * array per column would touch a line per column. Times are 64-bit floats (epoch ms); counts, text
 * codes and order rows are 32-bit integers (quantities are whole units): a row takes 144 bytes for
 * an order and 56 for a line instead of 192 and 88 as all floats, and at ten million events the
 * memory a recompute touches is what it waits for (cache misses, and fresh pages to fault in on a
 * virtual machine). Every table also has `firstAt` and
 * `lastAt`, the times of the first and last event that changed the object's facts: every KPI's anchor
 * time lies between them, which is what lets a KPI query read only the facts active in its window.
 */
/** `ref`: the row of an order in the same store (stored as the order's id). */
export type ColumnKind = 'time' | 'count' | 'text' | 'ref';

export const factSchemas = {
  order: {
    receivedAt: 'time', releasedAt: 'time', shippedAt: 'time', invoicedAt: 'time', closedAt: 'time', cancelledAt: 'time',
    deliveredAt: 'time', breachedAt: 'time', touchedAt: 'time', channel: 'text', customer: 'text', segment: 'text', facility: 'text', lines: 'count',
    units: 'count', unitsShipped: 'count', unitsInvoiced: 'count', linesFilled: 'count', shipments: 'count', holds: 'count', exceptions: 'count',
    invoiceMismatches: 'count',
  },
  order_line: {
    order: 'ref', ordered: 'count', shipped: 'count', cancelled: 'count', backordered: 'count',
    backorderSince: 'time', backorderEnded: 'time',
  },
  shipment: { order: 'ref', facility: 'text', shippedAt: 'time', confirmedAt: 'time', shipByAt: 'time', units: 'count' },
  fulfillment_request: { order: 'ref', facility: 'text', releasedAt: 'time', shipByAt: 'time' },
  invoice: { order: 'ref', issuedAt: 'time', shipmentConfirmedAt: 'time', units: 'count' },
  purchase_order: { supplier: 'text', facility: 'text', sentAt: 'time', acknowledgedAt: 'time' },
  exception: {
    order: 'ref', facility: 'text', type: 'text', stage: 'text', rootCause: 'text', owner: 'text', queue: 'text', source: 'text',
    raisedAt: 'time', slaDueAt: 'time', breachedAt: 'time', closedAt: 'time',
  },
} as const satisfies Record<string, Record<string, ColumnKind>>;

export type FactType = keyof typeof factSchemas;
export const factTypes = Object.keys(factSchemas) as FactType[];
export const isFactType = (type: string): type is FactType => type in factSchemas;

export type ColumnOf<T extends FactType> = keyof (typeof factSchemas)[T] | 'firstAt' | 'lastAt';

/**
 * A row keeps its times first, as 64-bit floats, then its counts, text codes and order rows as 32-bit
 * integers, in one stretch of one buffer. A column's code says where: a time's index among the row's
 * 64-bit values, or `INT_COLUMN` plus an integer's index among its 32-bit values. Code that reads a
 * column by a constant code (every KPI, the fold) then needs no lookup to find it.
 */
const INT_COLUMN = 1 << 16;

/**
 * "Not known" in an integer column (read back as NaN). Counts, codes and rows are never negative.
 *
 * Cells are stored so that all-zero bytes read as "not known": integers XOR `NULL_INT` (a bijection,
 * so every other value round-trips), and a time of +0 bits is "not known" while the time 0 itself is
 * kept as −0. Fresh memory is then a table of blank rows with nothing written to it: a recompute does
 * not pass over 400 MB of facts to blank them before folding, and the pages are first touched by the
 * thread that folds into them.
 */
const NULL_INT = -2_147_483_648;

interface Layout {
  /** The columns in schema order (`firstAt`, `lastAt` first), their kinds and their codes. */
  names: string[];
  kinds: ColumnKind[];
  codes: number[];
  /** A row's length in 8-byte and in 4-byte units. */
  timeStride: number;
  intStride: number;
}

const layouts = Object.fromEntries(
  factTypes.map((type) => {
    const schema = factSchemas[type] as Record<string, ColumnKind>;
    const names = ['firstAt', 'lastAt', ...Object.keys(schema)];
    const kinds: ColumnKind[] = ['time', 'time', ...Object.values(schema)];
    const times = kinds.filter((kind) => kind === 'time').length;
    let t = 0;
    let n = 2 * times;
    const codes = kinds.map((kind) => (kind === 'time' ? t++ : INT_COLUMN + n++));
    return [type, { names, kinds, codes, timeStride: Math.ceil(n / 2), intStride: 2 * Math.ceil(n / 2) } satisfies Layout];
  }),
) as Record<FactType, Layout>;

/** Each table's column codes by name (`firstAt` is 0 in every table). */
export const columns = Object.fromEntries(
  factTypes.map((type) => [type, Object.fromEntries(layouts[type].names.map((name, i) => [name, layouts[type].codes[i]!]))]),
) as unknown as { readonly [T in FactType]: Readonly<Record<ColumnOf<T>, number>> };

/**
 * One type's facts. A table is either aligned with a log (a recompute: row n is the n-th object of its
 * type in the log, so folding needs no lookup) or indexed by object id (facts loaded from storage,
 * which the subscriber folds a batch into, and which KPI queries read).
 */
export class FactTable<T extends FactType = FactType> {
  readonly type: T;
  readonly names: string[];
  readonly kinds: ColumnKind[];
  /** Each column's code (see `INT_COLUMN`), in the order of `names`. */
  readonly codes: number[];
  rows = 0;
  /** Aligned tables: the log whose objects of this type the rows are. */
  readonly source: CompactLog | null;
  private readonly typeCode: number;
  /** Indexed tables: row → object id, and object id → row. */
  private readonly ids: string[] = [];
  readonly index: IdIndex | null;
  /**
   * A row's length in 8-byte and in 4-byte units. `times` and `ints` are two views of the same
   * buffer, so an event's changes to one object stay within a cache line or two.
   */
  private readonly timeStride: number;
  private readonly intStride: number;
  /** Times in ms (NaN: not known). */
  private times: Float64Array;
  /** Counts, text codes, order rows (`NULL_INT`: not known). */
  private ints: Int32Array;
  /** Rows an event changed, for the incremental path to write back. */
  readonly dirty = new Set<number>();
  trackDirty = false;
  /** A parallel fold's part: a byte per row, set for each row the part changed (see `FoldPart`). */
  marks: Uint8Array | null = null;

  /** Shared tables (folded by worker threads) live in one `SharedArrayBuffer` that never grows. */
  readonly shared: boolean;
  /**
   * The table's memory is known to be all zero bytes and already faulted in (memory a recompute gave
   * back, cleared since while the workers were idle: `clearSpareFactMemory`), so `prefault` has
   * nothing to do.
   */
  clean = false;

  /** `buffer`: a shared table's memory, for a worker thread's view of a table its owner allocated. */
  constructor(type: T, capacity: number, source: CompactLog | null, options: { shared?: boolean; buffer?: SharedArrayBuffer; clean?: boolean } = {}) {
    this.type = type;
    this.shared = options.shared === true || options.buffer !== undefined;
    const layout = layouts[type];
    this.names = layout.names;
    this.kinds = layout.kinds;
    this.codes = layout.codes;
    this.timeStride = layout.timeStride;
    this.intStride = layout.intStride;
    this.source = source;
    this.typeCode = source ? source.strings.intern(type) : -1;
    this.index = source ? null : new IdIndex();
    const rows = Math.max(capacity, 4, source ? source.countOfType(this.typeCode) : 0);
    this.times = new Float64Array(0);
    this.ints = new Int32Array(0);
    if (options.buffer) {
      this.times = new Float64Array(options.buffer);
      this.ints = new Int32Array(options.buffer);
      this.clean = options.clean === true;
    } else this.allocate(rows);
    if (source) this.rows = source.countOfType(this.typeCode);
  }

  /** A shared table's memory (see `FactStore.share`). */
  get buffer(): SharedArrayBuffer {
    if (!this.shared) throw new Error('invariant violated: only a shared table has shared memory');
    return this.times.buffer as SharedArrayBuffer;
  }

  /** A column's value by its code (`columns`); NaN when not known. */
  get(row: number, column: number): number {
    if (column < INT_COLUMN) {
      const t = this.times[row * this.timeStride + column]!;
      // +0 is "not known", −0 the time 0 (see NULL_INT).
      return t !== 0 ? t : 1 / t < 0 ? 0 : Number.NaN;
    }
    const v = this.ints[row * this.intStride + column - INT_COLUMN]! ^ NULL_INT;
    return v === NULL_INT ? Number.NaN : v;
  }

  set(row: number, column: number, value: number): void {
    if (column < INT_COLUMN) this.times[row * this.timeStride + column] = value !== value ? 0 : value === 0 ? -0 : value;
    else this.ints[row * this.intStride + column - INT_COLUMN] = (Number.isNaN(value) ? NULL_INT : value) ^ NULL_INT;
  }

  /** Moves `firstAt` back and `lastAt` forward to t: the fold does it for every object of every event. */
  span(row: number, t: number): void {
    this.min(row, 0, t);
    this.max(row, 1, t);
  }

  /**
   * Keeps the earliest time (NaN counts as none). A positive time (every real one) is compared against
   * the stored bits, without decoding "not known" (+0) and the time 0 (−0): +0 is replaced, −0 kept.
   */
  min(row: number, column: number, value: number): void {
    if (column < INT_COLUMN && value > 0) {
      const i = row * this.timeStride + column;
      const stored = this.times[i]!;
      if (stored === 0 ? 1 / stored > 0 : stored > value) this.times[i] = value;
      return;
    }
    if (!(this.get(row, column) <= value)) this.set(row, column, value);
  }

  /** Keeps the latest time (NaN counts as none); a positive time as in `min` (either zero is replaced). */
  max(row: number, column: number, value: number): void {
    if (column < INT_COLUMN && value > 0) {
      const i = row * this.timeStride + column;
      if (!(this.times[i]! >= value)) this.times[i] = value;
      return;
    }
    if (!(this.get(row, column) >= value)) this.set(row, column, value);
  }

  /** Adds to a count (NaN counts as 0). */
  add(row: number, column: number, value: number): number {
    if (column >= INT_COLUMN) {
      // Counts are integer columns: add without going through NaN.
      const i = row * this.intStride + column - INT_COLUMN;
      const current = this.ints[i]! ^ NULL_INT;
      const next = current === NULL_INT ? value : current + value;
      this.ints[i] = next ^ NULL_INT;
      return next;
    }
    const current = this.get(row, column);
    const next = Number.isNaN(current) ? value : current + value;
    this.set(row, column, next);
    return next;
  }

  /** Indexed tables: the row of an object, created (all NaN) when it has none. */
  rowFor(id: string): number {
    const found = this.index!.get(id);
    if (found !== undefined) return found;
    const row = this.rows;
    this.ensureRows(row + 1);
    this.ids[row] = id;
    this.index!.set(id, row);
    return row;
  }

  /** Rows the table's memory holds; a shared table cannot grow past them. */
  get capacity(): number {
    return this.times.length / this.timeStride;
  }

  /** Copies in the rows of a table of the same type (a shared table's facts moving to larger memory). */
  copyRowsFrom(other: FactTable<T>): void {
    if (other.type !== this.type || other.rows > this.capacity) throw new Error(`invariant violated: ${other.rows} ${other.type} rows do not fit a ${this.type} table of ${this.capacity}`);
    new Float64Array(this.times.buffer).set(other.times.subarray(0, other.rows * this.timeStride));
    if (other.rows > this.rows) this.rows = other.rows;
  }

  /** Aligned tables: the row of the object with this ordinal (the log may have grown since). */
  alignedRow(ordinal: number): number {
    if (ordinal >= this.rows) this.ensureRows(ordinal + 1);
    return ordinal;
  }

  idOf(row: number): string {
    return this.source ? this.source.idOf(this.source.objectOf(this.typeCode, row)) : this.ids[row]!;
  }

  private ensureRows(rows: number): void {
    if (rows * this.timeStride > this.times.length) {
      if (this.shared) throw new Error(`invariant violated: a shared ${this.type} table cannot grow`);
      this.allocate(Math.max(rows, (this.times.length / this.timeStride) * 2));
    }
    if (rows > this.rows) this.rows = rows;
  }

  /**
   * Room for `capacity` rows, the rows held so far copied, the others not known (zero bytes: see
   * NULL_INT). A shared table may get memory a finished recompute gave back, which holds old facts
   * until `prefault` clears it.
   */
  private allocate(capacity: number): void {
    const bytes = factTableBytes(this.type, capacity);
    const spare = this.shared ? takeSpareMemory(bytes) : undefined;
    const times = new Float64Array(spare?.buffer ?? (this.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)));
    // Rows already held are copied in below, so only memory that starts empty stays clean.
    this.clean = spare?.clean === true && this.rows === 0;
    const held = this.ints;
    this.times = times;
    this.ints = new Int32Array(times.buffer);
    // Faulted in before the rows held are copied in: prefaulting writes a byte of every page, which
    // would corrupt a copied cell there. A shared table is faulted in by the threads that fold into it.
    if (!this.shared) this.prefault(0, 1);
    this.ints.set(held);
  }

  /**
   * Makes the part's share of the table's memory blank and faulted in. The fold reads a row before it
   * writes it, and on Linux a read of a fresh page maps a shared page of zeros that the write then
   * replaces: two page faults, each dear on a virtual machine. Written first, a page faults once.
   * Fresh private memory is already zero, so a byte per page is written; shared memory may be given
   * back by an earlier recompute (`recycleFactMemory`), so all of it is cleared, unless the workers
   * cleared it while idle (`clean`). Parts of a parallel fold each clear their share, before folding.
   */
  prefault(part: number, parts: number): void {
    if (this.clean) return;
    const bytes = new Uint8Array(this.times.buffer);
    const [start, end] = shareOf(bytes.length, part, parts);
    if (this.shared) bytes.fill(0, start, end);
    else faultIn(bytes.buffer, start, end);
  }
}

/** The memory of a table of `type` with room for `rows` rows. */
export const factTableBytes = (type: FactType, rows: number): number => rows * layouts[type].timeStride * 8;

/**
 * The rows a recompute's fold gives each table: one per object of the type in the log (at least 16,
 * the store's default capacity), as `FactStore` allocates them for a log.
 */
export const foldRowsOf = (objects: number): number => Math.max(objects, DEFAULT_ROWS);

/** The rows a table of a store has room for when not told. */
const DEFAULT_ROWS = 16;

/** Part `part` of `parts` of `length` bytes, in whole pages, so that parts never share one. */
function shareOf(length: number, part: number, parts: number): [number, number] {
  const share = Math.ceil(length / parts / PAGE_BYTES) * PAGE_BYTES;
  return [Math.min(length, part * share), Math.min(length, (part + 1) * share)];
}

/** Zeroes part `part` of `parts` of the memory (see `shareOf`). */
export function clearShare(buffer: SharedArrayBuffer, part: number, parts: number): void {
  new Uint8Array(buffer).fill(0, ...shareOf(buffer.byteLength, part, parts));
}

/**
 * Shared fact memory that recomputes gave back, for the next to reuse. A recompute of ten million
 * events fills about 400 MB of facts; fresh memory costs a page fault per 4 KB (about 1–2 ms per MB
 * on a virtual machine), clearing reused memory a tenth of that, and memory cleared while the workers
 * are idle (`clean`) nothing at the next recompute. At most one store's worth is kept.
 */
const spareMemory: { buffer: SharedArrayBuffer; clean: boolean }[] = [];
const SPARE_BUFFERS_MAX = 8;

/** The smallest spare buffer that holds `bytes` and is at most a quarter larger, taken from the spares. */
function takeSpareMemory(bytes: number): { buffer: SharedArrayBuffer; clean: boolean } | undefined {
  let best = -1;
  for (let i = 0; i < spareMemory.length; i++) {
    const size = spareMemory[i]!.buffer.byteLength;
    if (size >= bytes && size <= bytes * 1.25 && (best < 0 || size < spareMemory[best]!.buffer.byteLength)) best = i;
  }
  return best < 0 ? undefined : spareMemory.splice(best, 1)[0];
}

function keepSpare(buffer: SharedArrayBuffer, clean: boolean): void {
  spareMemory.push({ buffer, clean });
  spareMemory.splice(0, Math.max(0, spareMemory.length - SPARE_BUFFERS_MAX));
}

/**
 * Gives a shared store's memory back for the next recompute. The caller must hold no other reference
 * to the store or its tables: the memory is cleared and refilled by the next fold.
 */
export function recycleFactMemory(store: FactStore): void {
  for (const type of factTypes) {
    const table = store.tables[type];
    if (table.shared) keepSpare(table.buffer, false);
  }
}

/**
 * The spare memory not yet cleared, taken out of the spares while it is cleared (a recompute meanwhile
 * does not get it); `returnClearedMemory` gives it back once it is all zero bytes.
 */
export function takeUnclearedMemory(): SharedArrayBuffer[] {
  const taken: SharedArrayBuffer[] = [];
  for (let i = spareMemory.length - 1; i >= 0; i--) {
    if (!spareMemory[i]!.clean) taken.push(spareMemory.splice(i, 1)[0]!.buffer);
  }
  return taken.reverse();
}

export function returnClearedMemory(buffers: readonly SharedArrayBuffer[]): void {
  for (const buffer of buffers) keepSpare(buffer, true);
}

/** A store's facts as worker threads receive them: each table's shared memory, and the text dictionary. */
export interface SharedFacts {
  texts: string[];
  tables: Record<FactType, SharedArrayBuffer>;
  /** The tables whose memory is known clean (see `FactTable.clean`). */
  clean: FactType[];
}

/** Facts of every type, with one text dictionary; aligned with `source` when given (a recompute). */
export class FactStore {
  readonly texts: Interner;
  readonly tables: { [T in FactType]: FactTable<T> };

  /** `shared`: tables in shared memory, for worker threads to fold into (aligned stores only). */
  constructor(source: CompactLog | null = null, capacities: Partial<Record<FactType, number>> = {}, options: { shared?: boolean; from?: SharedFacts } = {}) {
    this.texts = new Interner(options.from?.texts);
    const from = options.from;
    this.tables = Object.fromEntries(
      factTypes.map((t) => [t, new FactTable(t, capacities[t] ?? DEFAULT_ROWS, source, from ? { buffer: from.tables[t], clean: from.clean.includes(t) } : { shared: options.shared === true })]),
    ) as { [T in FactType]: FactTable<T> };
  }

  /** The store as worker threads receive it (a shared store's tables are not copied). */
  share(): SharedFacts {
    return {
      texts: this.texts.values.slice(),
      tables: Object.fromEntries(factTypes.map((t) => [t, this.tables[t].buffer])) as Record<FactType, SharedArrayBuffer>,
      clean: factTypes.filter((t) => this.tables[t].clean),
    };
  }

  /** A worker thread's view of a shared store aligned with `log`; its dictionary is frozen (see `Interner.frozen`). */
  static fromShared(state: SharedFacts, log: CompactLog): FactStore {
    const store = new FactStore(log, {}, { from: state });
    store.texts.frozen = true;
    return store;
  }

  text(code: number): string | undefined {
    return Number.isNaN(code) ? undefined : this.texts.values[code];
  }
}

/** A fact row as stored: its document is the columns by name (times in ms, text as text, NaN as null). */
export interface StoredFact {
  type: FactType;
  id: string;
  document: Record<string, number | string | null>;
}

export function loadFacts(rows: readonly StoredFact[], extraCapacity = 16): FactStore {
  const counts: Partial<Record<FactType, number>> = {};
  for (const r of rows) counts[r.type] = (counts[r.type] ?? 0) + 1;
  const store = new FactStore(null, Object.fromEntries(factTypes.map((t) => [t, (counts[t] ?? 0) + extraCapacity])));
  const orders = store.tables.order;
  for (const r of rows) {
    const table = store.tables[r.type] as FactTable;
    const row = table.rowFor(r.id);
    table.names.forEach((name, i) => {
      const value = r.document[name];
      if (value === null || value === undefined) return;
      const kind = table.kinds[i];
      // An order not loaded with its lines gets an empty row: found by id, counted by no KPI, never written back.
      table.set(row, table.codes[i]!, kind === 'text' ? store.texts.intern(String(value)) : kind === 'ref' ? orders.rowFor(String(value)) : Number(value));
    });
  }
  return store;
}

/**
 * The text of a fact's document: exactly `JSON.stringify(storedFact(store, table, row).document)`,
 * written straight from the row. A recompute stores millions of facts, and building each document
 * as an object to serialise it took a third of storing them.
 */
export function factDocumentJson(store: FactStore, table: FactTable, row: number): string {
  const keys = documentKeys[table.type];
  let text = '';
  for (let i = 0; i < keys.length; i++) {
    const v = table.get(row, table.codes[i]!);
    const kind = table.kinds[i];
    text += keys[i]! + (Number.isNaN(v) ? 'null' : kind === 'text' ? JSON.stringify(store.texts.values[v]!) : kind === 'ref' ? JSON.stringify(store.tables.order.idOf(v)) : String(v));
  }
  return `${text}}`;
}

/** Each column's key in a document's text, with what comes before it: `{"firstAt":`, `,"lastAt":`, … */
const documentKeys = Object.fromEntries(factTypes.map((type) => [type, layouts[type].names.map((name, i) => `${i === 0 ? '{' : ','}${JSON.stringify(name)}:`)])) as Record<FactType, string[]>;

export function storedFact(store: FactStore, table: FactTable, row: number): StoredFact {
  const document: Record<string, number | string | null> = {};
  table.names.forEach((name, i) => {
    const v = table.get(row, table.codes[i]!);
    const kind = table.kinds[i];
    document[name] = Number.isNaN(v) ? null : kind === 'text' ? store.texts.values[v]! : kind === 'ref' ? store.tables.order.idOf(v) : v;
  });
  return { type: table.type, id: table.idOf(row), document };
}

/** Whether a fact is still open (counts in instant KPIs whatever its last event's time). */
export function factIsOpen(table: FactTable, row: number): boolean {
  switch (table.type) {
    case 'order':
      return !Number.isNaN(table.get(row, columns.order.receivedAt)) && Number.isNaN(table.get(row, columns.order.shippedAt)) && Number.isNaN(table.get(row, columns.order.cancelledAt));
    case 'order_line':
      return table.get(row, columns.order_line.backordered) > 0;
    case 'exception':
      return !Number.isNaN(table.get(row, columns.exception.raisedAt)) && Number.isNaN(table.get(row, columns.exception.closedAt));
    default:
      return false;
  }
}

/** How an exception type maps to the lifecycle stage it stops (the `stage` slice of exception KPIs). */
export const exceptionStages: Readonly<Record<string, string>> = {
  credit_hold: 'intake',
  invalid_order: 'intake',
  pricing_variance: 'intake',
  stock_shortage: 'allocation',
  substitution_approval: 'allocation',
  short_shipment: 'shipment',
  shipment_delay: 'delivery',
  invoice_mismatch: 'invoicing',
  integration_failure: 'integration',
  inventory_drift: 'inventory',
  sequence_gap: 'inventory',
  adjustment_anomaly: 'inventory',
  supplier_delay: 'procurement',
  return_inspection: 'returns',
};

/** Told when a line's running quantity changes, so the incremental path can log it as an attribute change. */
export type LineObserver = (eventIndex: number, lineId: string, name: 'shippedQuantity' | 'cancelledQuantity', value: number) => void;

const OC = columns.order;
const LC = columns.order_line;
const SC = columns.shipment;
const RC = columns.fulfillment_request;
const IC = columns.invoice;
const PC = columns.purchase_order;
const XC = columns.exception;

/**
 * A part of a parallel fold: it folds the events of its orders (`ORDER_BLOCK_BITS`, event-parts.ts),
 * in sequence order. That is exact as long as no fact row is changed by two parts (an exception
 * about orders of two parts, a line named by another order's event): each part marks the rows it
 * changed, and the caller folds the log again on one thread if two parts marked the same row.
 */
export interface FoldPart {
  index: number;
  count: number;
}

/**
 * The types of objects an event naming no order may change, routed by the order they were first
 * named beside (`CompactLog.objectOrder`): an exception closed goes to the part that raised it, so its
 * facts stay with its order's part. Not lines: a line is named with its order by every event that
 * changes it. Routing only decides which part folds an event; what keeps the fold exact is the overlap
 * test, so an object named beside orders of two parts costs a fold on one thread, not a wrong answer.
 */
const partedTypes = ['shipment', 'fulfillment_request', 'invoice', 'purchase_order', 'exception'];

/** The part an event goes to: its order's, else that of the first object it names of a parted type, else 0. */
function partOfEvent(log: CompactLog, e: number, parted: Uint8Array, parts: number): number {
  const order = log.eventOrder[e]!;
  if (order > 0) return partOfOrder(order - 1, parts);
  if (order < 0) return partOfOrder(log.firstOrderOf(e), parts);
  for (let r = log.relStart[e]!, end = log.relStart[e + 1]!; r < end; r++) {
    if (parted[log.relType[r]!] !== 1) continue;
    const first = log.objectOrder[log.relObject[r]!]!;
    if (first > 0) return partOfOrder(first - 1, parts);
  }
  return 0;
}

/**
 * Fills a shared store's dictionary with every text a fold of the log can write, before the log is
 * split: the keys of master data (channels, customers, locations, suppliers) and the text values of
 * the attributes the facts copy. Parts then share one dictionary, frozen, instead of each making its own.
 */
export function prepareTexts(log: CompactLog, store: FactStore): void {
  const s = log.strings;
  for (const type of ['channel', 'customer', 'location', 'supplier']) {
    const code = s.find(type);
    if (code < 0) continue;
    for (let ordinal = 0, n = log.countOfType(code); ordinal < n; ordinal++) store.texts.intern(log.keyOf(log.objectOf(code, ordinal)));
  }
  const names = new Set(['segment', 'type', 'stage', 'rootCause', 'ownerRole', 'queueRole', 'source'].map((name) => s.find(name)).filter((code) => code >= 0));
  const seen = new Uint8Array(s.values.length);
  const { chgName, chgText } = log;
  for (let c = 0; c < log.changes; c++) {
    const text = chgText[c]!;
    if (text < 0 || seen[text] === 1 || !names.has(chgName[c]!)) continue;
    seen[text] = 1;
    store.texts.intern(s.values[text]!);
  }
}

/**
 * Folds events `[from, to)` of the log into the facts, in order. Idempotence is the caller's: each
 * event must be folded once (the subscriber folds only events it newly logged). A store aligned with
 * a log folds only that log. With `part`, only the part's events (see `FoldPart`), marking
 * the rows they change in each table's `marks`.
 */
export function foldLog(log: CompactLog, store: FactStore, observer?: LineObserver, from = 0, to = log.events, part?: FoldPart): void {
  const s = log.strings;
  const T = {
    order: s.intern('order'),
    line: s.intern('order_line'),
    shipment: s.intern('shipment'),
    request: s.intern('fulfillment_request'),
    invoice: s.intern('invoice'),
    po: s.intern('purchase_order'),
    exception: s.intern('exception'),
    location: s.intern('location'),
    channel: s.intern('channel'),
    customer: s.intern('customer'),
    supplier: s.intern('supplier'),
  };
  const Q = {
    line: s.intern('line'),
    shipped: s.intern('shipped'),
    invoiced: s.intern('invoiced'),
    cancelled: s.intern('cancelled'),
    bills: s.intern('bills'),
  };
  const N = {
    segment: s.intern('segment'),
    backordered: s.intern('backorderedQuantity'),
    shipByAt: s.intern('shipByAt'),
    shippedAt: s.intern('shippedAt'),
    type: s.intern('type'),
    stage: s.intern('stage'),
    rootCause: s.intern('rootCause'),
    ownerRole: s.intern('ownerRole'),
    queueRole: s.intern('queueRole'),
    slaDueAt: s.intern('slaDueAt'),
    slaBreachedAt: s.intern('slaBreachedAt'),
    source: s.intern('source'),
  };
  const { order: O, order_line: L, shipment: S, fulfillment_request: R, invoice: I, purchase_order: P, exception: X } = store.tables;
  if (O.source !== null && O.source !== log) throw new Error('invariant violated: facts aligned with one log cannot fold another');
  const aligned = O.source !== null;
  // Indexed stores: each object's row, found by id once per fold.
  const objRow = aligned ? new Int32Array(0) : new Int32Array(log.objects).fill(-1);
  const texts = store.texts;
  // Text codes of master-data objects' keys (a channel, a location), looked up once per object: per
  // type, by the object's ordinal (master data is small; orders and lines never get here).
  const textCodes: Int32Array[] = [];
  const textOf = (r: number) => {
    const type = relType[r]!;
    const ordinal = relOrdinal[r]!;
    let codes = textCodes[type];
    if (codes === undefined || ordinal >= codes.length) {
      const grown = new Int32Array(Math.max(64, log.countOfType(type))).fill(-1);
      if (codes) grown.set(codes);
      textCodes[type] = codes = grown;
    }
    if (codes[ordinal]! < 0) codes[ordinal] = texts.intern(log.keyOf(relObject[r]!));
    return codes[ordinal]!;
  };
  const { relStart, relObject, relType, relOrdinal, relQualifier, relQuantity, chgStart, chgObject, chgName, chgNumber, chgText } = log;

  /** The row of the object of relation r, created on first sight; `firstAt`/`lastAt` move with every event that changes it. */
  const touch = (table: FactTable, r: number, t: number): number => {
    let row: number;
    if (aligned) row = table.alignedRow(relOrdinal[r]!);
    else {
      row = objRow[relObject[r]!]!;
      if (row < 0) objRow[relObject[r]!] = row = table.rowFor(log.idOf(relObject[r]!));
    }
    return touchRow(table, row, t);
  };
  const touchRow = (table: FactTable, row: number, t: number): number => {
    table.span(row, t);
    if (table.trackDirty) table.dirty.add(row);
    const marks = table.marks;
    if (marks !== null) marks[row] = 1;
    return row;
  };
  /** The row of event e's order (its first, when it names several), touched; -1 when it names none. */
  const touchOrder = (e: number, t: number): number => {
    const order = eventOrder[e]!;
    if (order === 0) return -1;
    return aligned && order > 0 ? touchRow(O, O.alignedRow(order - 1), t) : touch(O, firstOfType(e, T.order), t);
  };
  /** The event's relation to an object, or -1. */
  const relationOf = (e: number, objectIndex: number): number => {
    for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) if (relObject[r] === objectIndex) return r;
    return -1;
  };
  /** The event's first relation to an object of the type, or -1. */
  const firstOfType = (e: number, type: number): number => {
    for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) if (relType[r] === type) return r;
    return -1;
  };
  const changeOf = (e: number, objectIndex: number, name: number): number => {
    for (let c = chgStart[e]!, end = chgStart[e + 1]!; c < end; c++) if (chgObject[c] === objectIndex && chgName[c] === name) return c;
    return -1;
  };
  const textChange = (e: number, r: number, name: number): number => {
    const c = changeOf(e, relObject[r]!, name);
    return c < 0 || chgText[c]! < 0 ? Number.NaN : texts.intern(s.values[chgText[c]!]!);
  };
  const numberChange = (e: number, r: number, name: number): number => {
    const c = changeOf(e, relObject[r]!, name);
    return c < 0 ? Number.NaN : chgNumber[c]!;
  };
  const setKnown = (table: FactTable, row: number, column: number, value: number) => {
    if (!Number.isNaN(value)) table.set(row, column, value);
  };
  const lineRow = (r: number, order: number, t: number): number => {
    const row = touch(L, r, t);
    if (order >= 0 && Number.isNaN(L.get(row, LC.order))) L.set(row, LC.order, order);
    return row;
  };
  const setBackorder = (row: number, quantity: number, t: number) => {
    const current = L.get(row, LC.backordered);
    const before = Number.isNaN(current) ? 0 : current;
    if (quantity > 0 && before === 0) {
      L.set(row, LC.backorderSince, t);
      L.set(row, LC.backorderEnded, Number.NaN);
    } else if (quantity === 0 && before > 0) {
      L.set(row, LC.backorderEnded, t);
    }
    L.set(row, LC.backordered, quantity);
  };
  const observe = (e: number, row: number, name: Parameters<LineObserver>[2], value: number) => observer?.(e, L.idOf(row), name, value);

  // Kind codes as locals: a switch over object properties would load each case's property per event.
  const {
    none: kNone,
    order_received: kOrderReceived,
    hold_placed: kHoldPlaced,
    allocation: kAllocation,
    release_requested: kReleaseRequested,
    order_released: kOrderReleased,
    shipment_confirmed: kShipmentConfirmed,
    order_shipped: kOrderShipped,
    order_cancelled: kOrderCancelled,
    lines_cancelled: kLinesCancelled,
    order_delivered: kOrderDelivered,
    promise_breached: kPromiseBreached,
    invoice_issued: kInvoiceIssued,
    order_invoiced: kOrderInvoiced,
    order_closed: kOrderClosed,
    po_event: kPoEvent,
    po_sent: kPoSent,
    po_acknowledged: kPoAcknowledged,
    exception_raised: kExceptionRaised,
    exception_changed: kExceptionChanged,
    exception_closed: kExceptionClosed,
  } = kindCode;
  const time = log.time;
  const kinds = log.kind;
  const flags = log.flags;
  const eventOrder = log.eventOrder;
  const parted = new Uint8Array(s.values.length);
  for (const type of partedTypes) parted[s.intern(type)] = 1;

  // A part of a shared log reads its own events and the shared ones from the log's index
  // (event-parts.ts), rather than passing over every event to find its own; without the index, it
  // passes over them all and tests each.
  const index = part !== undefined && log.parts !== null && part.count === LOG_PARTS && log.parts.indexed >= to ? log.parts : null;
  const cursor = new PartCursor(index, part?.index ?? 0, from);
  for (let e = cursor.next(); e < to; e = cursor.next()) {
    const t = time[e]!;
    const kind = kinds[e]!;
    // Most events (reservations, carrier scans, transfers) change no fact: skip them unless a person acted.
    if (kind === kNone && (flags[e]! & EVENT_MANUAL) === 0) continue;
    if (part !== undefined) {
      const order = eventOrder[e]!;
      // An event of the part's own list is the part's; any other is tested.
      if ((index === null || order <= 0) && (order > 0 ? partOfOrder(order - 1, part.count) : partOfEvent(log, e, parted, part.count)) !== part.index) continue;
    }
    // The event's order; the objects a kind changes are touched where it changes them.
    const o = touchOrder(e, t);
    // The order, as the facts of its lines, shipments, invoices and exceptions name it (NaN: none).
    const orderRef = o >= 0 ? o : Number.NaN;
    // A person acting on an order counts against touchless processing, whatever the event.
    if (o >= 0 && (flags[e]! & EVENT_MANUAL) !== 0) O.min(o, OC.touchedAt, t);

    switch (kind) {
      case kOrderReceived: {
        if (o < 0) break;
        O.min(o, OC.receivedAt, t);
        let lines = 0;
        let units = 0;
        for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) {
          const type = relType[r]!;
          if (type === T.channel) O.set(o, OC.channel, textOf(r));
          else if (type === T.customer) {
            O.set(o, OC.customer, textOf(r));
            setKnown(O, o, OC.segment, textChange(e, r, N.segment));
          } else if (type === T.line && relQualifier[r] === Q.line) {
            const row = lineRow(r, o, t);
            const q = relQuantity[r]!;
            L.set(row, LC.ordered, q);
            lines++;
            units += q;
          }
        }
        O.set(o, OC.lines, lines);
        O.set(o, OC.units, units);
        break;
      }
      case kHoldPlaced:
        if (o < 0) break;
        O.add(o, OC.holds, 1);
        O.min(o, OC.touchedAt, t);
        break;
      case kAllocation:
        // What stays backordered is the line fact an allocation changes (units allocated count for no KPI).
        for (let c = chgStart[e]!, end = chgStart[e + 1]!; c < end; c++) {
          if (chgName[c] !== N.backordered) continue;
          const r = relationOf(e, chgObject[c]!);
          if (r >= 0 && relType[r] === T.line) setBackorder(lineRow(r, o, t), chgNumber[c]!, t);
        }
        break;
      case kReleaseRequested: {
        const request = firstOfType(e, T.request);
        if (request < 0) break;
        const row = touch(R, request, t);
        const location = firstOfType(e, T.location);
        R.min(row, RC.releasedAt, t);
        setKnown(R, row, RC.order, orderRef);
        if (location >= 0) R.set(row, RC.facility, textOf(location));
        setKnown(R, row, RC.shipByAt, numberChange(e, request, N.shipByAt));
        // An order's facility is where its first release went.
        if (o >= 0 && location >= 0 && Number.isNaN(O.get(o, OC.facility))) O.set(o, OC.facility, textOf(location));
        break;
      }
      case kOrderReleased:
        if (o >= 0) O.min(o, OC.releasedAt, t);
        break;
      case kShipmentConfirmed: {
        const shipment = firstOfType(e, T.shipment);
        if (shipment < 0) break;
        const row = touch(S, shipment, t);
        const request = firstOfType(e, T.request);
        const location = firstOfType(e, T.location);
        S.min(row, SC.confirmedAt, t);
        setKnown(S, row, SC.order, orderRef);
        if (location >= 0) S.set(row, SC.facility, textOf(location));
        setKnown(S, row, SC.shippedAt, numberChange(e, shipment, N.shippedAt));
        if (request >= 0) S.set(row, SC.shipByAt, R.get(touch(R, request, t), RC.shipByAt));
        let units = 0;
        for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) {
          if (relType[r] !== T.line || relQualifier[r] !== Q.shipped) continue;
          const q = relQuantity[r]!;
          const line = lineRow(r, o, t);
          const shipped = L.add(line, LC.shipped, q);
          units += q;
          observe(e, line, 'shippedQuantity', shipped);
          const ordered = L.get(line, LC.ordered);
          if (o >= 0 && shipped - q < ordered && shipped >= ordered) O.add(o, OC.linesFilled, 1);
        }
        S.add(row, SC.units, units);
        if (o >= 0) {
          O.add(o, OC.unitsShipped, units);
          if (units > 0) O.add(o, OC.shipments, 1);
        }
        break;
      }
      case kOrderShipped:
        if (o >= 0) O.min(o, OC.shippedAt, t);
        break;
      case kOrderCancelled:
      case kLinesCancelled:
        if (o >= 0 && kind === kOrderCancelled) O.min(o, OC.cancelledAt, t);
        for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) {
          if (relType[r] !== T.line || relQualifier[r] !== Q.cancelled) continue;
          const row = lineRow(r, o, t);
          observe(e, row, 'cancelledQuantity', L.add(row, LC.cancelled, relQuantity[r]!));
          // Cancelling a line cancels its unshipped rest, backorder included.
          setBackorder(row, 0, t);
        }
        break;
      case kOrderDelivered:
        if (o >= 0) O.min(o, OC.deliveredAt, t);
        break;
      case kPromiseBreached:
        if (o >= 0) O.min(o, OC.breachedAt, t);
        break;
      case kInvoiceIssued: {
        const invoice = firstOfType(e, T.invoice);
        if (invoice < 0) break;
        const row = touch(I, invoice, t);
        I.min(row, IC.issuedAt, t);
        setKnown(I, row, IC.order, orderRef);
        let units = 0;
        for (let r = relStart[e]!, end = relStart[e + 1]!; r < end; r++) {
          const type = relType[r]!;
          if (type === T.shipment && relQualifier[r] === Q.bills) {
            const confirmedAt = S.get(touch(S, r, t), SC.confirmedAt);
            if (!Number.isNaN(confirmedAt)) I.max(row, IC.shipmentConfirmedAt, confirmedAt);
          } else if (type === T.line && relQualifier[r] === Q.invoiced) {
            units += relQuantity[r]!;
          }
        }
        I.add(row, IC.units, units);
        if (o >= 0) O.add(o, OC.unitsInvoiced, units);
        break;
      }
      case kOrderInvoiced:
        if (o >= 0) O.min(o, OC.invoicedAt, t);
        break;
      case kOrderClosed:
        if (o >= 0) O.min(o, OC.closedAt, t);
        break;
      case kPoEvent:
      case kPoSent:
      case kPoAcknowledged: {
        const po = firstOfType(e, T.po);
        if (po < 0) break;
        const row = touch(P, po, t);
        const supplier = firstOfType(e, T.supplier);
        const location = firstOfType(e, T.location);
        if (supplier >= 0) P.set(row, PC.supplier, textOf(supplier));
        if (location >= 0) P.set(row, PC.facility, textOf(location));
        if (kind === kPoSent) P.min(row, PC.sentAt, t);
        if (kind === kPoAcknowledged) P.min(row, PC.acknowledgedAt, t);
        break;
      }
      case kExceptionRaised:
      case kExceptionChanged:
      case kExceptionClosed: {
        const exception = firstOfType(e, T.exception);
        if (exception < 0) break;
        const row = touch(X, exception, t);
        setKnown(X, row, XC.type, textChange(e, exception, N.type));
        setKnown(X, row, XC.stage, textChange(e, exception, N.stage));
        setKnown(X, row, XC.rootCause, textChange(e, exception, N.rootCause));
        setKnown(X, row, XC.owner, textChange(e, exception, N.ownerRole));
        setKnown(X, row, XC.queue, textChange(e, exception, N.queueRole));
        setKnown(X, row, XC.source, textChange(e, exception, N.source));
        setKnown(X, row, XC.slaDueAt, numberChange(e, exception, N.slaDueAt));
        const breached = numberChange(e, exception, N.slaBreachedAt);
        if (!Number.isNaN(breached)) X.min(row, XC.breachedAt, breached);
        const location = firstOfType(e, T.location);
        if (location >= 0 && Number.isNaN(X.get(row, XC.facility))) X.set(row, XC.facility, textOf(location));
        if (Number.isNaN(X.get(row, XC.order))) setKnown(X, row, XC.order, orderRef);
        if (kind === kExceptionRaised && Number.isNaN(X.get(row, XC.raisedAt))) {
          X.set(row, XC.raisedAt, t);
          if (o >= 0) {
            O.add(o, OC.exceptions, 1);
            O.min(o, OC.touchedAt, t);
            if (X.get(row, XC.type) === texts.find('invoice_mismatch')) O.add(o, OC.invoiceMismatches, 1);
          }
        }
        if (kind === kExceptionClosed) X.min(row, XC.closedAt, t);
        break;
      }
      default:
        break;
    }
  }
}
