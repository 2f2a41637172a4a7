/**
 * An HTTP/1.1 upgrade over a plain `node:net` connection, spoken by `http1.ts`: how the SSH tunnel
 * asks a server on http: for `Upgrade: hearth-ssh`. OpenSSH starts `hearth ssh --stdio` for every
 * connection, and a node:http client request (its agent, parser and streams) cost that process
 * about 6 ms of CPU of some 40 before it could hand the connection to ssh (bench/ssh.js).
 */
import { connect, type Socket } from 'node:net';
import { HttpParseError, MAX_HEAD_BYTES, ResponseReader, requestHead } from './http1.js';
import type { Endpoint } from './net-request.js';

/** The server's answer to an upgrade: the switched connection, or the answer it gave instead, whole. */
export type UpgradeAnswer =
  | { readonly upgraded: true; readonly socket: Socket }
  | {
      readonly upgraded: false;
      readonly status: number;
      readonly statusText: string;
      readonly headers: ReadonlyMap<string, string>;
      readonly body: string;
    };

const SWITCHING = /^HTTP\/1\.[01] 101[ \r]/;

/**
 * Sends a GET for `path` to `endpoint` asking for an upgrade (`headers` names the protocol in its
 * `upgrade` header) and resolves with the answer. On a 101 the socket is paused, with any bytes that
 * came after the head put back to be read first. Rejects with the socket's error (connection
 * refused, …), `socket hang up` for a connection closed before an answer, or a parse error.
 */
export function upgradeOverNet(
  endpoint: Endpoint,
  path: string,
  headers: Readonly<Record<string, string>>,
): Promise<UpgradeAnswer> {
  let head: string;
  try {
    head = requestHead('GET', path, headers, undefined, 'Upgrade');
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const socket = connect(endpoint);
    let received: Buffer = Buffer.alloc(0);
    // Set once the answer is no 101: from then on it is read as any answer is.
    let reader: ResponseReader | undefined;
    const fail = (err: unknown) => {
      socket.destroy();
      reject(err);
    };
    const settleRefusal = (r: ResponseReader) => {
      if (!r.done || r.head === undefined) return;
      socket.destroy();
      const { status, statusText, headers: answered } = r.head;
      resolve({ upgraded: false, status, statusText, headers: answered, body: r.body().toString('utf8') });
    };
    const onData = (chunk: Buffer) => {
      try {
        if (reader !== undefined) {
          reader.push(chunk);
          return settleRefusal(reader);
        }
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) {
          if (received.length > MAX_HEAD_BYTES)
            throw new HttpParseError('HPE_HEADER_OVERFLOW', 'Header overflow');
          return;
        }
        if (SWITCHING.test(received.subarray(0, end + 2).toString('latin1'))) {
          socket.pause();
          socket.off('data', onData);
          socket.off('end', onEnd);
          socket.off('error', fail);
          socket.off('close', onClose);
          const rest = received.subarray(end + 4);
          if (rest.length > 0) socket.unshift(rest);
          return resolve({ upgraded: true, socket });
        }
        reader = new ResponseReader('GET');
        reader.push(received);
        settleRefusal(reader);
      } catch (err) {
        fail(err);
      }
    };
    const onEnd = () => {
      try {
        if (reader === undefined) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        reader.end();
        settleRefusal(reader);
      } catch (err) {
        fail(err);
      }
    };
    const onClose = () => fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', fail);
    socket.on('close', onClose);
    socket.write(head, 'latin1');
  });
}
