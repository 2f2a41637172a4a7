/**
 * One proxied request as a pass-through: the browser's request head (as the proxy rewrote its
 * headers) and body go straight onto a pooled connection to the app, and the app's response is
 * read once by the SDK's HTTP/1.1 reader (status line and headers, for what the proxy must drop
 * or check; the body as it comes: Content-Length, chunked, or to the end of the connection) and
 * handed to the browser's response. No HTTP client request or response object is built per request:
 * at one connection, every request is a round trip through the server, and that was most of the
 * server's CPU for it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ResponseHead, ResponseReader } from '@hearth/sdk/http1';
import { appSetCookie } from './app-cookies.js';
import type { ConnectionUser, UpstreamConnection, UpstreamPool } from './upstream-pool.js';

/** Headers that describe one hop, not the message (RFC 9110 §7.6.1). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
]);

/**
 * Sends `req` to the app over a connection of `pool`, its headers replaced by `headers` (name,
 * value…, without framing: the body's is added here), and relays the app's answer to `res`,
 * streaming (a server-sent event reaches the browser as it is sent). `failed` answers the browser
 * when nothing came back from the app (no connection, or a connection lost before the head); once
 * the head was sent a failure can only cut the response short.
 */
export function exchange(
  pool: UpstreamPool,
  req: IncomingMessage,
  res: ServerResponse,
  headers: readonly string[],
  failed: (error: Error) => void,
): void {
  const chunked = req.headers['transfer-encoding'] !== undefined;
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  // Node's parser took the request's chunks apart; they are framed afresh for the app.
  head += chunked ? 'transfer-encoding: chunked\r\n\r\n' : '\r\n';
  let connection: UpstreamConnection | undefined;
  let settled = false;
  let sent = !hasBody(req);

  const settle = (reusable: boolean) => {
    if (settled) return false;
    settled = true;
    if (connection) pool.release(connection, reusable);
    return true;
  };
  const fail = (error: Error) => {
    if (!settle(false)) return;
    if (!res.headersSent) failed(error);
    else res.destroy();
  };
  const reader = new ResponseReader(req.method ?? 'GET', {
    head: (h) => {
      res.writeHead(h.status, h.statusText || undefined, responseHeaders(h));
      // A stream of unknown length (server-sent events) shows its headers at the end of this turn,
      // not with its first event; a body that came with them (sized or not) goes out with them in
      // one write.
      if (!h.sized)
        setImmediate(() => {
          if (!res.headersSent && !res.destroyed) res.flushHeaders();
        });
    },
    body: (chunk) => {
      if (!res.write(chunk) && connection) {
        const socket = connection.socket;
        socket.pause();
        res.once('drain', () => socket.resume());
      }
    },
  });
  const done = () => {
    if (!reader.done || settled) return;
    res.end();
    settle(reader.reusable && sent);
  };
  const user: ConnectionUser = {
    data(chunk) {
      // What one chunk of the app's answer brings (the head, a piece of the body, the end) leaves
      // in one write to the browser: a small response is one packet and one wake-up for it.
      res.cork();
      try {
        reader.push(chunk);
      } catch (error) {
        res.uncork();
        return fail(error as Error);
      }
      done();
      res.uncork();
    },
    end() {
      try {
        reader.end();
      } catch (error) {
        return fail(error as Error);
      }
      done();
    },
    closed: fail,
  };
  // The browser went away: the app's answer has nowhere to go, and the connection is mid-message.
  res.once('close', () => settle(false));

  const send = (c: UpstreamConnection) => {
    connection = c;
    if (settled) return void pool.release(c, false);
    const socket = c.socket;
    socket.write(head, 'latin1');
    if (sent) return;
    req.on('data', (chunk: Buffer) => {
      const ok = chunked
        ? socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n')
        : socket.write(chunk);
      if (!ok) {
        req.pause();
        socket.once('drain', () => req.resume());
      }
    });
    req.once('end', () => {
      if (chunked) socket.write('0\r\n\r\n');
      sent = true;
      done();
    });
  };
  // A warm pool lends in this turn; a new connection (or a wait for one) takes longer.
  const idle = pool.take(user);
  if (idle) send(idle);
  else pool.lease(user).then(send, fail);
}

/** Whether a request carries a body: only Content-Length or Transfer-Encoding say so (RFC 9112 §6). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * The app's response headers for the browser, as name, value…: hop-by-hop headers dropped, the
 * rest as the app sent them. A Content-Length beside a transfer coding (which wins) is dropped
 * too: the browser's response is framed afresh.
 */
function responseHeaders(head: ResponseHead): string[] {
  const raw = head.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const lower = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(lower) || (lower === 'content-length' && !head.sized)) continue;
    if (lower === 'set-cookie') {
      // Host-only, and never one of Hearth's: an app's cookie stays on its own host.
      const cookie = appSetCookie(raw[i + 1]!);
      if (cookie !== undefined) out.push(raw[i]!, cookie);
      continue;
    }
    out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}
