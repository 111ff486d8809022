import type { CatalogInput } from '../domains/catalog/index.ts';
import type { SimRandom } from './sim-random.ts';

/**
 * The simulated distributor's master data, generated from the seed (pure: no I/O). It is loaded into
 * the hub through the import API by `loader.ts`, exactly as an operator would load it.
 *
 * The network: three regional warehouses (the east one runs a legacy WMS that posts an hourly
 * snapshot, the other two post events as they happen); channels for EDI, the web store and inside
 * sales; retail partners trading by X12; a few hundred business customers in tiers; suppliers and
 * carriers.
 */
export interface SimEdiPartner {
  code: string;
  customerCode: string;
  /** ISA06 and GS02 the partner sends as. */
  interchangeId: string;
  version: '004010' | '005010';
  /** The partner's own item numbers for our SKUs (their buyer numbers, sent as BP in PO1). */
  buyerItemBySku: Map<string, string>;
}

export interface SimCustomer {
  code: string;
  channel: 'EDI' | 'WEB' | 'SALES';
  tier: string;
  shipToCodes: string[];
  creditLimitMinor: number;
  /** Relative order frequency: strategic accounts order more. */
  weight: number;
}

export interface MasterData {
  locations: Array<CatalogInput<'location'>>;
  items: Array<CatalogInput<'item'>>;
  channels: Array<CatalogInput<'channel'>>;
  tradingPartners: Array<CatalogInput<'tradingPartner'>>;
  customers: Array<CatalogInput<'customer'>>;
  suppliers: Array<CatalogInput<'supplier'>>;
  carriers: Array<CatalogInput<'carrier'>>;
  /** SKUs in popularity order: index 0 is the best seller (the Zipf rank). */
  skusByPopularity: string[];
  /** Our X12 identity, the receiver of partners' 850s. */
  ourInterchangeId: string;
  ediPartners: SimEdiPartner[];
  simCustomers: SimCustomer[];
  /** The customer web orders are billed to and its default ship-to (the Shopify source's orderDefaults). */
  web: { customerCode: string; shipToCode: string; channelCode: string };
  /** Which supplier makes each SKU. */
  supplierBySku: Map<string, string>;
}

export interface MasterDataOptions {
  skus: number;
  /** Business customers ordering through inside sales (the API). */
  salesCustomers: number;
  ediPartners: number;
}

export const WAREHOUSES = [
  { code: 'DC-EAST', name: 'East regional DC (legacy WMS)', region: 'US-EAST', tz: 'America/New_York', lat: 40.7357, lon: -74.1724, batch: true },
  { code: 'DC-CENTRAL', name: 'Central regional DC', region: 'US-CENTRAL', tz: 'America/Chicago', lat: 41.8781, lon: -87.6298, batch: false },
  { code: 'DC-WEST', name: 'West regional DC', region: 'US-WEST', tz: 'America/Los_Angeles', lat: 34.0522, lon: -118.2437, batch: false },
] as const;

export const CARRIERS = [
  { scac: 'UPSN', name: 'UPS', services: [{ code: 'GND', name: 'Ground', transitDays: 4 }, { code: '2DA', name: '2nd Day Air', transitDays: 2 }] },
  { scac: 'FDEG', name: 'FedEx Ground', services: [{ code: 'GND', name: 'Ground', transitDays: 4 }] },
  { scac: 'ODFL', name: 'Old Dominion Freight Line', services: [{ code: 'LTL', name: 'LTL standard', transitDays: 3 }] },
] as const;

