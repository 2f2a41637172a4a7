/**
 * Browser sessions. The dashboard signs in with `POST /auth/login` (or `/setup`) carrying
 * {@link BROWSER_CLIENT_HEADER}: the server then keeps the session in an HttpOnly cookie instead of
 * answering the token. Every request the dashboard makes carries the header too: a request
 * authenticated by the cookie that changes anything must have it (a cross-site form cannot set
 * one), and one whose Origin or Sec-Fetch-Site says another site made it is refused.
 */
export const BROWSER_CLIENT_HEADER = 'x-hearth-client';
export const BROWSER_CLIENT_VALUE = 'web';
