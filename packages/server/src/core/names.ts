/**
 * Names users choose (workspaces, usernames, orgs, tokens) are DNS labels, so they can become
 * hostnames and container names unchanged.
 */
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns why `value` is not a valid name of the given kind, or `undefined` when it is. */
export function nameProblem(kind: string, value: string): string | undefined {
  if (DNS_LABEL.test(value)) return undefined;
  const hint = 'use 1-63 lowercase letters, digits or "-", starting with a letter and not ending with "-"';
  if (value.length === 0) return `${kind} name is empty: ${hint}`;
  if (value.length > 63)
    return `${kind} name "${value.slice(0, 20)}…" is ${value.length} characters long: ${hint}`;
  return `${kind} name "${value}" is not a DNS label: ${hint}`;
}

/**
 * Usernames that mean something else where a username goes: `me` is the caller in every
 * `/users/{user}/…` route, and `system` is how automation signs what it does (build initiator,
 * state reasons). A user of either name would be unreachable or mistaken for something else.
 */
const RESERVED_USERNAMES: ReadonlySet<string> = new Set(['me', 'system']);

/** Returns why `value` cannot be a username, or `undefined` when it can. */
export function usernameProblem(value: string): string | undefined {
  if (RESERVED_USERNAMES.has(value))
    return `user name "${value}" is reserved (it stands for ${value === 'me' ? 'the caller in the API' : 'automation'}): choose another`;
  return nameProblem('user', value);
}

// Printable, no spaces, one @ with text on both sides; the domain is dot-separated labels, none empty.
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@.\p{Cc}]+(\.[^\s@.\p{Cc}]+)*$/u;

/** Returns why `value` is not an email address (no control characters, no spaces), or `undefined`. */
export function emailProblem(value: string): string | undefined {
  if (EMAIL.test(value)) return undefined;
  return `email ${JSON.stringify(value)} is not an email address: write it like name@example.com (no spaces or control characters)`;
}