const CLASSES: ReadonlyArray<{ cls: string; nouns: string[]; unitCost: [number, number]; pack: number[] }> = [
  { cls: 'PPE', nouns: ['Nitrile gloves', 'Safety glasses', 'Hard hat', 'Hi-vis vest', 'Ear plugs', 'Dust mask', 'Work gloves'], unitCost: [150, 2500], pack: [10, 12, 24] },
  { cls: 'JANITORIAL', nouns: ['Trash liners', 'Paper towels', 'Toilet tissue', 'Floor cleaner', 'Hand soap', 'Mop head', 'Disinfectant wipes'], unitCost: [200, 4000], pack: [4, 6, 12] },
  { cls: 'FASTENERS', nouns: ['Hex bolt', 'Lag screw', 'Wood screw', 'Flat washer', 'Lock nut', 'Anchor', 'Rivet'], unitCost: [5, 150], pack: [50, 100, 250] },
  { cls: 'ELECTRICAL', nouns: ['Cable ties', 'Electrical tape', 'Wire nut', 'Extension cord', 'LED bulb', 'Junction box', 'Breaker'], unitCost: [50, 6000], pack: [10, 25, 50] },
  { cls: 'PACKAGING', nouns: ['Shipping box', 'Packing tape', 'Stretch film', 'Bubble wrap', 'Poly mailer', 'Void fill', 'Label roll'], unitCost: [30, 3000], pack: [20, 25, 100] },
  { cls: 'PLUMBING', nouns: ['PVC elbow', 'Ball valve', 'Pipe clamp', 'Teflon tape', 'Compression fitting', 'Faucet cartridge'], unitCost: [80, 5000], pack: [10, 12, 24] },
  { cls: 'TOOLS', nouns: ['Utility knife', 'Tape measure', 'Screwdriver', 'Pliers', 'Drill bit', 'Hacksaw blade'], unitCost: [120, 8000], pack: [6, 10, 12] },
  { cls: 'BREAKROOM', nouns: ['Coffee pods', 'Paper cups', 'Stir sticks', 'Sugar packets', 'Napkins', 'Plastic forks'], unitCost: [100, 2500], pack: [6, 12, 24] },
];
const VARIANTS = ['small', 'medium', 'large', 'x-large', 'black', 'blue', 'clear', 'white', 'heavy duty', 'economy', '1/4 in', '3/8 in', '1/2 in', '10 ft', '25 ft'];
const BRANDS = ['Apex', 'Brightline', 'Cardinal', 'Dura', 'Everpro', 'Fairmont', 'Granite', 'Harbor', 'Ironclad', 'Juniper'];
const CITIES = [
  ['Newark', 'NJ', '071', 'America/New_York'], ['Philadelphia', 'PA', '191', 'America/New_York'], ['Boston', 'MA', '021', 'America/New_York'],
  ['Atlanta', 'GA', '303', 'America/New_York'], ['Chicago', 'IL', '606', 'America/Chicago'], ['Dallas', 'TX', '752', 'America/Chicago'],
  ['Denver', 'CO', '802', 'America/Denver'], ['Phoenix', 'AZ', '850', 'America/Phoenix'], ['Seattle', 'WA', '981', 'America/Los_Angeles'],
  ['Los Angeles', 'CA', '900', 'America/Los_Angeles'],
] as const;
/** The time zone of the city `address(r, i)` puts a ship-to in: promise dates end at midnight there. */
const timezoneOf = (i: number) => CITIES[i % CITIES.length]![3];
const STREETS = ['Main St', 'Commerce Way', 'Industrial Blvd', 'Market St', 'Harbor Rd', 'Oak Ave', 'Logistics Pkwy', 'Depot St'];
const RETAILERS = ['Northwind Retail', 'Bluebird Stores', 'Summit Supply Co', 'Lakeside Mart', 'Pioneer Hardware', 'Crescent Markets'];
const TIERS = [
  { tier: 'strategic', share: 0.05, weight: 8, limit: [20_000_000, 50_000_000] },
  { tier: 'key', share: 0.15, weight: 4, limit: [5_000_000, 20_000_000] },
  { tier: 'standard', share: 0.6, weight: 1.5, limit: [1_000_000, 5_000_000] },
  { tier: 'occasional', share: 0.2, weight: 0.5, limit: [100_000, 600_000] },
] as const;

