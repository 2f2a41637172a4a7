/**
 * Reaching app origins from tests: every request goes to the server's own loopback address with
 * the app host in the Host header (what a browser does for `*.localhost`, and `curl --resolve`).
 */
import { type IncomingHttpHeaders, request } from 'node:http';
import type { Readable } from 'node:stream';

export interface AppAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** `url` (an app URL such as `http://8080--api--bob.localhost:PORT/x`) as host + path. */
export const hostAndPath = (url: string) => {
  const u = new URL(url);
  return { host: u.host, path: `${u.pathname}${u.search}` };
};

export function appRequest(
  serverUrl: string,
  url: string,
  options: {
    cookie?: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | Readable;
  } = {},
): Promise<AppAnswer & { stream?: undefined }> {
  const { port } = new URL(serverUrl);
  const { host, path } = hostAndPath(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host, ...(options.cookie ? { cookie: options.cookie } : {}), ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body && !Buffer.isBuffer(body)) body.pipe(req);
    else req.end(body);
  });
}

/**
 * Signs in on the app host of `appUrl` as a browser would: the main origin's `/apps/auth` (here
 * with the bearer token a CLI holds) redirects with a ticket, which the app host turns into its
 * cookie. Returns the `Cookie` header value, or the status that refused it.
 */
export async function signIn(
  serverUrl: string,
  token: string,
  appUrl: string,
): Promise<{ cookie?: string; status: number }> {
  const auth = await fetch(`${serverUrl}/api/v1/apps/auth?redirect=${encodeURIComponent(appUrl)}`, {
    headers: { authorization: `Bearer ${token}` },
    redirect: 'manual',
  });
  if (auth.status !== 302) return { status: auth.status };
  const location = auth.headers.get('location')!;
  const exchanged = await appRequest(serverUrl, location);
  const setCookie = exchanged.headers['set-cookie']?.[0];
  if (exchanged.status !== 302 || !setCookie) return { status: exchanged.status };
  return { cookie: setCookie.split(';')[0]!, status: 302 };
}
