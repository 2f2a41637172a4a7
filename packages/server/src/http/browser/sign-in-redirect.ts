/**
 * A person, not a program, who opens an app URL without being signed in arrives at the app
 * sign-in route (`/apps/auth`) as a browser navigation. They get the dashboard's sign-in page,
 * which brings them back to the same route afterwards (and from there to the app), rather than a
 * 401 in JSON. Programs (a bearer token, or no `text/html` in Accept) keep the JSON answer.
 */
import { API_PREFIX, SIGN_IN_NEXT } from '@hearth/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer, errorHandler } from '../errors.js';

const isBrowserNavigation = (request: FastifyRequest): boolean =>
  request.headers.authorization === undefined &&
  (request.headers['sec-fetch-mode'] ?? 'navigate') === 'navigate' &&
  (request.headers.accept ?? '').includes('text/html');

/** A route error handler: unauthenticated browser navigations go to sign-in; all else as usual. */
export function signInFirst(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (
    errorAnswer(error).status !== 401 ||
    !isBrowserNavigation(request) ||
    !request.url.startsWith(API_PREFIX)
  ) {
    errorHandler(error, request, reply);
    return;
  }
  void reply
    .header('cache-control', 'no-store')
    .redirect(`/?${new URLSearchParams({ [SIGN_IN_NEXT]: request.url })}`, 302);
}
