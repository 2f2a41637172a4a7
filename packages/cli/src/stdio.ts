/**
 * `hearth ssh --stdio NAME`: relays one SSH connection between stdin/stdout and the workspace's
 * tunnel. OpenSSH starts it for every connection (the ProxyCommand of `hearth config-ssh`), so its
 * start-up time is every connection's time to first byte: the fast path ({@link fastStdio}) is a
 * bundle of its own (dist/hearth-ssh-stdio.cjs, which the launcher runs) that loads only the session
 * and the tunnel (not the API client, nor the `ws` package), and anything unusual (a refusal,
 * `--start`, a usage error) falls back to the full command tree, which reports it.
 */
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openSshTunnel } from '@hearth/sdk/tunnel';
import { readSession, resolveTarget, USER_AGENT } from './config.js';
import { expectsPassedConnection, passable, passConnection } from './ssh-fdpass.js';
import { parseWorkspaceRef } from './workspace-ref.js';

/**
 * Copies stdin to the tunnel and the tunnel to stdout until the tunnel ends; or, when OpenSSH
 * waits for the connection itself (ssh-fdpass.ts), passes it over and is done.
 */
export async function relay(tunnel: Duplex): Promise<void> {
  if (expectsPassedConnection()) {
    await passConnection(tunnel);
    // The descriptor is in ssh's hands; it waits for this process to exit before it goes on.
    process.exit(0);
  }
  const down = pipeline(tunnel, process.stdout).catch(() => undefined);
  process.stdin.pipe(tunnel);
  await down;
  process.stdin.unpipe(tunnel);
  process.stdin.pause();
}

/**
 * Relays for exactly `hearth ssh --stdio NAME` when the tunnel opens; resolves false (having done
 * nothing visible) for any other command line or any failure, for the full CLI to handle.
 */
export async function fastStdio(argv: readonly string[]): Promise<boolean> {
  const args = argv.slice(2);
  if (args.length !== 3 || args[0] !== 'ssh' || args[1] !== '--stdio') return false;
  let tunnel: Duplex;
  try {
    const ref = parseWorkspaceRef(args[2]!);
    const target = resolveTarget(await readSession());
    const transport = { baseUrl: target.url, token: target.token, userAgent: USER_AGENT };
    tunnel = await openSshTunnel(transport, ref.owner, ref.name);
  } catch {
    return false;
  }
  if (expectsPassedConnection() && !passable(tunnel)) {
    tunnel.destroy();
    return false;
  }
  await relay(tunnel);
  return true;
}
