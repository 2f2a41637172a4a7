/**
 * What the PostgreSQL driver returns differently from SQLite, mapped in this one place so that
 * repositories and services see the same values on both: the schema keeps timestamps as ISO-8601
 * text and booleans as 0/1 integers, so only what PostgreSQL computes needs mapping here.
 *
 * - `bigint` (byte sizes, `count(*)`, `sum(integer)`) and `numeric` (`sum(bigint)`) arrive as
 *   strings from `pg`; SQLite gives numbers. They become numbers, and a value a JavaScript number
 *   cannot hold exactly is an error rather than a silently different number.
 * - `boolean` (a comparison selected as a value) becomes 1 or 0, as SQLite computes it.
 * - `timestamp`/`timestamptz` (none is stored; only if computed) become the ISO strings SQLite rows hold.
 *
 * And one thing PostgreSQL cannot take: a NUL character in text (SQLite keeps it). A build log may
 * hold one, and a request may send one (a login name); it is stored and compared as U+FFFD instead,
 * so the log is kept and the lookup finds what SQLite would, rather than the statement failing.
 */
import type Pg from 'pg';
import { lazyPackage } from '../lazy-package.js';

const pg = lazyPackage<typeof Pg>('pg');

const OID = { bool: 16, int8: 20, numeric: 1700, timestamp: 1114, timestamptz: 1184 } as const;

function exactNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)))
    throw new Error(`the database returned ${text}, which a JavaScript number cannot hold exactly`);
  return value;
}

const PARSERS: Record<number, (text: string) => unknown> = {
  [OID.bool]: (text) => (text === 't' ? 1 : 0),
  [OID.int8]: exactNumber,
  [OID.numeric]: exactNumber,
  [OID.timestamp]: (text) => new Date(`${text.replace(' ', 'T')}Z`).toISOString(),
  [OID.timestamptz]: (text) => new Date(text).toISOString(),
};

/** The `types` option of a `pg` pool: SQLite's values for what PostgreSQL returns differently. */
export const postgresTypes: Pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PARSERS[oid]
      ? PARSERS[oid]
      : pg().types.getTypeParser(oid, format)) as Pg.CustomTypesConfig['getTypeParser'],
};

/** Statement parameters as PostgreSQL can take them: NUL in text becomes U+FFFD. */
export function postgresParameters(parameters: ReadonlyArray<unknown>): ReadonlyArray<unknown> {
  return parameters.some((p) => typeof p === 'string' && p.includes('\u0000'))
    ? parameters.map((p) => (typeof p === 'string' ? p.replaceAll('\u0000', '\uFFFD') : p))
    : parameters;
}
