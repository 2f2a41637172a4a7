/** The name rule lives in the SDK, so the dashboard checks names exactly as the server does. */
import { addressNameProblem, nameProblem } from '@hearth/sdk';

export { addressNameProblem, nameProblem };

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
  return addressNameProblem('user', value);
}

// Printable, no spaces, one @ with text on both sides; the domain is dot-separated labels, none empty.
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@.\p{Cc}]+(\.[^\s@.\p{Cc}]+)*$/u;

/** Returns why `value` is not an email address (no control characters, no spaces), or `undefined`. */
export function emailProblem(value: string): string | undefined {
  if (EMAIL.test(value)) return undefined;
  return `email ${JSON.stringify(value)} is not an email address: write it like name@example.com (no spaces or control characters)`;
}
