import { Type } from '@sinclair/typebox';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, NEXT_CURSOR_HEADER } from './page-limits.js';

export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, NEXT_CURSOR_HEADER } from './page-limits.js';

/** The query parameters of every paged list. */
export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({
      description: `Items per page: 1 to ${MAX_PAGE_LIMIT}, ${DEFAULT_PAGE_LIMIT} when absent.`,
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      description: `Where the page starts: the \`${NEXT_CURSOR_HEADER}\` header of the page before (opaque).`,
    }),
  ),
};

/** The response headers of a paged list: where the next page is, when there is one. */
export const PageHeaders = {
  link: Type.String({
    description: 'RFC 8288 `<…?cursor=…>; rel="next"`: the URL of the next page; absent on the last page.',
  }),
  [NEXT_CURSOR_HEADER]: Type.String({
    description: 'The cursor of the next page, for `?cursor=`; absent on the last page.',
  }),
};

/** One page of a list and the cursor of the next one (undefined on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | undefined;
}
