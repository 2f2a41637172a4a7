/**
 * Server-sent events on a hijacked reply: a named event per message, a comment every 15 s so
 * proxies keep the connection, and one cleanup when either side goes away. A stream that ends
 * because of an error (its credential revoked) says so in a last `error` event.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorAnswer } from './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Open event streams: hijacked replies that closing the server must end itself. */
    sseStreams: Set<SseStream>;
  }
}

/** Lets `app.close()` finish while clients are still following streams: they are ended first. */
export function trackSseStreams(app: FastifyInstance): void {
  app.decorate('sseStreams', new Set<SseStream>());
  app.addHook('preClose', async () => {
    for (const stream of app.sseStreams) stream.end();
  });
}

export interface SseStream {
  send(event: string, data: unknown): void;
  end(): void;
  /** Sends `error` as an `error` event (`{code, message, detail?, requestId}`) and ends the stream. */
  fail(error: unknown): void;
  /** Runs `cleanup` once when the stream ends for any reason. */
  onClose(cleanup: () => void): void;
}

export function openSse(request: FastifyRequest, reply: FastifyReply): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
  const cleanups: (() => void)[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    for (const c of cleanups) c();
    raw.end();
  };
  const ping = setInterval(() => raw.write(': ping\n\n'), 15_000);
  request.raw.on('close', close);
  const stream: SseStream = {
    send(event, data) {
      if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end: close,
    fail(error) {
      stream.send('error', { ...errorAnswer(error).body, requestId: request.id });
      close();
    },
    onClose(cleanup) {
      cleanups.push(cleanup);
    },
  };
  request.server.sseStreams.add(stream);
  cleanups.push(() => request.server.sseStreams.delete(stream));
  return stream;
}
