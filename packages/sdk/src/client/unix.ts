/**
 * HTTP over a unix socket for server URLs written `unix:///path/to.sock` (how workspaces reach
 * their server without container networking). Node's global fetch cannot dial a socket path
 * without undici's Agent, so this speaks node:http and answers a standard {@link Response}.
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';

export const isUnixUrl = (baseUrl: string): boolean => baseUrl.startsWith('unix://');

/** Sends `init` to `pathAndQuery` on the socket named by `baseUrl`. */
export function unixFetch(
  baseUrl: string,
  pathAndQuery: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
): Promise<Response> {
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
