import type { Executor } from '../../platform/db/store.ts';
import type { SourceReport } from './availability.rules.ts';

/** Every source's last report per location; a small table (sources × locations), read whole. */
export async function readSourceReports(db: Executor): Promise<Array<SourceReport & { locationCode: string }>> {
  const rows = await db.selectFrom('inventory_freshness').selectAll().execute();
  return rows.map((row) => ({
    source: row.source,
    locationCode: row.location_code,
    lastReportAtMs: row.last_report_at,
    recentDriftUnits: row.recent_drift_units,
    recentCountedUnits: row.recent_counted_units,
  }));
}
