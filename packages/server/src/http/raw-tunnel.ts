/**
 * The raw SSH tunnel: a client that asks the tunnel route for `Upgrade: hearth-ssh` gets, once
 * authorized, a 101 and then the TCP connection itself as the SSH byte stream: no WebSocket
 * frames to build, mask, unmask and take apart on either side. `Upgrade: websocket` still works.
 *
 * The server's SSH identification waits for the client's: nothing follows the 101 until the client
 * has spoken. So a client can hand the connection itself to OpenSSH (`ProxyUseFdpass`, what
 * `hearth config-ssh` writes) right after the 101, with no byte of SSH read into its own buffers.
 */

import type { Socket } from 'node:net';
import { SSH_TUNNEL_UPGRADE } from '@hearth/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** How long the client may stay silent after the 101, as the gateway's login grace. */
const FIRST_BYTES_MS = 60_000;

/** Whether `request` is an upgrade asking for the raw tunnel. */
export function wantsRawTunnel(request: FastifyRequest): boolean {
  return request.ws && request.headers.upgrade?.toLowerCase() === SSH_TUNNEL_UPGRADE;
}

/**
 * Takes the connection from Fastify, answers 101, and hands the socket to `serve` (SSH) once the
 * client's first bytes have come, with those bytes still to read.
 */
export function acceptRawTunnel(
  request: FastifyRequest,
  reply: FastifyReply,
  serve: (socket: Socket) => void,
): void {
  reply.hijack();
  const socket = request.raw.socket;
  socket.setNoDelay(true);
  const silent = setTimeout(() => socket.destroy(), FIRST_BYTES_MS);
  silent.unref();
  socket.once('close', () => clearTimeout(silent));
  socket.once('data', (first: Buffer) => {
    clearTimeout(silent);
    // Paused, with the bytes put back: ssh2 resumes the socket once its own reader listens.
    socket.pause();
    socket.unshift(first);
    serve(socket);
  });
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SSH_TUNNEL_UPGRADE}\r\n\r\n`,
  );
}
