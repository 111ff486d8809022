import { z } from 'zod';
import {
  countrySchema,
  currencySchema,
  duplicateIndexes,
  gtinSchema,
  keySchema,
  localTimeSchema,
  moneyMinorSchema,
  nameSchema,
  timeZoneSchema,
  unitCodeSchema,
} from './catalog.fields.ts';

/**
 * The canonical master data (DESIGN §4). Each entity has one zod schema that is at once the
 * validator, the TypeScript type and, through `z.toJSONSchema`, the published JSON Schema.
 *
 * Each entity is written as a strict object `...Shape` (unknown fields are refused, naming the field)
 * plus cross-field rules in `...Schema`. The shape is kept apart because zod refuses to extend an
 * object that carries refinements, and the stored record (document plus version and times) extends
 * the shape.
 */

const addIssue = (ctx: z.RefinementCtx, path: (string | number)[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

// ---------------------------------------------------------------- item

export const itemStatuses = ['active', 'inactive', 'discontinued'] as const;

export const packSizeSchema = z
  .object({
    unit: unitCodeSchema,
    /** How many base units one pack holds; a pack of one base unit is the base unit itself. */
    quantity: z.number().int().min(2).max(1_000_000),
  })
  .strict();

export const itemShape = z
  .object({
    sku: keySchema,
    gtin: gtinSchema.optional(),
    description: z.string().trim().min(1).max(500),
    baseUnit: unitCodeSchema.default('EA'),
    packSizes: z.array(packSizeSchema).max(20).default([]),
    itemClass: keySchema,
    status: z.enum(itemStatuses).default('active'),
    unitCostMinor: moneyMinorSchema,
    listPriceMinor: moneyMinorSchema,
    currency: currencySchema.default('USD'),
    weightKg: z.number().positive().max(100_000).optional(),
    /** SKUs that may replace this one when it is short, in order of preference. */
    substitutes: z.array(keySchema).max(20).default([]),
  })
  .strict();

export const itemSchema = itemShape.superRefine((item, ctx) => {
  item.packSizes.forEach((pack, i) => {
    if (pack.unit === item.baseUnit) addIssue(ctx, ['packSizes', i, 'unit'], `pack unit ${pack.unit} is the base unit`);
  });
  for (const i of duplicateIndexes(item.packSizes.map((p) => p.unit))) {
    addIssue(ctx, ['packSizes', i, 'unit'], `pack unit ${item.packSizes[i]!.unit} is listed twice`);
  }
  item.substitutes.forEach((sku, i) => {
    if (sku === item.sku) addIssue(ctx, ['substitutes', i], 'an item cannot substitute for itself');
  });
  for (const i of duplicateIndexes(item.substitutes)) addIssue(ctx, ['substitutes', i], `substitute ${item.substitutes[i]} is listed twice`);
});
export type Item = z.infer<typeof itemSchema>;

// ---------------------------------------------------------------- location

export const locationTypes = ['warehouse', 'third_party', 'store', 'in_transit'] as const;
export const postingModes = ['realtime', 'batch'] as const;

export const coordinatesSchema = z
  .object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
  })
  .strict();

export const locationShape = z
  .object({
    code: keySchema,
    name: nameSchema,
    type: z.enum(locationTypes),
    region: keySchema,
    coordinates: coordinatesSchema.optional(),
    /** The system that posts this location's inventory (a WMS, a 3PL feed, a store POS). */
    sourceSystem: keySchema,
    postingMode: z.enum(postingModes).default('realtime'),
    /** How often a batch source posts; freshness is judged against it. Only for batch sources. */
    postingIntervalMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
    dailyCapacityLines: z.number().int().min(0).optional(),
    cutoffLocalTime: localTimeSchema,
    timezone: timeZoneSchema,
    allowNegativeOnHand: z.boolean().default(false),
    sellable: z.boolean().default(true),
    /** The trading partner (a 3PL) that operates the location: releases go to it as 940s, its 945s confirm them. */
    tradingPartnerCode: keySchema.optional(),
  })
  .strict();

