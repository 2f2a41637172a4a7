/**
 * The page sizes of every paged list: a module of its own, importing nothing, so the CLI loads
 * nothing else for them.
 */

/** How many items a page of a list holds when the request names no `limit`. */
export const DEFAULT_PAGE_LIMIT = 100;
/** The most items one page of a list may hold. */
export const MAX_PAGE_LIMIT = 500;
