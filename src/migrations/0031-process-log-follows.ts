import type { StoreMigration } from '../platform/db/migrator.ts';

/**
 * The process log no longer takes a delivery per event: it follows the outbox feed by its own cursor
 * (`process_cursor`). Its deliveries are dropped, whatever their status. Nothing is lost: the log's
 * cursor never moves past an event it failed to take in (a page is logged and the cursor moved in one
 * transaction), so an event whose delivery was pending or dead lies after the cursor, and the
 * follower takes it in.
 */
export const processLogFollowsMigration: StoreMigration = {
  name: '0031-process-log-follows',
  async up(db) {
    await db.deleteFrom('outbox_deliveries').where('subscriber', '=', 'process.log').execute();
  },
};