/** A GTIN-14 with a valid check digit, made from a running number so every SKU's differs. */
function gtin14(n: number): string {
  const body = `1${String(n).padStart(12, '0')}`;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(body[12 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

function address(r: SimRandom, i: number) {
  const [city, region, zip3] = CITIES[i % CITIES.length]!;
  return { line1: `${r.int(10, 9999)} ${r.pick(STREETS)}`, city, region, postalCode: `${zip3}${String(r.int(1, 99)).padStart(2, '0')}`, country: 'US' };
}

export function generateMasterData(r: SimRandom, options: MasterDataOptions): MasterData {
  const locations: MasterData['locations'] = WAREHOUSES.map((w) => ({
    code: w.code,
    name: w.name,
    type: 'warehouse',
    region: w.region,
    coordinates: { latitude: w.lat, longitude: w.lon },
    sourceSystem: w.batch ? 'legacy-wms-east' : `wms-${w.code.toLowerCase()}`,
    postingMode: w.batch ? 'batch' : 'realtime',
    ...(w.batch && { postingIntervalMinutes: 60 }),
    dailyCapacityLines: 20_000,
    cutoffLocalTime: '16:00',
    timezone: w.tz,
  }));

  // Items: a class, a product noun, a variant and a brand; prices with a distributor's margin.
  const items: MasterData['items'] = [];
  const skusByClass = new Map<string, string[]>();
  for (let i = 0; i < options.skus; i++) {
    const c = CLASSES[i % CLASSES.length]!;
    const sku = `${c.cls.slice(0, 3)}-${String(10_000 + i)}`;
    const unitCostMinor = r.int(c.unitCost[0], c.unitCost[1]);
    items.push({
      sku,
      gtin: gtin14(i + 1),
      description: `${r.pick(BRANDS)} ${r.pick(c.nouns).toLowerCase()}, ${r.pick(VARIANTS)}`.replace(/^./, (ch) => ch.toUpperCase()),
      baseUnit: 'EA',
      packSizes: [{ unit: 'CA', quantity: r.pick(c.pack) }],
      itemClass: c.cls,
      status: 'active',
      unitCostMinor,
      listPriceMinor: Math.round(unitCostMinor * (1.25 + r.next() * 0.5)),
      currency: 'USD',
      weightKg: Math.round((0.05 + r.next() * 5) * 100) / 100,
      substitutes: [],
    });
    skusByClass.set(c.cls, [...(skusByClass.get(c.cls) ?? []), sku]);
  }
  // About one SKU in five names one or two substitutes of its own class.
  for (const item of items) {
    if (!r.chance(0.2)) continue;
    const peers = skusByClass.get(item.itemClass)!.filter((s) => s !== item.sku);
    const subs = new Set<string>();
    for (let k = r.int(1, 2); k > 0 && peers.length > 0; k--) subs.add(r.pick(peers));
    item.substitutes = [...subs];
  }
  // Popularity is independent of the SKU number: a shuffled rank order.
  const skusByPopularity = items.map((i) => i.sku);
  for (let i = skusByPopularity.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [skusByPopularity[i], skusByPopularity[j]] = [skusByPopularity[j]!, skusByPopularity[i]!];
  }

  const channels: MasterData['channels'] = [
    { code: 'EDI', name: 'EDI retail partners', type: 'edi', protectedAllocations: [] },
    { code: 'WEB', name: 'Web store', type: 'web_store', protectedAllocations: [] },
    { code: 'SALES', name: 'Inside sales', type: 'inside_sales', protectedAllocations: [] },
  ];

  const ourInterchangeId = 'CROSSDOCKDIST';
  const tradingPartners: MasterData['tradingPartners'] = [];
  const customers: MasterData['customers'] = [];
  const ediPartners: SimEdiPartner[] = [];
  const simCustomers: SimCustomer[] = [];
  const crossReferenced = skusByPopularity.slice(0, Math.min(500, skusByPopularity.length));
  for (let p = 0; p < options.ediPartners; p++) {
    const code = `RET${p + 1}`;
    const interchangeId = `RETAIL${String(p + 1).padStart(3, '0')}`;
    const version = p % 2 === 0 ? '004010' : '005010';
    const buyerItemBySku = new Map(crossReferenced.map((sku, k) => [sku, `${p + 1}${String(100_000 + k)}`]));
    tradingPartners.push({
      code,
      name: RETAILERS[p % RETAILERS.length]!,
      role: 'customer',
      x12: { interchangeIdQualifier: 'ZZ', interchangeId, groupId: interchangeId, version, documents: ['850', '855', '810'], acknowledgement: version === '004010' ? '997' : '999', usageIndicator: 'P' },
      itemCrossReferences: [...buyerItemBySku].map(([sku, partnerItem]) => ({ partnerItem, sku })),
      unitMappings: [{ partnerUnit: 'CS', unit: 'CA' }],
    });
    const stores = Array.from({ length: r.int(3, 8) }, (_, s) => ({ code: `ST-${String(s + 1).padStart(3, '0')}`, name: `${RETAILERS[p % RETAILERS.length]} store ${s + 1}`, address: address(r, p + s), timezone: timezoneOf(p + s) }));
    const customerCode = `CUST-${code}`;
    customers.push({ code: customerCode, name: `${RETAILERS[p % RETAILERS.length]} Inc.`, tier: 'strategic', channels: ['EDI'], creditLimitMinor: 100_000_000, currency: 'USD', paymentTermsDays: 45, serviceLevel: 'standard', acceptsSplits: true, acceptsSubstitutions: false, acceptsBackorders: true, tradingPartnerCode: code, shipTos: stores });
    ediPartners.push({ code, customerCode, interchangeId, version, buyerItemBySku });
    simCustomers.push({ code: customerCode, channel: 'EDI', tier: 'strategic', shipToCodes: stores.map((s) => s.code), creditLimitMinor: 100_000_000, weight: 6 });
  }

  const web = { customerCode: 'CUST-WEB', shipToCode: 'ST-WEB', channelCode: 'WEB' };
  customers.push({ code: web.customerCode, name: 'Web store customers', tier: 'standard', channels: ['WEB'], creditLimitMinor: 1_000_000_000, currency: 'USD', paymentTermsDays: 0, shipTos: [{ code: web.shipToCode, name: 'Web orders (one-off addresses)', address: address(r, 0) }] });

  for (let c = 0; c < options.salesCustomers; c++) {
    const tierIndex = r.weighted(TIERS.map((t) => t.share));
    const t = TIERS[tierIndex]!;
    const code = `CUST-${String(1000 + c)}`;
    const shipTos = Array.from({ length: r.int(1, 3) }, (_, s) => ({ code: `ST-${s + 1}`, name: `Site ${s + 1}`, address: address(r, c + s), timezone: timezoneOf(c + s), ...(r.chance(0.3) && { locationPreference: r.pick(WAREHOUSES).code }) }));
    const creditLimitMinor = r.int(t.limit[0], t.limit[1]);
    customers.push({ code, name: `${r.pick(BRANDS)} ${r.pick(['Facilities', 'Contracting', 'Property Services', 'Manufacturing', 'Hospitality', 'Schools'])} ${c + 1}`, tier: t.tier, channels: ['SALES'], creditLimitMinor, currency: 'USD', paymentTermsDays: r.pick([15, 30, 45]), serviceLevel: r.pick(['standard', 'standard', 'expedited']), acceptsSplits: r.chance(0.8), acceptsSubstitutions: r.chance(0.4), acceptsBackorders: r.chance(0.85), openReceivablesMinor: Math.floor(creditLimitMinor * r.next() * 0.5), shipTos });
    simCustomers.push({ code, channel: 'SALES', tier: t.tier, shipToCodes: shipTos.map((s) => s.code), creditLimitMinor, weight: t.weight });
  }

  const suppliers: MasterData['suppliers'] = Array.from({ length: 6 }, (_, s) => ({
    code: `SUP-${String(s + 1).padStart(2, '0')}`,
    name: `${BRANDS[s]} Manufacturing`,
    leadTimeDaysMean: 3 + s,
    leadTimeDaysStdDev: 0.5 + s * 0.4,
    currency: 'USD',
  }));
  const supplierBySku = new Map(items.map((item, i) => [item.sku, suppliers[i % suppliers.length]!.code]));

  return {
    locations,
    items,
    channels,
    tradingPartners,
    customers,
    suppliers,
    carriers: CARRIERS.map((c) => ({ scac: c.scac, name: c.name, services: c.services.map((s) => ({ ...s })) })),
    skusByPopularity,
    ourInterchangeId,
    ediPartners,
    simCustomers,
    web,
    supplierBySku,
  };
}
