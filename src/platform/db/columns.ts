import type { CreateTableBuilder } from 'kysely';
import type { StoreKind } from './store.ts';

/**
 * Column helpers for migrations that must run on both stores. Times are epoch milliseconds in
 * `bigint`; JSON documents are text (the application validates them); flags are 0/1 integers so
 * both stores read them the same way.
 */
export function withSequencePrimaryKey<T extends string>(
  builder: CreateTableBuilder<T, never>,
  column: string,
  kind: StoreKind,
): CreateTableBuilder<T, never> {
  return kind === 'postgres'
    ? (builder.addColumn(column, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity()) as CreateTableBuilder<T, never>)
    : (builder.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement()) as CreateTableBuilder<T, never>);
}
