/**
 * Browser sessions in an HttpOnly, SameSite=Lax cookie: sign-in (login or setup) from the
 * dashboard sets it and answers no token to the page; sign-out clears it (the session token is
 * revoked by the logout route as for any token).
 *
 * Lax rather than Strict for one navigation: an app origin (another site, `*.localhost` beside
 * `127.0.0.1`) sends the browser to the app sign-in route, a top-level GET that must see the
 * session. Every other cookie request from another site is refused by the cross-site guard.
 */
import { API_PREFIX, BROWSER_CLIENT_HEADER, BROWSER_CLIENT_VALUE, paths } from '@hearth/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HearthError } from '../../errors.js';
import { crossSiteRefusal } from './cross-site.js';

export const SESSION_COOKIE = 'hearth_session';
const SIGN_IN = new Set([API_PREFIX + paths.login(), API_PREFIX + paths.setup()]);
const SIGN_OUT = API_PREFIX + paths.logout();
const APP_SIGN_IN = API_PREFIX + paths.appsAuth();

/** The app sign-in, reached by a top-level navigation from an app origin: it only issues a
 * one-time ticket for an app the caller may open, sent to that app's host, so the guard's
 * same-origin rule does not apply to it. */
const isAppSignIn = (request: FastifyRequest): boolean =>
  request.method === 'GET' &&
  request.url.split('?')[0] === APP_SIGN_IN &&
  (request.headers['sec-fetch-mode'] ?? 'navigate') === 'navigate';

/** The session token in the request's cookie, after the cross-site guard; undefined when none. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (!token) return undefined;
  const refusal = isAppSignIn(request) ? undefined : crossSiteRefusal(request);
  if (refusal) {
    throw new HearthError(
      'forbidden',
      `cross-site request refused: ${refusal}; use the dashboard itself, or send a bearer token`,
    );
  }
  return token;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The cookie, living as long as the session it carries (`expires` ISO 8601; the epoch clears it). */
function cookie(request: FastifyRequest, value: string, expires: string): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  const until = new Date(expires).toUTCString();
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; Expires=${until}; HttpOnly; SameSite=Lax${secure}`;
}

const EPOCH = new Date(0).toISOString();

const fromDashboard = (request: FastifyRequest): boolean =>
  request.headers[BROWSER_CLIENT_HEADER] === BROWSER_CLIENT_VALUE;

/** Shared on purpose (fastify-plugin): it watches the sign-in and sign-out routes of the API. */
export const browserSessions = fp(async (app: FastifyInstance) => {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const route = request.routeOptions.url ?? '';
    const ok = reply.statusCode >= 200 && reply.statusCode < 300;
    if (route === SIGN_OUT && (ok || reply.statusCode === 401))
      void reply.header('set-cookie', cookie(request, '', EPOCH));
    const signIn = request.method === 'POST' && SIGN_IN.has(route);
    if (!ok || !signIn || !fromDashboard(request) || typeof payload !== 'string') return payload;
    const session = JSON.parse(payload) as { token: string; expiresAt: string };
    void reply.header('set-cookie', cookie(request, session.token, session.expiresAt));
    // The page never holds the token: a script injected into it could not take the session away.
    return JSON.stringify({ ...session, token: '' });
  });
});
