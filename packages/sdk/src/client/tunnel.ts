import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { errorFromResponse, unreachableError } from './errors.js';
import type { ExecTarget } from './exec.js';

/**
 * A zero masking key, which both ends skip. Masking protects proxies from payloads a script in a
 * browser chose; the tunnel carries SSH ciphertext, which nobody can choose, and unmasking every
 * byte in JavaScript was the largest single cost of an SSH transfer on the server.
 */
const unmasked = (mask: Buffer): void => {
  mask.fill(0);
};

/**
 * Opens a byte tunnel over a WebSocket (the SSH tunnel) and resolves with it as a stream once the
 * server has accepted it. A refusal (401, 404, 409…) rejects with the server's error.
 */
export function openTunnel(target: ExecTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target.url, {
      headers: target.headers,
      perMessageDeflate: false,
      generateMask: unmasked,
    });
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        reject(
          errorFromResponse(res.statusCode ?? 0, res.statusMessage ?? '', Buffer.concat(chunks).toString()),
        ),
      );
      res.on('error', (err) => reject(unreachableError(target.serverUrl, err)));
    });
    ws.once('error', (err) => reject(unreachableError(target.serverUrl, err)));
    ws.once('open', () => {
      ws.removeAllListeners('error');
      resolve(createWebSocketStream(ws));
    });
  });
}