export const locationSchema = locationShape.superRefine((location, ctx) => {
  if (location.postingMode === 'batch' && location.postingIntervalMinutes === undefined) {
    addIssue(ctx, ['postingIntervalMinutes'], 'required when postingMode is batch');
  }
  if (location.postingMode === 'realtime' && location.postingIntervalMinutes !== undefined) {
    addIssue(ctx, ['postingIntervalMinutes'], 'only batch sources have a posting interval');
  }
});
export type Location = z.infer<typeof locationSchema>;

// ---------------------------------------------------------------- customer

export const customerTiers = ['strategic', 'key', 'standard', 'occasional'] as const;
/** The shipping service level promised to the customer. */
export const serviceLevels = ['standard', 'expedited', 'premium'] as const;

export const addressSchema = z
  .object({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().min(1).max(200).optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    country: countrySchema,
  })
  .strict();

export const shipToSchema = z
  .object({
    code: keySchema,
    name: nameSchema,
    address: addressSchema,
    /** The location this ship-to prefers to be served from, when sourcing has a choice. */
    locationPreference: keySchema.optional(),
    /** Where the ship-to is: a promise date is kept until the end of that day there (IANA name). */
    timezone: timeZoneSchema.optional(),
  })
  .strict();

export const customerShape = z
  .object({
    code: keySchema,
    name: nameSchema,
    tier: z.enum(customerTiers).default('standard'),
    /** Channel codes the customer orders through. */
    channels: z.array(keySchema).min(1).max(20),
    creditLimitMinor: moneyMinorSchema,
    currency: currencySchema.default('USD'),
    paymentTermsDays: z.number().int().min(0).max(365),
    serviceLevel: z.enum(serviceLevels).default('standard'),
    acceptsSplits: z.boolean().default(true),
    /** Substitutions change what the customer receives, so they are opt-in. */
    acceptsSubstitutions: z.boolean().default(false),
    acceptsBackorders: z.boolean().default(true),
    tradingPartnerCode: keySchema.optional(),
    /** The ERP's own credit hold flag; the hub holds orders while it is set. */
    erpCreditHold: z.boolean().default(false),
    /** Open receivables as the ERP last reported them, plus the hub's invoices less its credit memos since; negative when the customer has unapplied credit. */
    openReceivablesMinor: z.number().int().default(0),
    shipTos: z.array(shipToSchema).min(1).max(1_000),
  })
  .strict();

export const customerSchema = customerShape.superRefine((customer, ctx) => {
  for (const i of duplicateIndexes(customer.channels)) addIssue(ctx, ['channels', i], `channel ${customer.channels[i]} is listed twice`);
  for (const i of duplicateIndexes(customer.shipTos.map((s) => s.code))) {
    addIssue(ctx, ['shipTos', i, 'code'], `ship-to code ${customer.shipTos[i]!.code} is used twice`);
  }
});
export type Customer = z.infer<typeof customerSchema>;

// ---------------------------------------------------------------- supplier

export const supplierShape = z
  .object({
    code: keySchema,
    name: nameSchema,
    /** Lead time from purchase order to receipt: its mean and standard deviation, in days. */
    leadTimeDaysMean: z.number().positive().max(365),
    leadTimeDaysStdDev: z.number().min(0).max(365),
    tradingPartnerCode: keySchema.optional(),
    currency: currencySchema.default('USD'),
  })
  .strict();

export const supplierSchema = supplierShape;
export type Supplier = z.infer<typeof supplierSchema>;

// ---------------------------------------------------------------- carrier

export const scacSchema = z.string().trim().regex(/^[A-Z]{2,4}$/, 'a SCAC is 2–4 upper-case letters');

export const carrierServiceSchema = z
  .object({
    code: keySchema,
    name: nameSchema,
    transitDays: z.number().int().min(0).max(60),
  })
  .strict();

export const carrierShape = z
  .object({
    scac: scacSchema,
    name: nameSchema,
    services: z.array(carrierServiceSchema).max(100).default([]),
  })
  .strict();

