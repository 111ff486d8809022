/** Filled in by the catalog domain. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CatalogTables {}
