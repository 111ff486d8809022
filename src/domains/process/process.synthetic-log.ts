import { CompactLog, kindCode as K } from './compact-log.ts';

/**
 * A generated log of realistic order lifecycles (intake, holds, allocation with backorders,
 * reservations per line, release, one or two shipments, invoicing, closing, exceptions, inventory
 * batches, purchase orders), built straight into the log's columns. The benchmark times a recompute
 * over ten million of its events; tests compare the parallel and single-threaded paths over a
 * smaller one. Seeded, so every run builds the same log.
 */
const HOUR = 3_600_000;
export const SYNTHETIC_T0_MS = Date.UTC(2026, 0, 1);
const T0 = SYNTHETIC_T0_MS;

/** A small seeded generator (mulberry32), so every run builds the same log. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Min-heap of (time, order, step) for a discrete-event run of many order lifecycles at once. */
class Agenda {
  time = new Float64Array(1 << 16);
  order = new Int32Array(1 << 16);
  step = new Int32Array(1 << 16);
  size = 0;
  push(time: number, order: number, step: number) {
    if (this.size === this.time.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.time = grow(this.time);
      this.order = grow(this.order);
      this.step = grow(this.step);
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.time[parent]! <= time) break;
      this.time[i] = this.time[parent]!;
      this.order[i] = this.order[parent]!;
      this.step[i] = this.step[parent]!;
      i = parent;
    }
    this.time[i] = time;
    this.order[i] = order;
    this.step[i] = step;
  }
  pop(): [number, number, number] {
    const top: [number, number, number] = [this.time[0]!, this.order[0]!, this.step[0]!];
    const last = --this.size;
    const t = this.time[last]!;
    const o = this.order[last]!;
    const s = this.step[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.time[child + 1]! < this.time[child]!) child++;
      if (this.time[child]! >= t) break;
      this.time[i] = this.time[child]!;
      this.order[i] = this.order[child]!;
      this.step[i] = this.step[child]!;
      i = child;
    }
    this.time[i] = t;
    this.order[i] = o;
    this.step[i] = s;
    return top;
  }
}

