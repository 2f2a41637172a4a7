/**
 * HTTP requests for TCP URLs and for `unix:///path/to.sock` (how workspaces reach their server
 * without container networking). A call answered whole (every JSON call) goes over node:net
 * (`net-request.ts`); a stream (SSE) over node:http, and https over node:https, each loaded on
 * first use. Not the global fetch: Node loads undici on its first use, which costs a short-lived
 * CLI command more than everything else it does (bench/cli-start.js), and fetch cannot dial a
 * socket path.
 */
import type { IncomingMessage, RequestOptions } from 'node:http';
import { isUnixUrl, type Reply, type RequestInit } from './http.js';
import { netRequest } from './net-request.js';

/**
 * Sends `init` to `url` (absolute, http: or https:), or on the socket of `baseUrl` when that is a
 * `unix://` URL. Rejects with the socket's error (or an AbortError) when no answer comes.
 */
export async function httpRequest(baseUrl: string, url: string, init: RequestInit): Promise<Reply> {
  const target = new URL(url);
  const path = `${target.pathname}${target.search}`;
  const streams = init.headers.accept === 'text/event-stream';
  if (!streams && target.protocol !== 'https:') {
    const headers = { ...init.headers, host: isUnixUrl(baseUrl) ? 'localhost' : target.host };
    const endpoint = isUnixUrl(baseUrl)
      ? { path: baseUrl.slice('unix://'.length) }
      : { host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 80) };
    return netRequest(endpoint, path, { ...init, headers });
  }
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const options: RequestOptions = {
    method: init.method,
    path,
    headers,
    ...(init.signal ? { signal: init.signal } : {}),
  };
  const { request: send } =
    target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  if (isUnixUrl(baseUrl)) {
    options.socketPath = baseUrl.slice('unix://'.length);
    headers.host = 'localhost';
  } else {
    options.hostname = target.hostname.replace(/^\[|\]$/g, '');
    options.port = target.port;
  }
  return new Promise((resolve, reject) => {
    const req = send(options, (res) => resolve(toReply(res)));
    req.on('error', reject);
    req.end(init.body);
  });
}

function toReply(res: IncomingMessage): Reply {
  const status = res.statusCode ?? 502;
  const empty = status === 204 || status === 304;
  // Nothing to read: drain it, so the socket is free again.
  if (empty) res.resume();
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: res.statusMessage ?? '',
    header(name) {
      const value = res.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    async text() {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    body: empty ? null : res,
  };
}
