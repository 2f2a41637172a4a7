/**
 * What every repository takes: the database or an open transaction (see ../transaction.ts).
 *
 * Conventions every repository keeps, so the same queries run on SQLite and PostgreSQL:
 * - portable SQL through Kysely's builder only; upserts are `ON CONFLICT`, which both have;
 * - timestamps are ISO-8601 UTC text, compared and ordered as text; booleans are integers 0/1;
 * - counts and sums go through `Number()`: PostgreSQL's driver answers bigint and numeric as
 *   strings; `numUpdatedRows`/`numDeletedRows` are bigints on every dialect;
 * - no `IN ()` with an empty list (SQLite accepts it, PostgreSQL refuses): a function that may
 *   get one answers empty first; the others are called with fixed, non-empty lists only;
 * - ORDER BY on text compares bytes on SQLite; PostgreSQL follows the database's collation, so
 *   orders match only in a database created with `C` collation.
 * Each repository's header lists what it relies on beyond these, or says there is nothing.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../schema.js';

/** Anything queries can run on: the database or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * One page of a keyset-paged read: at most `limit` rows whose key is greater than `after` (from
 * the first when undefined), in key order. The key's `>` and its ORDER BY use the same collation
 * on each dialect, so pages neither skip nor repeat rows, whatever the database's collation.
 */
export interface KeysetPage {
  readonly after: string | undefined;
  readonly limit: number;
}
