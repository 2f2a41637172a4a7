/**
 * What crosses the app proxy in each direction where Hearth's credentials and cookies are
 * concerned. Every app host is its own origin, but its cookies could still reach past it: an
 * app's `Set-Cookie: …; Domain=<apps domain>` would land in every other user's app (a session or
 * CSRF cookie fixed from outside, Hearth's own sign-in cookie shadowed), and a client's Hearth
 * credentials sent to an app host would reach the app's owner. Pure: header values in, out.
 */
import { SESSION_COOKIE } from '../http/browser/session-cookie.js';
import { APP_COOKIE } from './app-sessions.js';

/** Cookies the app never sees: Hearth's app session and the dashboard's. */
const HEARTH_COOKIES: ReadonlySet<string> = new Set([APP_COOKIE, SESSION_COOKIE]);

/** The name in one `name=value` part of a Cookie or Set-Cookie header. */
const nameOf = (part: string): string => part.split('=')[0]?.trim() ?? '';

/** A request's Cookie header without Hearth's cookies ('' when nothing else is left). */
export function withoutHearthCookies(value: string): string {
  if (![...HEARTH_COOKIES].some((name) => value.includes(name))) return value.trim();
  return value
    .split(';')
    .filter((part) => !HEARTH_COOKIES.has(nameOf(part)))
    .join(';')
    .trim();
}

/** Whether an Authorization header carries a Hearth token (`Bearer hth_…`), which the app must not get. */
export const isHearthAuthorization = (value: string): boolean => /^\s*bearer\s+hth_/i.test(value);

/**
 * An app's Set-Cookie as the browser gets it: host-only (any `Domain` attribute removed, so the
 * cookie stays on this app's host), or undefined when it would set one of Hearth's own cookies.
 */
export function appSetCookie(value: string): string | undefined {
  const parts = value.split(';');
  if (HEARTH_COOKIES.has(nameOf(parts[0] ?? ''))) return undefined;
  const kept = parts.filter((part, i) => i === 0 || nameOf(part).toLowerCase() !== 'domain');
  return kept.length === parts.length ? value : kept.join(';');
}

/**
 * Where the sign-in sends the browser on its own host: `path` when it is a path of this host, else
 * `/`. Not `//host` nor `/\host` (browsers read both as another host), nothing with a control
 * character (a header could not carry it).
 */
export function signInPath(path: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (!path.startsWith('/') || /^\/[/\\]/.test(path) || /[\u0000-\u001f\u007f\\]/.test(path)) return '/';
  return path;
}
