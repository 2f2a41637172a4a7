/**
 * What every statement passes through on either driver, below Kysely: its parameters are checked
 * (finite-numbers.ts; on PostgreSQL also made storable, dialect.ts) and a unique violation becomes
 * the domain error it means (unique-violations.ts).
 */
import type { PostgresPool, PostgresPoolClient, SqliteDatabase, SqliteStatement } from 'kysely';
import { postgresParameters } from './dialect.js';
import { finiteParameters } from './finite-numbers.js';
import { asDomainError } from './unique-violations.js';

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asDomainError(error);
  }
}

/** better-sqlite3's `database`, guarded. */
export function guardSqlite(database: SqliteDatabase): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = database.prepare(sql);
      return {
        reader: statement.reader,
        all: (parameters) => guard(() => statement.all(finiteParameters(parameters))),
        run: (parameters) => guard(() => statement.run(finiteParameters(parameters))),
        iterate: (parameters) => statement.iterate(finiteParameters(parameters)),
      };
    },
  };
}

/** A `pg` pool whose connections are guarded. */
export function guardPostgres(pool: PostgresPool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        release: (destroy) => client.release(destroy),
        // Kysely passes a cursor only when the dialect is given one; ours is not.
        query: (async (sql: string, parameters: ReadonlyArray<unknown>) => {
          const checked = postgresParameters(finiteParameters(parameters));
          try {
            return await client.query(sql, checked);
          } catch (error) {
            throw asDomainError(error);
          }
        }) as PostgresPoolClient['query'],
      };
    },
  };
}
