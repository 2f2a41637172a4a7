/**
 * The store's last line: no statement may bind `Infinity`, `-Infinity` or `NaN`. SQLite would keep
 * them as REAL ±Inf (or NULL), and every later read of that row would break views and arithmetic
 * for everyone. Validation refuses such input long before; this makes the promise hold for any path.
 * It checks the bound parameters of each statement, a flat list, so it costs next to nothing.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

function check(parameters: ReadonlyArray<unknown>): ReadonlyArray<unknown> {
  for (const value of parameters)
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new Error(`refusing to store the non-finite number ${value}`);
  return parameters;
}

/** `database` with every statement's parameters checked before it runs. */
export function finiteNumbersOnly(database: SqliteDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = database.prepare(sql);
      return {
        reader: statement.reader,
        all: (parameters) => statement.all(check(parameters)),
        run: (parameters) => statement.run(check(parameters)),
        iterate: (parameters) => statement.iterate(check(parameters)),
      };
    },
  };
}
