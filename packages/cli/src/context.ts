/** How a command gets a client: the stored session, overridden by HEARTH_URL and HEARTH_TOKEN. */
import { HearthClient } from '@hearth/sdk/client';
import { readSession, resolveTarget, type Target, USER_AGENT } from './config.js';

/** A client for the configured server; throws "You are not logged in…" without one. */
export async function connect(): Promise<{ client: HearthClient; target: Target }> {
  const target = resolveTarget(await readSession());
  return {
    client: new HearthClient({ url: target.url, token: target.token, userAgent: USER_AGENT }),
    target,
  };
}

/** A client without credentials, for `setup` and `login`. */
export function anonymousClient(url: string, token?: string): HearthClient {
  return new HearthClient({ url, token, userAgent: USER_AGENT });
}
