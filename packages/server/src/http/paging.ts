/**
 * Paged lists over HTTP: the body stays the page's array (clients of the unpaged lists keep
 * working), and the headers say where the next page is.
 */
import { NEXT_CURSOR_HEADER, type Page } from '@hearth/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The page's items, with `Link: <…?cursor=…>; rel="next"` and `X-Next-Cursor` when there is a next page. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: Page<T>): T[] {
  if (page.nextCursor !== undefined) {
    const url = new URL(request.url, 'http://hearth.invalid');
    url.searchParams.set('cursor', page.nextCursor);
    void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
    void reply.header(NEXT_CURSOR_HEADER, page.nextCursor);
  }
  return page.items;
}
