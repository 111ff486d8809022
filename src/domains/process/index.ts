/**
 * Process intelligence (DESIGN §9): every domain event logged as an object-centric (OCEL 2.0) event,
 * the distributor KPIs of docs/kpis.md computed from it and kept current as events arrive, the
 * process map of any object type, and the log's export as OCEL 2.0 JSON. Other code imports from here only.
 */
export * from './process.types.ts';
export { createProcessService, type ProcessDeps, type ProcessService, type TimelineEntry } from './process.service.ts';
export type { SnapshotOutcome } from './snapshot-keeper.ts';
export { registerProcessRoutes } from './process.routes.ts';
export { eventMappings, mapEvent, type MappingContext, type SourceEnvelope } from './mapping.rules.ts';
export { CompactLog, kindCode } from './compact-log.ts';
export { FactStore, foldLog } from './facts.rules.ts';
export { computeKpis, kpiDefinitions } from './kpi.rules.ts';
export { computeProcessMap, processMapOfLog } from './process-map.rules.ts';
export type { ProcessTables } from './process.tables.ts';
