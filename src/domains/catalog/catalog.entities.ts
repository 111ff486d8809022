import { z } from 'zod';
import type { Role } from '../../platform/auth/roles.ts';
import type { CsvColumn } from './catalog.csv.ts';
import { csvColumnsByKind } from './catalog.csv-columns.ts';
import { gtinSchema, keySchema, normalizeGtin } from './catalog.fields.ts';
import type { Reference } from './catalog.references.ts';
import type { CatalogTableName } from './catalog.tables.ts';
import {
  catalogEntitySchemas,
  catalogRecordSchemas,
  channelTypes,
  customerTiers,
  itemStatuses,
  locationTypes,
  scacSchema,
  tradingPartnerRoles,
  type CatalogDocument,
  type CatalogKind,
} from './catalog.types.ts';

/** A list filter: a query parameter matched against an indexed column copied from the document. */
export interface CatalogFilter<K extends CatalogKind> {
  /** The query parameter, named like the document field it filters on. */
  param: string;
  column: string;
  description: string;
  schema: z.ZodType<string>;
  /** The column's value for a document. */
  valueOf(doc: CatalogDocument<K>): string | null;
  /** Brings a query value to the column's stored form (a GTIN to 14 digits). */
  normalize?: (value: string) => string;
}

/**
 * Everything that differs between master-data entities, in one place. The repository, service and
 * routes are written once against this description; each entity is read here as a short table.
 */
export interface CatalogEntity<K extends CatalogKind> {
  kind: K;
  /** Lower-case words for messages: "trading partner". */
  label: string;
  /** The URL segment: `/v1/trading-partners`. */
  pathSegment: string;
  table: CatalogTableName;
  /** The document field that is the key (`sku`, `code`, `scac`). */
  keyField: string;
  keySchema: z.ZodType<string>;
  schema: (typeof catalogEntitySchemas)[K];
  recordSchema: (typeof catalogRecordSchemas)[K];
  keyOf(doc: CatalogDocument<K>): string;
  filters: readonly CatalogFilter<K>[];
  /** The other records a document names; each must exist when the document is written. */
  references(doc: CatalogDocument<K>): Reference[];
  /** Roles (besides admin) that may create, update and import. Reading needs any role. */
  writeRoles: readonly Role[];
  csvColumns: readonly CsvColumn[];
}

const ref = (kind: CatalogKind, key: string, ...path: (string | number)[]): Reference => ({ kind, key, path });

const item: CatalogEntity<'item'> = {
  kind: 'item',
  label: 'item',
  pathSegment: 'items',
  table: 'catalog_items',
  keyField: 'sku',
  keySchema,
  schema: catalogEntitySchemas.item,
  recordSchema: catalogRecordSchemas.item,
  keyOf: (doc) => doc.sku,
  filters: [
    {
      param: 'gtin',
      column: 'gtin',
      description: 'GTIN-8, -12, -13 or -14; matches any length of the same GTIN',
      schema: gtinSchema,
      valueOf: (doc) => (doc.gtin === undefined ? null : normalizeGtin(doc.gtin)),
      normalize: normalizeGtin,
    },
    { param: 'itemClass', column: 'item_class', description: 'Item class', schema: keySchema, valueOf: (doc) => doc.itemClass },
    { param: 'status', column: 'status', description: 'Item status', schema: z.enum(itemStatuses), valueOf: (doc) => doc.status },
  ],
  references: (doc) => doc.substitutes.map((sku, i) => ref('item', sku, 'substitutes', i)),
  // Planners own assortment and status; procurement owns cost.
  writeRoles: ['integration', 'planner', 'procurement'],
  csvColumns: csvColumnsByKind.item,
};

const location: CatalogEntity<'location'> = {
  kind: 'location',
  label: 'location',
  pathSegment: 'locations',
  table: 'catalog_locations',
  keyField: 'code',
  keySchema,
  schema: catalogEntitySchemas.location,
  recordSchema: catalogRecordSchemas.location,
  keyOf: (doc) => doc.code,
  filters: [
    { param: 'type', column: 'type', description: 'Location type', schema: z.enum(locationTypes), valueOf: (doc) => doc.type },
    { param: 'region', column: 'region', description: 'Region code', schema: keySchema, valueOf: (doc) => doc.region },
  ],
  references: (doc) => (doc.tradingPartnerCode === undefined ? [] : [ref('tradingPartner', doc.tradingPartnerCode, 'tradingPartnerCode')]),
  // Warehouse leads keep cutoffs and capacity current; planners decide which locations are sellable.
  writeRoles: ['integration', 'planner', 'warehouse'],
  csvColumns: csvColumnsByKind.location,
};

