/**
 * Browser sessions. The dashboard signs in with `POST /auth/login` (or `/setup`) carrying
 * {@link BROWSER_CLIENT_HEADER}: the server then keeps the session in an HttpOnly cookie instead of
 * answering the token. Every request the dashboard makes carries the header too: a request
 * authenticated by the cookie that changes anything must have it (a cross-site form cannot set
 * one), and one whose Origin or Sec-Fetch-Site says another site made it is refused.
 */
import { API_PREFIX, paths } from '../routes.js';

export const BROWSER_CLIENT_HEADER = 'x-hearth-client';
export const BROWSER_CLIENT_VALUE = 'web';

/**
 * The dashboard's query parameter naming where to go once signed in: `/?next=PATH`. The server
 * sends a browser that is not signed in there from the app sign-in route (`/apps/auth`).
 */
export const SIGN_IN_NEXT = 'next';

/**
 * Where the dashboard may send the browser after sign-in, from `next`: only back to the app
 * sign-in route on this origin (which checks its own redirect), so no link can make the
 * dashboard an open redirect. `undefined` for anything else.
 */
export function signInReturnPath(next: string | null | undefined): string | undefined {
  const route = `${API_PREFIX}${paths.appsAuth()}?`;
  return next?.startsWith(route) && !next.includes('\\') ? next : undefined;
}
