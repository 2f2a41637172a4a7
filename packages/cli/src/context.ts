/** How a command gets a client: the stored session, overridden by HEARTH_URL and HEARTH_TOKEN. */
import type { HearthClient } from '@hearth/sdk/client';
import { readSession, resolveTarget, type Target, USER_AGENT } from './config.js';

/** A client for the configured server; throws "You are not logged in…" without one. */
export async function connect(): Promise<{ client: HearthClient; target: Target }> {
  const target = resolveTarget(await readSession());
  return { client: await anonymousClient(target.url, target.token), target };
}

/**
 * A client for `url`, for `setup` and `login` (which have no session yet). The client is loaded
 * here, on first use, so that `--help`, `--version` and usage errors never pay for it.
 */
export async function anonymousClient(url: string, token?: string): Promise<HearthClient> {
  const { HearthClient } = await import('@hearth/sdk/client');
  return new HearthClient({ url, token, userAgent: USER_AGENT });
}