const customer: CatalogEntity<'customer'> = {
  kind: 'customer',
  label: 'customer',
  pathSegment: 'customers',
  table: 'catalog_customers',
  keyField: 'code',
  keySchema,
  schema: catalogEntitySchemas.customer,
  recordSchema: catalogRecordSchemas.customer,
  keyOf: (doc) => doc.code,
  filters: [
    { param: 'tier', column: 'tier', description: 'Customer tier', schema: z.enum(customerTiers), valueOf: (doc) => doc.tier },
    {
      param: 'tradingPartnerCode',
      column: 'trading_partner_code',
      description: 'EDI trading partner code',
      schema: keySchema,
      valueOf: (doc) => doc.tradingPartnerCode ?? null,
    },
  ],
  references: (doc) => [
    ...doc.channels.map((code, i) => ref('channel', code, 'channels', i)),
    ...(doc.tradingPartnerCode === undefined ? [] : [ref('tradingPartner', doc.tradingPartnerCode, 'tradingPartnerCode')]),
    ...doc.shipTos.flatMap((shipTo, i) =>
      shipTo.locationPreference === undefined ? [] : [ref('location', shipTo.locationPreference, 'shipTos', i, 'locationPreference')],
    ),
  ],
  // Customer service maintains ship-tos and preferences; finance owns credit limits, terms and holds.
  writeRoles: ['integration', 'customer_service', 'finance'],
  csvColumns: csvColumnsByKind.customer,
};

const supplier: CatalogEntity<'supplier'> = {
  kind: 'supplier',
  label: 'supplier',
  pathSegment: 'suppliers',
  table: 'catalog_suppliers',
  keyField: 'code',
  keySchema,
  schema: catalogEntitySchemas.supplier,
  recordSchema: catalogRecordSchemas.supplier,
  keyOf: (doc) => doc.code,
  filters: [
    {
      param: 'tradingPartnerCode',
      column: 'trading_partner_code',
      description: 'EDI trading partner code',
      schema: keySchema,
      valueOf: (doc) => doc.tradingPartnerCode ?? null,
    },
  ],
  references: (doc) => (doc.tradingPartnerCode === undefined ? [] : [ref('tradingPartner', doc.tradingPartnerCode, 'tradingPartnerCode')]),
  writeRoles: ['integration', 'procurement'],
  csvColumns: csvColumnsByKind.supplier,
};

const carrier: CatalogEntity<'carrier'> = {
  kind: 'carrier',
  label: 'carrier',
  pathSegment: 'carriers',
  table: 'catalog_carriers',
  keyField: 'scac',
  keySchema: scacSchema,
  schema: catalogEntitySchemas.carrier,
  recordSchema: catalogRecordSchemas.carrier,
  keyOf: (doc) => doc.scac,
  filters: [],
  references: () => [],
  // Carrier services and transit times are shipping set-up, kept by planners and warehouse leads.
  writeRoles: ['integration', 'planner', 'warehouse'],
  csvColumns: csvColumnsByKind.carrier,
};

const tradingPartner: CatalogEntity<'tradingPartner'> = {
  kind: 'tradingPartner',
  label: 'trading partner',
  pathSegment: 'trading-partners',
  table: 'catalog_trading_partners',
  keyField: 'code',
  keySchema,
  schema: catalogEntitySchemas.tradingPartner,
  recordSchema: catalogRecordSchemas.tradingPartner,
  keyOf: (doc) => doc.code,
  filters: [
    { param: 'role', column: 'role', description: 'Partner role', schema: z.enum(tradingPartnerRoles), valueOf: (doc) => doc.role },
    {
      param: 'interchange',
      column: 'interchange_key',
      description: 'ISA qualifier and id joined by a colon, such as ZZ:ACMEFOODS',
      schema: z.string().regex(/^[A-Z0-9]{2}:[A-Za-z0-9._-]{1,15}$/, 'use QUALIFIER:ID, such as ZZ:ACMEFOODS'),
      valueOf: (doc) => `${doc.x12.interchangeIdQualifier}:${doc.x12.interchangeId}`,
    },
  ],
  references: (doc) => doc.itemCrossReferences.map((xref, i) => ref('item', xref.sku, 'itemCrossReferences', i, 'sku')),
  // EDI set-up is integration work: a wrong interchange id misroutes every document of the partner.
  writeRoles: ['integration'],
  csvColumns: csvColumnsByKind.tradingPartner,
};

const channel: CatalogEntity<'channel'> = {
  kind: 'channel',
  label: 'channel',
  pathSegment: 'channels',
  table: 'catalog_channels',
  keyField: 'code',
  keySchema,
  schema: catalogEntitySchemas.channel,
  recordSchema: catalogRecordSchemas.channel,
  keyOf: (doc) => doc.code,
  filters: [{ param: 'type', column: 'type', description: 'Channel type', schema: z.enum(channelTypes), valueOf: (doc) => doc.type }],
  references: (doc) =>
    doc.protectedAllocations.flatMap((allocation, i) =>
      allocation.sku === undefined ? [] : [ref('item', allocation.sku, 'protectedAllocations', i, 'sku')],
    ),
  // Protected allocations are a planning decision.
  writeRoles: ['integration', 'planner'],
  csvColumns: csvColumnsByKind.channel,
};

export const catalogEntities = { item, location, customer, supplier, carrier, tradingPartner, channel } as const satisfies {
  [K in CatalogKind]: CatalogEntity<K>;
};
