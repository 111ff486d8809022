/**
 * Row types of the master-data tables. Every table keeps the validated document as JSON in `data`
 * and copies a few of its fields into indexed columns so lists can filter without parsing JSON.
 * The copies are written from the document on every write and are never edited on their own.
 */
export interface CatalogRowBase {
  /** The entity's business key (SKU, location code, SCAC...). */
  key: string;
  /** JSON of the validated document. */
  data: string;
  /** 1 on creation, +1 on every change. */
  version: number;
  /** Epoch milliseconds from the injected clock. */
  created_at: number;
  updated_at: number;
}

export interface ItemRow extends CatalogRowBase {
  /** The GTIN in its 14-digit form, so a GTIN-12 and its GTIN-14 find the same item. */
  gtin: string | null;
  item_class: string;
  status: string;
}

export interface LocationRow extends CatalogRowBase {
  type: string;
  region: string;
}

export interface CustomerRow extends CatalogRowBase {
  tier: string;
  trading_partner_code: string | null;
}

export interface SupplierRow extends CatalogRowBase {
  trading_partner_code: string | null;
}

export type CarrierRow = CatalogRowBase;

export interface TradingPartnerRow extends CatalogRowBase {
  role: string;
  /** ISA qualifier and id joined as `ZZ:ACME`, which is how an inbound interchange names its sender. */
  interchange_key: string;
}

export interface ChannelRow extends CatalogRowBase {
  type: string;
}

export interface CatalogTables {
  catalog_items: ItemRow;
  catalog_locations: LocationRow;
  catalog_customers: CustomerRow;
  catalog_suppliers: SupplierRow;
  catalog_carriers: CarrierRow;
  catalog_trading_partners: TradingPartnerRow;
  catalog_channels: ChannelRow;
}

export type CatalogTableName = keyof CatalogTables;
