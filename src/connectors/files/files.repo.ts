import type { Insertable } from 'kysely';
import type { Executor } from '../../platform/db/store.ts';
import type { FileIntakeRow } from './files.tables.ts';

/** SQL only: the record of files taken. */

export const insertIntake = async (db: Executor, row: Insertable<FileIntakeRow>): Promise<void> => {
  await db.insertInto('file_intake').values(row).execute();
};

/** Per folder and outcome: how many files, and when the latest finished. */
export const outcomeStats = (db: Executor) =>
  db
    .selectFrom('file_intake')
    .select(['folder', 'outcome', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('finished_at').as('last_at')])
    .groupBy(['folder', 'outcome'])
    .execute();

export const lastFailure = (db: Executor, folder: string) =>
  db
    .selectFrom('file_intake')
    .select(['file_name', 'outcome', 'first_problem', 'finished_at'])
    .where('folder', '=', folder)
    .where('outcome', '!=', 'processed')
    .orderBy('finished_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
