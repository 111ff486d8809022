import type { TradingPartner } from '../../domains/catalog/index.ts';
import { INVENTORY_SNAPSHOT_MESSAGE, type InventorySnapshot, type SnapshotReport } from '../../domains/inventory/index.ts';
import type { FileParseItem } from '../files/index.ts';
import type { X12TransactionSet } from '../x12/index.ts';
import { describeIds, loadItemLookup, skuOf } from './asn856.items.ts';
import { JSON_TYPE, problem, type EdiInboundDeps, type InboundSet } from './inbound.support.ts';
import { mapInventory846 } from './inventory846.mapper.ts';

/**
 * An 846 from a 3PL or a supplier becomes one `inventory.snapshot` inbox message per location it
 * counts, from the location's own source system, so the ledger's ordering, drift and freshness rules
 * apply as to any snapshot. Counts are partial (`complete: false`): SKUs the report leaves out keep
 * their position. Items are resolved here by the partner's cross-references, then our SKUs and
 * GTINs; an item or location we cannot name is reported with its segment, and the other counts are
 * still taken in.
 */
export const inventory846: InboundSet = { document: '846', name: 'inventory advices', take: takeInventory };

async function* takeInventory(deps: EdiInboundDeps, partner: TradingPartner, label: string, set: X12TransactionSet): AsyncGenerator<FileParseItem> {
  const at = `${label}, set ${set.controlNumber}`;
  const mapped = mapInventory846(set.segments, partner.x12.timezone);
  if (!mapped.ok) {
    for (const p of mapped.problems) yield problem({ ...(p.segmentPosition === null ? {} : { line: p.segmentPosition }), code: p.code, message: `${at}: ${p.message}` });
    return;
  }
  const { advice } = mapped;
  const lookup = await loadItemLookup(deps.catalog, partner, advice.counts.map((c) => c.ids));
  const locations = await deps.catalog.locations.getMany([...new Set(advice.counts.map((c) => c.locationCode))]);

  const byLocation = new Map<string, { snapshot: InventorySnapshot; positions: number[] }>();
  for (const count of advice.counts) {
    const location = locations.get(count.locationCode);
    if (!location) {
      yield problem({ line: count.segmentPosition, code: 'unknown_location', message: `${at}: location ${count.locationCode} (N104 or REF02) is not one of our locations` });
      continue;
    }
    const sku = skuOf(count.ids, lookup);
    if (sku === undefined) {
      yield problem({ line: count.segmentPosition, code: 'unknown_item', message: `${at}: LIN ${describeIds(count.ids)} is not one of our items nor cross-referenced for ${partner.code}` });
      continue;
    }
    const entry = byLocation.get(location.code) ?? {
      snapshot: { source: location.sourceSystem, locationCode: location.code, asOf: advice.asOf, complete: false, counts: [] },
      positions: [],
    };
    entry.snapshot.counts.push({ sku, onHand: count.quantity, unit: lookup.unitOf.get(count.unit) ?? count.unit });
    entry.positions.push(count.segmentPosition);
    byLocation.set(location.code, entry);
  }
  for (const [locationCode, { snapshot, positions }] of byLocation) {
    const locate = (path: string | undefined) => {
      const index = /^counts\.(\d+)/.exec(path ?? '');
      return { line: index ? (positions[Number(index[1])] ?? 1) : (positions[0] ?? 1) };
    };
    yield {
      kind: 'message',
      message: {
        part: `846:${advice.reportId}:${locationCode}`,
        messageType: INVENTORY_SNAPSHOT_MESSAGE,
        contentType: JSON_TYPE,
        payload: JSON.stringify(snapshot),
        label: `846 ${advice.reportId}: counts of ${locationCode} as of ${advice.asOf} (${at})`,
        locate,
        outcomeProblems: (outcome) => ((outcome as SnapshotReport | null)?.rejected ?? []).map((r) => ({ ...locate(`counts.${r.index}`), code: r.code, message: `${at}: ${r.message}` })),
      },
    };
  }
}
