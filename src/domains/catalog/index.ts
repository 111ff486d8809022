/**
 * The catalog domain: master data (items, locations, customers, suppliers, carriers, trading partners,
 * channels). Other code imports from here only.
 */
export * from './catalog.types.ts';
export { gtinSchema, hasValidGtinCheckDigit, keySchema, normalizeGtin } from './catalog.fields.ts';
export { toBaseUnits, type ToBaseUnitsResult } from './catalog.units.ts';
export { catalogEntities, type CatalogEntity, type CatalogFilter } from './catalog.entities.ts';
export { IMPORT_RECORDS_MAX, type ImportError, type ImportErrorCode, type ImportResult } from './catalog.import.ts';
export type { ImportOptions } from './catalog.import-run.ts';
export {
  createCatalogService,
  type CatalogDeps,
  type CatalogListQuery,
  type CatalogService,
  type EntityService,
  type UpdateOptions,
} from './catalog.service.ts';
export { registerCatalogRoutes } from './catalog.routes.ts';