export const carrierSchema = carrierShape.superRefine((carrier, ctx) => {
  for (const i of duplicateIndexes(carrier.services.map((s) => s.code))) {
    addIssue(ctx, ['services', i, 'code'], `service code ${carrier.services[i]!.code} is used twice`);
  }
});
export type Carrier = z.infer<typeof carrierSchema>;

// ---------------------------------------------------------------- trading partner

export const tradingPartnerRoles = ['customer', 'supplier', 'third_party_logistics'] as const;
export const x12Versions = ['004010', '005010'] as const;
/** Transaction sets a partner can exchange; acknowledgements (997, 999, TA1) are set by policy instead. */
export const x12Documents = ['810', '846', '850', '855', '856', '940', '944', '945'] as const;
export type X12Document = (typeof x12Documents)[number];
export const acknowledgementPolicies = ['none', '997', '999'] as const;

/** Characters allowed in interchange and group ids: never a delimiter an X12 envelope could use. */
const x12IdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,15}$/, 'use 1–15 letters, digits, ".", "_" or "-"');

export const x12ProfileSchema = z
  .object({
    /** ISA05/ISA07, such as ZZ (mutually defined), 01 (DUNS) or 12 (phone). */
    interchangeIdQualifier: z.string().trim().regex(/^[A-Z0-9]{2}$/, 'two letters or digits, such as ZZ or 01'),
    interchangeId: x12IdSchema,
    /** GS02/GS03 application code. */
    groupId: x12IdSchema,
    version: z.enum(x12Versions),
    documents: z.array(z.enum(x12Documents)).min(1),
    acknowledgement: z.enum(acknowledgementPolicies).default('997'),
    /** ISA15: production or test data. */
    usageIndicator: z.enum(['P', 'T']).default('P'),
    /**
     * Where the partner's clock is (IANA name): the times in its documents that carry no time code
     * are wall-clock times there. Without it, UTC.
     */
    timezone: timeZoneSchema.optional(),
  })
  .strict();

export const itemCrossReferenceSchema = z
  .object({
    partnerItem: z.string().trim().min(1).max(48).optional(),
    gtin: gtinSchema.optional(),
    sku: keySchema,
  })
  .strict();

export const unitMappingSchema = z
  .object({
    /** The unit as the partner sends it (an X12 unit code such as CS). */
    partnerUnit: unitCodeSchema,
    unit: unitCodeSchema,
  })
  .strict();

export const tradingPartnerShape = z
  .object({
    code: keySchema,
    name: nameSchema,
    role: z.enum(tradingPartnerRoles),
    x12: x12ProfileSchema,
    itemCrossReferences: z.array(itemCrossReferenceSchema).max(100_000).default([]),
    unitMappings: z.array(unitMappingSchema).max(100).default([]),
  })
  .strict();

export const tradingPartnerSchema = tradingPartnerShape.superRefine((partner, ctx) => {
  const { x12 } = partner;
  for (const i of duplicateIndexes(x12.documents)) addIssue(ctx, ['x12', 'documents', i], `document ${x12.documents[i]} is listed twice`);
  // The 999 implementation acknowledgement exists from 005010 on; 004010 partners get a 997.
  if (x12.acknowledgement === '999' && x12.version !== '005010') {
    addIssue(ctx, ['x12', 'acknowledgement'], '999 acknowledgements need X12 version 005010');
  }
  partner.itemCrossReferences.forEach((ref, i) => {
    if (ref.partnerItem === undefined && ref.gtin === undefined) {
      addIssue(ctx, ['itemCrossReferences', i], 'give partnerItem, gtin or both');
    }
  });
  const partnerItems = partner.itemCrossReferences.map((ref) => ref.partnerItem);
  for (const i of duplicateIndexes(partnerItems)) {
    if (partnerItems[i] !== undefined) addIssue(ctx, ['itemCrossReferences', i, 'partnerItem'], `partner item ${partnerItems[i]} is mapped twice`);
  }
  for (const i of duplicateIndexes(partner.unitMappings.map((m) => m.partnerUnit))) {
    addIssue(ctx, ['unitMappings', i, 'partnerUnit'], `partner unit ${partner.unitMappings[i]!.partnerUnit} is mapped twice`);
  }
});
export type TradingPartner = z.infer<typeof tradingPartnerSchema>;

