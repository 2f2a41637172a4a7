/**
 * Multi-row inserts whose SQL text is built once: Kysely builds and compiles a statement's tree
 * anew on every call, which for 100 rows of 20 columns costs more than SQLite's work on them. The
 * text depends only on the table, the columns, the number of rows and the dialect's placeholders,
 * so it is kept by those and run with each call's values.
 *
 * Dialect differences: the placeholders (`?` on SQLite, `$n` on PostgreSQL) are part of the key.
 */
import { CompiledQuery, type Insertable } from 'kysely';
import type { DB } from '../schema.js';
import type { Executor } from './executor.js';

/** Statements kept: a few tables times a few batch sizes; each is a few KB. */
const MAX_KEPT = 64;
const kept = new Map<string, string>();

/**
 * Inserts `rows` (all with the same columns, in the same order) in one statement whose text is
 * compiled once per table, columns, row count and dialect.
 */
export async function insertRows<T extends keyof DB & string>(
  db: Executor,
  table: T,
  rows: readonly Insertable<DB[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  for (const row of rows)
    if (Object.keys(row).join() !== columns.join())
      throw new Error(`every row inserted into ${table} at once needs the columns ${columns.join(', ')}`);
  const placeholders = db
    .selectNoFrom((eb) => eb.val(0).as('x'))
    .compile()
    .sql.includes('$1')
    ? '$n'
    : '?';
  const key = `${table} ${placeholders} ${rows.length} ${columns.join()}`;
  let text = kept.get(key);
  if (text === undefined) {
    text = db
      .insertInto(table)
      .values(rows as never)
      .compile().sql;
    if (kept.size >= MAX_KEPT) kept.clear();
    kept.set(key, text);
  }
  const values = rows.flatMap((row) => columns.map((c) => (row as Record<string, unknown>)[c]));
  await db.executeQuery(CompiledQuery.raw(text, values));
}
