/**
 * The page sizes of every paged list and the header naming the next page: a module of its own,
 * importing nothing, so the CLI loads nothing else for them (the HTTP client, and with it the SSH
 * tunnel of every OpenSSH connection, would otherwise load the schema library: ~0.15 s of CPU).
 */

/** How many items a page of a list holds when the request names no `limit`. */
export const DEFAULT_PAGE_LIMIT = 100;
/** The most items one page of a list may hold. */
export const MAX_PAGE_LIMIT = 500;

/** The response header with the cursor of the next page (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'x-next-cursor';
