/**
 * Handing the tunnel's connection to OpenSSH (`ProxyUseFdpass yes`, which `hearth config-ssh`
 * writes for a server reached over plain HTTP). OpenSSH then starts the ProxyCommand with one Unix
 * socket as its stdin and stdout and waits for a connected socket passed over it; the
 * ProxyCommand sets NODE_CHANNEL_FD=1, so node makes that socket its IPC channel and
 * `process.send` can pass a handle on it (a one-byte-or-more message with the descriptor attached,
 * which is what OpenSSH reads). The relay process then exits: every byte flows between ssh and the
 * server with no process in between, and no CPU spent copying it.
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CliError } from './errors.js';

/** Whether OpenSSH started this process expecting a connection passed back (an IPC channel is open). */
export const expectsPassedConnection = (): boolean => typeof process.send === 'function';

/**
 * Whether `tunnel` can be handed over: a raw tunnel on plain TCP (a TLS socket is `encrypted`;
 * checked so, node's tls module is not loaded) with nothing read ahead.
 */
export const passable = (tunnel: Duplex): tunnel is Socket =>
  tunnel instanceof Socket && !('encrypted' in tunnel) && tunnel.readableLength === 0;

/**
 * Passes `tunnel`'s socket to OpenSSH and resolves once it has gone. Only a raw tunnel over plain
 * TCP can go: its bytes are the SSH stream as they are, and the server sends none of them before
 * ssh has spoken, so nothing is left in this process's buffers.
 */
export function passConnection(tunnel: Duplex): Promise<void> {
  if (!passable(tunnel)) {
    tunnel.destroy();
    return Promise.reject(
      new CliError(
        'this ssh entry hands the connection to ssh (ProxyUseFdpass), which needs the raw tunnel over plain HTTP from a server that lets ssh speak first; this server is older than the CLI (it offers only the WebSocket tunnel, or sent SSH bytes with its 101)',
        { hints: ['run `hearth config-ssh --no-fdpass` to write entries that relay the connection instead'] },
      ),
    );
  }
  tunnel.pause();
  return new Promise((resolve, reject) => {
    process.send?.('hearth-ssh', tunnel, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}
