/**
 * The page sizes and the cursor header of every paged list: a module of its own, importing nothing,
 * so the CLI and the client load nothing else for them (paging.ts builds schemas when loaded).
 */

/** How many items a page of a list holds when the request names no `limit`. */
export const DEFAULT_PAGE_LIMIT = 100;
/** The most items one page of a list may hold. */
export const MAX_PAGE_LIMIT = 500;

/** The response header with the cursor of the next page (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'x-next-cursor';
