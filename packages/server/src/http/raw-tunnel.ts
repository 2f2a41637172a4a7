/**
 * The raw SSH tunnel: a client that asks the tunnel route for `Upgrade: hearth-ssh` gets, once
 * authorized, a 101 and then the TCP connection itself as the SSH byte stream: no WebSocket
 * frames to build, mask, unmask and take apart on either side. `Upgrade: websocket` still works.
 */

import type { Socket } from 'node:net';
import { SSH_TUNNEL_UPGRADE } from '@hearth/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Whether `request` is an upgrade asking for the raw tunnel. */
export function wantsRawTunnel(request: FastifyRequest): boolean {
  return request.ws && request.headers.upgrade?.toLowerCase() === SSH_TUNNEL_UPGRADE;
}

/** Takes the connection from Fastify, answers 101 and returns the socket for SSH. */
export function acceptRawTunnel(request: FastifyRequest, reply: FastifyReply): Socket {
  reply.hijack();
  const socket = request.raw.socket;
  socket.setNoDelay(true);
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${SSH_TUNNEL_UPGRADE}\r\n\r\n`,
  );
  return socket;
}
