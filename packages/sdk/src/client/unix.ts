/**
 * HTTP over a unix socket for server URLs written `unix:///path/to.sock` (how workspaces reach
 * their server without container networking). Node's global fetch cannot dial a socket path
 * without undici's Agent, so this speaks node:http and answers a standard {@link Response}.
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';

import { type Fetcher, isUnixUrl } from './http.js';

/** A {@link Fetcher} for `baseUrl`: global fetch, or node:http on the socket of a `unix://` URL. */
export function nodeFetcher(baseUrl: string): Fetcher {
  if (!isUnixUrl(baseUrl)) return (url, init) => fetch(url, init);
  return (url, init) => {
    const { pathname, search } = new URL(url);
    return unixFetch(baseUrl, `${pathname}${search}`, init);
  };
}

/** Sends `init` to `pathAndQuery` on the socket named by `baseUrl`. */
function unixFetch(baseUrl: string, pathAndQuery: string, init: Parameters<Fetcher>[1]): Promise<Response> {
  const socketPath = baseUrl.slice('unix://'.length);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: pathAndQuery,
        method: init.method,
        headers: { ...init.headers, host: 'localhost' },
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (res) => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        const status = res.statusCode ?? 502;
        const body =
          status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
