/**
 * The cross-site request guard for requests authenticated by the session cookie (a bearer token
 * cannot be sent by another site, so it needs none). Pure: it reads only the request's headers.
 */
import { BROWSER_CLIENT_HEADER, BROWSER_CLIENT_VALUE } from '@hearth/sdk';

export interface RequestFacts {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const header = (facts: RequestFacts, name: string): string | undefined => {
  const value = facts.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Why a cookie-authenticated request must be refused, or undefined when it came from the dashboard. */
export function crossSiteRefusal(facts: RequestFacts): string | undefined {
  const site = header(facts, 'sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') return `the browser says another site sent it (${site})`;
  const origin = header(facts, 'origin');
  if (origin !== undefined && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return `its Origin "${origin}" is not a URL`;
    }
    if (host !== header(facts, 'host')) return `it came from ${origin}`;
  } else if (origin === 'null') return 'it came from an opaque origin';
  if (
    !SAFE.has(facts.method.toUpperCase()) &&
    header(facts, BROWSER_CLIENT_HEADER) !== BROWSER_CLIENT_VALUE
  ) {
    return `it lacks the ${BROWSER_CLIENT_HEADER} header the dashboard sends`;
  }
  return undefined;
}
