/**
 * A paged list's request as a service reads it: the page size and the sort key the page starts
 * after, or the 400 that says what was wrong (`invalid_input` for the limit, `invalid_cursor`).
 */
import { decodeCursor, pageLimit } from './core/paging.js';
import { HearthError, unwrap } from './errors.js';

export interface PageRequest {
  readonly limit: number;
  /** The sort key of the row before the page; undefined for the first page. */
  readonly after: string[] | undefined;
}

/** Reads `?limit=` and `?cursor=` of the list `list`, whose sort key has `arity` parts. */
export function pageRequest(
  list: string,
  query: { limit?: number; cursor?: string },
  arity: number,
): PageRequest {
  const limit = unwrap(pageLimit(query.limit), 'limit');
  if (query.cursor === undefined) return { limit, after: undefined };
  const key = decodeCursor(list, query.cursor, arity);
  if (!key.ok) throw new HearthError('invalid_cursor', key.problem, { field: 'cursor' });
  return { limit, after: key.value };
}