/** Generates `total` events of order lifecycles, in time order, straight into the log's columns. */
export function generateSyntheticLog(total: number, options: { shared?: boolean } = {}): { log: CompactLog; orders: number; endMs: number } {
  const random = rng(7);
  const log = new CompactLog({ shared: options.shared ?? false });
  const s = log.strings;
  const type = (name: string) => s.intern(name);
  const T = { order: type('order'), line: type('order_line'), reservation: type('reservation'), request: type('fulfillment_request'), shipment: type('shipment'), invoice: type('invoice'), exception: type('exception'), po: type('purchase_order') };
  const Q = { order: type('order'), line: type('line'), allocated: type('allocated'), request: type('request'), shipped: type('shipped'), invoiced: type('invoiced'), bills: type('bills'), item: type('item'), location: type('location'), shipsFrom: type('ships from'), customer: type('customer'), channel: type('channel'), exception: type('exception'), subject: type('subject'), supplier: type('supplier'), synced: type('synced'), reservation: type('reservation') };
  const N = { segment: type('segment'), backordered: type('backorderedQuantity'), shipByAt: type('shipByAt'), shippedAt: type('shippedAt'), type: type('type'), stage: type('stage'), rootCause: type('rootCause'), owner: type('ownerRole'), queue: type('queueRole'), due: type('slaDueAt'), moves: type('lastBatchMovements'), mean: type('lastBatchLatencyMsMean'), max: type('lastBatchLatencyMsMax') };
  const activity = (name: string) => type(name);
  const A = {
    received: activity('Order received'), hold: activity('Hold placed'), holdReleased: activity('Hold released'), allocated: activity('Order allocated'), partial: activity('Order partially allocated'),
    reserved: activity('Reservation created'), releaseRequested: activity('Release requested'), released: activity('Order released'), confirmed: activity('Shipment confirmed'),
    partShipped: activity('Order partially shipped'), shipped: activity('Order shipped'), invoiceIssued: activity('Invoice issued'), invoiced: activity('Order invoiced'), closed: activity('Order closed'),
    raised: activity('Exception raised'), resolved: activity('Exception resolved'), synced: activity('Availability changed'), poSent: activity('Purchase order sent'), poAck: activity('Purchase order acknowledged'),
  };
  // Master data objects, registered once.
  const channels = ['EDI', 'WEB', 'B2B', 'MKT'].map((c) => log.object(`channel:${c}`, 'channel'));
  const customers = Array.from({ length: 2_000 }, (_, i) => log.object(`customer:C${i}`, 'customer'));
  const segmentCodes = ['strategic', 'key', 'standard', 'small'].map((x) => s.intern(x));
  const items = Array.from({ length: 5_000 }, (_, i) => log.object(`item:SKU-${i}`, 'item'));
  const locations = ['DC-EAST', 'DC-WEST', 'DC-SOUTH', '3PL-NORTH', 'DC-CENTRAL'].map((l) => log.object(`location:${l}`, 'location'));
  const sources = locations.map((_, i) => log.object(`inventory_source:WMS-${i}`, 'inventory_source'));
  const suppliers = Array.from({ length: 50 }, (_, i) => log.object(`supplier:S${i}`, 'supplier'));
  const exceptionTypes = ['stock_shortage', 'short_shipment', 'shipment_delay', 'credit_hold'].map((x) => s.intern(x));
  const stages = ['allocation', 'shipment', 'delivery', 'intake'].map((x) => s.intern(x));
  const owners = ['planner', 'warehouse', 'customer_service', 'finance'].map((x) => s.intern(x));
  const causes = ['no_stock', 'picked_short', 'carrier_late', 'over_limit'].map((x) => s.intern(x));

  // Per-order state, in columns.
  const maxOrders = Math.ceil(total / 8) + 1_000;
  const lines = new Uint8Array(maxOrders);
  const orderObj = new Int32Array(maxOrders);
  const lineBase = new Int32Array(maxOrders);
  const requestObj = new Int32Array(maxOrders);
  const shipObj = new Int32Array(maxOrders);
  const location = new Uint8Array(maxOrders);
  const split = new Uint8Array(maxOrders);
  const backorder = new Uint8Array(maxOrders);
  const exceptionObj = new Int32Array(maxOrders);
  const agenda = new Agenda();
  let seq = 0;
  let orders = 0;
  let nextArrival = T0;
  let batch = 0;
  let endMs = T0;
  const begin = (time: number, a: number, kind: number, flags = 0) => log.beginEvent(++seq, time, a, kind, flags, -1);

  while (log.events < total) {
    // Arrivals keep about 5,000 orders in flight: a day of a mid-size distributor, interleaved.
    if (agenda.size === 0 || nextArrival <= agenda.time[0]!) {
      const o = orders++;
      agenda.push(nextArrival, o, 0);
      nextArrival += random() * 2_000;
      continue;
    }
    const [due, o, step] = agenda.pop();
    // Whole milliseconds, as the log keeps times (parsed from ISO strings).
    const time = Math.round(due);
    endMs = time;
    const wait = (hours: number) => time + hours * HOUR * (0.5 + random());
    switch (step) {
      case 0: {
        lines[o] = 1 + Math.floor(random() * 6);
        orderObj[o] = log.newObject(`order:${o}`, T.order);
        lineBase[o] = log.objects;
        for (let l = 0; l < lines[o]!; l++) log.newObject(`order_line:${o}#${l + 1}`, T.line);
        const customer = customers[Math.floor(random() * customers.length)]!;
        begin(time, A.received, K.order_received, 2);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        log.addRelation(channels[o % channels.length]!, Q.channel, Number.NaN);
        log.addRelation(customer, Q.customer, Number.NaN);
        log.addChange(customer, N.segment, Number.NaN, segmentCodes[customer % 4]!);
        for (let l = 0; l < lines[o]!; l++) {
          log.addRelation(lineBase[o]! + l, Q.line, 5);
          log.addRelation(items[Math.floor(random() * items.length)]!, Q.item, Number.NaN);
        }
        if (random() < 0.05) {
          begin(time, A.hold, K.hold_placed);
          log.addRelation(orderObj[o]!, Q.order, Number.NaN);
          agenda.push(wait(4), o, 1);
        } else agenda.push(wait(0.1), o, 2);
        break;
      }
      case 1:
        begin(time, A.holdReleased, K.none, 1);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        agenda.push(wait(0.1), o, 2);
        break;
      case 2: {
        backorder[o] = random() < 0.1 ? 1 : 0;
        location[o] = Math.floor(random() * locations.length);
        begin(time, backorder[o] ? A.partial : A.allocated, K.allocation);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        for (let l = 0; l < lines[o]!; l++) {
          log.addRelation(lineBase[o]! + l, Q.allocated, 5);
          if (backorder[o] && l === 0) log.addChange(lineBase[o]! + l, N.backordered, 3, -1);
        }
        for (let l = 0; l < lines[o]!; l++) {
          const reservation = log.newObject(`reservation:${o}-${l}`, T.reservation);
          begin(time, A.reserved, K.none);
          log.addRelation(reservation, Q.reservation, Number.NaN);
          log.addRelation(lineBase[o]! + l, Q.line, 5);
          log.addRelation(locations[location[o]!]!, Q.location, Number.NaN);
        }
        agenda.push(wait(1), o, 3);
        break;
      }
      case 3: {
        requestObj[o] = log.newObject(`fulfillment_request:${o}`, T.request);
        begin(time, A.releaseRequested, K.release_requested);
        log.addRelation(requestObj[o]!, Q.request, Number.NaN);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        log.addRelation(locations[location[o]!]!, Q.shipsFrom, Number.NaN);
        log.addChange(requestObj[o]!, N.shipByAt, time + 20 * HOUR, -1);
        begin(time, A.released, K.order_released);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        log.addRelation(requestObj[o]!, Q.request, Number.NaN);
        split[o] = random() < 0.1 ? 1 : 0;
        agenda.push(wait(16), o, 4);
        break;
      }
      case 4:
      case 5: {
        shipObj[o] = log.newObject(`shipment:${o}-${step}`, T.shipment);
        begin(time, A.confirmed, K.shipment_confirmed, 2);
        log.addRelation(shipObj[o]!, Q.shipped, Number.NaN);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        log.addRelation(requestObj[o]!, Q.request, Number.NaN);
        log.addRelation(locations[location[o]!]!, Q.location, Number.NaN);
        log.addChange(shipObj[o]!, N.shippedAt, time - HOUR, -1);
        // A split order ships 2 of each line's 5 units first, the other 3 a day later.
        for (let l = 0; l < lines[o]!; l++) log.addRelation(lineBase[o]! + l, Q.shipped, !split[o] ? 5 : step === 4 ? 2 : 3);
        const last = step === 5 || !split[o];
        begin(time, last ? A.shipped : A.partShipped, last ? K.order_shipped : K.none);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        if (random() < 0.03) {
          const exception = (exceptionObj[o] = log.newObject(`exception:${o}-${step}`, T.exception));
          const x = o % 4;
          begin(time, A.raised, K.exception_raised);
          log.addRelation(exception, Q.exception, Number.NaN);
          log.addRelation(orderObj[o]!, Q.subject, Number.NaN);
          log.addChange(exception, N.type, Number.NaN, exceptionTypes[x]!);
          log.addChange(exception, N.stage, Number.NaN, stages[x]!);
          log.addChange(exception, N.rootCause, Number.NaN, causes[x]!);
          log.addChange(exception, N.owner, Number.NaN, owners[x]!);
          log.addChange(exception, N.queue, Number.NaN, owners[x]!);
          log.addChange(exception, N.due, time + 8 * HOUR, -1);
          agenda.push(wait(6), o, 9);
        }
        agenda.push(wait(step === 4 && split[o] ? 24 : 2), o, step === 4 && split[o] ? 5 : 6);
        break;
      }
      case 6: {
        const invoice = log.newObject(`invoice:${o}`, T.invoice);
        begin(time, A.invoiceIssued, K.invoice_issued);
        log.addRelation(invoice, Q.invoiced, Number.NaN);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        log.addRelation(shipObj[o]!, Q.bills, Number.NaN);
        for (let l = 0; l < lines[o]!; l++) log.addRelation(lineBase[o]! + l, Q.invoiced, 5);
        begin(time, A.invoiced, K.order_invoiced);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        if (random() < 0.5) agenda.push(wait(72), o, 7);
        break;
      }
      case 7:
        begin(time, A.closed, K.order_closed);
        log.addRelation(orderObj[o]!, Q.order, Number.NaN);
        break;
      case 9:
        begin(time, A.resolved, K.exception_closed, 1);
        log.addRelation(exceptionObj[o]!, Q.exception, Number.NaN);
        break;
      default:
        break;
    }
    // Every 40 orders' worth of events, an inventory batch from one source, and now and then a purchase order.
    if (seq % 500 === 0) {
      const source = batch++ % sources.length;
      begin(time, A.synced, K.inventory_synced, 2);
      log.addRelation(sources[source]!, Q.synced, Number.NaN);
      log.addChange(sources[source]!, N.moves, 200, -1);
      log.addChange(sources[source]!, N.mean, 15_000 + random() * 30_000, -1);
      log.addChange(sources[source]!, N.max, 90_000, -1);
      if (batch % 20 === 0) {
        const po = log.newObject(`purchase_order:${batch}`, T.po);
        begin(time, A.poSent, K.po_sent);
        log.addRelation(po, Q.order, Number.NaN);
        log.addRelation(suppliers[batch % suppliers.length]!, Q.supplier, Number.NaN);
        begin(time + 6 * HOUR, A.poAck, K.po_acknowledged, 2);
        log.addRelation(po, Q.order, Number.NaN);
      }
    }
  }
  return { log, orders, endMs };
}