// ---------------------------------------------------------------- channel

export const channelTypes = ['edi', 'web_store', 'b2b_portal', 'inside_sales', 'marketplace'] as const;

/**
 * Stock held back for a channel: for one SKU or a whole item class, either a share of on hand or a
 * fixed quantity in base units. ATP for other channels is reduced by it.
 */
export const protectedAllocationSchema = z
  .object({
    sku: keySchema.optional(),
    itemClass: keySchema.optional(),
    sharePercent: z.number().min(0).max(100).optional(),
    quantity: z.number().int().min(0).optional(),
  })
  .strict();

export const channelShape = z
  .object({
    code: keySchema,
    name: nameSchema,
    type: z.enum(channelTypes),
    protectedAllocations: z.array(protectedAllocationSchema).max(1_000).default([]),
  })
  .strict();

export const channelSchema = channelShape.superRefine((channel, ctx) => {
  channel.protectedAllocations.forEach((allocation, i) => {
    if ((allocation.sku === undefined) === (allocation.itemClass === undefined)) {
      addIssue(ctx, ['protectedAllocations', i], 'give exactly one of sku or itemClass');
    }
    if ((allocation.sharePercent === undefined) === (allocation.quantity === undefined)) {
      addIssue(ctx, ['protectedAllocations', i], 'give exactly one of sharePercent or quantity');
    }
  });
  const targets = channel.protectedAllocations.map((a) => (a.sku !== undefined ? `sku ${a.sku}` : `item class ${a.itemClass}`));
  for (const i of duplicateIndexes(targets)) addIssue(ctx, ['protectedAllocations', i], `${targets[i]} is protected twice`);
});
export type Channel = z.infer<typeof channelSchema>;

// ---------------------------------------------------------------- all entities

/** Every master-data schema by entity name; `/v1/schemas` publishes them as JSON Schema. */
export const catalogEntitySchemas = {
  item: itemSchema,
  location: locationSchema,
  customer: customerSchema,
  supplier: supplierSchema,
  carrier: carrierSchema,
  tradingPartner: tradingPartnerSchema,
  channel: channelSchema,
} as const;

export type CatalogKind = keyof typeof catalogEntitySchemas;
export const catalogKinds = Object.keys(catalogEntitySchemas) as CatalogKind[];

/** The validated document of each kind. */
export type CatalogDocument<K extends CatalogKind> = z.infer<(typeof catalogEntitySchemas)[K]>;
/** What a caller may send: defaults not yet applied. */
export type CatalogInput<K extends CatalogKind> = z.input<(typeof catalogEntitySchemas)[K]>;

/** Bookkeeping added to every stored document. */
export const recordMetaShape = {
  /** Starts at 1 and grows by one with every change; send it back in If-Match to update safely. */
  version: z.number().int().min(1),
  createdAt: z.string(),
  updatedAt: z.string(),
};
export type RecordMeta = { version: number; createdAt: string; updatedAt: string };
export type CatalogRecord<K extends CatalogKind> = CatalogDocument<K> & RecordMeta;

/** Response schemas: the document plus its metadata. Cross-field rules are not re-checked on output. */
export const catalogRecordSchemas = {
  item: itemShape.extend(recordMetaShape),
  location: locationShape.extend(recordMetaShape),
  customer: customerShape.extend(recordMetaShape),
  supplier: supplierShape.extend(recordMetaShape),
  carrier: carrierShape.extend(recordMetaShape),
  tradingPartner: tradingPartnerShape.extend(recordMetaShape),
  channel: channelShape.extend(recordMetaShape),
} as const;
