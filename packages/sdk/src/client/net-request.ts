/**
 * A request/response call over a plain `node:net` connection (TCP, or the unix socket of a
 * workspace), spoken by `http1.ts`: what the Node client sends every JSON call with. node:http
 * and its agent, parser and streams cost a short-lived CLI command a good part of its start-up
 * (bench/cli-start.js), for features a call that reads one answer whole does not use. Streams
 * (SSE) and https still go through node:http (`request.ts`).
 */
import { connect, type Socket } from 'node:net';
import type { Reply, RequestInit } from './http.js';
import { ResponseReader, requestHead } from './http1.js';

/** Where to connect: a TCP host and port, or a unix socket's path. */
export type Endpoint = { readonly host: string; readonly port: number } | { readonly path: string };

/** The error node:http rejects with when the caller's signal fires. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}

/**
 * Sends `init` for `path` (with its query) to `endpoint` and resolves with the answer once its head
 * has come; its `text()` resolves once the body has. Rejects with the socket's error (connection
 * refused, …), node's `socket hang up` for a connection closed before an answer, a parse error for
 * one that is not HTTP, or an AbortError when `init.signal` fires.
 */
export function netRequest(endpoint: Endpoint, path: string, init: RequestInit): Promise<Reply> {
  const signal = init.signal;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  let head: string;
  try {
    head = requestHead(init.method, path, init.headers, body?.length);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const reader = new ResponseReader(init.method);
    let settleBody: { resolve: (b: Buffer) => void; reject: (e: unknown) => void } | undefined;
    const bodyDone = new Promise<Buffer>((res, rej) => {
      settleBody = { resolve: res, reject: rej };
    });
    // A body nobody reads must not fail the process as an unhandled rejection.
    bodyDone.catch(() => undefined);
    let answered = false;
    const socket: Socket = connect(endpoint);
    const fail = (err: unknown) => {
      socket.destroy();
      signal?.removeEventListener('abort', onAbort);
      if (answered) settleBody?.reject(err);
      else reject(err);
    };
    const onAbort = () => fail(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const progress = () => {
      if (!answered && reader.head !== undefined) {
        answered = true;
        resolve(toReply(reader.head, bodyDone));
      }
      if (reader.done) {
        socket.destroy();
        signal?.removeEventListener('abort', onAbort);
        settleBody?.resolve(reader.body());
      }
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
        progress();
      } catch (err) {
        fail(err);
      }
    });
    socket.on('end', () => {
      try {
        reader.end();
        progress();
      } catch (err) {
        fail(err);
      }
    });
    socket.on('error', fail);
    socket.on('close', () => {
      if (!reader.done) fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    socket.write(head, 'latin1');
    if (body !== undefined && body.length > 0) socket.write(body);
  });
}

function toReply(head: NonNullable<ResponseReader['head']>, body: Promise<Buffer>): Reply {
  return {
    ok: head.status >= 200 && head.status < 300,
    status: head.status,
    statusText: head.statusText,
    header: (name) => head.headers.get(name) ?? null,
    text: async () => (await body).toString('utf8'),
    body: null,
  };
}
