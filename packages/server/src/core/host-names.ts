/**
 * Which Host names a server answers for. A server that listens only on loopback is reached only
 * from this machine, by loopback names: a request naming another host there came through a name
 * that an attacker's DNS points at 127.0.0.1 (DNS rebinding), from a page in the user's browser,
 * which could then set up a fresh server as its own site admin or call its open endpoints. Such a
 * server answers only loopback names and the names it was configured with (its access URL, its
 * apps domain). A server listening on other addresses cannot know every name it is reached by
 * (proxies, load balancers), and answers any. Pure.
 */

export interface HostRule {
  /** Whether every listener is on loopback (or a unix socket). */
  readonly loopbackOnly: boolean;
  /** Hostnames besides loopback's that the server answers for, lower case, without ports. */
  readonly names: readonly string[];
}

/** The hostname of a Host header: lower case, without the port, IPv6 without brackets. */
export function hostnameOf(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('['))
    return lower.slice(1, lower.indexOf(']') === -1 ? undefined : lower.indexOf(']'));
  const colon = lower.lastIndexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/** Whether `hostname` can only mean this machine: localhost (and *.localhost), 127/8, ::1. */
export function isLoopbackName(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
    hostname === '::1'
  );
}

/** Why a request naming `host` is not for this server, or undefined when it is. */
export function hostRefusal(host: string | undefined, rule: HostRule): string | undefined {
  if (!rule.loopbackOnly) return undefined;
  // HTTP/1.0 clients (and a unix socket's) may send none: nothing was named, nothing misdirected.
  if (host === undefined || host === '') return undefined;
  const name = hostnameOf(host);
  if (isLoopbackName(name) || rule.names.some((n) => name === n || name.endsWith(`.${n}`))) return undefined;
  return `this server listens on loopback and answers for localhost, 127.0.0.1 and ::1${rule.names.length > 0 ? ` and ${rule.names.join(', ')}` : ''}, not for "${name}": reach it by one of those, or name the host with --access-url`;
}
