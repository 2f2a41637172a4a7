/**
 * Keyset paging: a page is the first `limit` rows after a cursor in a stable order. The cursor is
 * opaque to clients: base64url of a JSON array, the list's name and then the last row's sort key,
 * so a cursor of one list is refused by another and a page never depends on an offset (a row
 * created or deleted between two pages neither repeats nor hides another).
 */
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page } from '@hearth/sdk';
import type { Parsed } from './units.js';

/** Longer cursors than this were not made by this server. */
const MAX_CURSOR_LENGTH = 2048;

/** The page size a request asked for, within 1 and {@link MAX_PAGE_LIMIT}. */
export function pageLimit(limit: number | undefined): Parsed<number> {
  if (limit === undefined) return { ok: true, value: DEFAULT_PAGE_LIMIT };
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    return {
      ok: false,
      problem: `limit ${limit} is out of range: a page holds 1 to ${MAX_PAGE_LIMIT} items; ask for more pages with the cursor of the Link header`,
    };
  }
  return { ok: true, value: limit };
}

/** The cursor after a row whose sort key is `key`, in the list named `list`. */
export function encodeCursor(list: string, key: readonly string[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/** The sort key (of `arity` strings) a cursor of the list `list` holds. */
export function decodeCursor(list: string, cursor: string, arity: number): Parsed<string[]> {
  const bad: Parsed<string[]> = {
    ok: false,
    problem: `cursor is not one of this list's: pass the X-Next-Cursor (or Link) of the ${list} page before, unchanged, or leave it out for the first page`,
  };
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    return bad;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return bad;
  }
  if (
    !Array.isArray(value) ||
    value.length !== arity + 1 ||
    value[0] !== list ||
    !value.every((v) => typeof v === 'string')
  ) {
    return bad;
  }
  return { ok: true, value: value.slice(1) as string[] };
}

/**
 * The page of `rows`, read with `limit + 1` so that one more row than the page says whether there
 * is a next page; its cursor is the sort key of the page's last row.
 */
export function pageOf<T>(
  list: string,
  rows: readonly T[],
  limit: number,
  keyOf: (row: T) => readonly string[],
): Page<T> {
  if (rows.length <= limit) return { items: [...rows], nextCursor: undefined };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(list, keyOf(items[items.length - 1]!)) };
}
