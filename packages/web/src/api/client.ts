/** The one API client of the dashboard: same origin, the session cookie, the dashboard's header. */
import {
  BROWSER_CLIENT_HEADER,
  BROWSER_CLIENT_VALUE,
  HearthApiClient,
  HearthApiError,
} from '@hearth/sdk/browser';

export const api = new HearthApiClient({
  url: window.location.origin,
  userAgent: '',
  headers: { [BROWSER_CLIENT_HEADER]: BROWSER_CLIENT_VALUE },
});

/** The server did not answer at all (down, restarting, network gone). */
export const isUnreachable = (err: unknown): boolean =>
  err instanceof HearthApiError ? err.status === 0 : err instanceof TypeError;

/** The session is gone: signed out, expired, revoked, or the user suspended. */
export const isSignedOut = (err: unknown): boolean =>
  err instanceof HearthApiError && (err.status === 401 || err.code === 'user_suspended');

/**
 * Asking again may get another answer: the server failed or was busy. A 4xx says what is wrong with
 * the request and would say it again (a 404 retried kept "Loading…" on screen for seconds); an
 * unreachable server is followed by the connection banner instead.
 */
export const isTransient = (err: unknown): boolean =>
  err instanceof HearthApiError && (err.status >= 500 || err.status === 429);

export const isNotFound = (err: unknown): boolean => err instanceof HearthApiError && err.status === 404;
