import { NEXT_CURSOR_HEADER } from '../api/page-limits.js';
import type { Page } from '../api/paging.js';
import { API_PREFIX } from '../routes.js';
import {
  connectionLostError,
  errorFromResponse,
  HearthApiError,
  isAbortError,
  isErrorBody,
  unreachableError,
} from './errors.js';
import { readSse, type SseMessage } from './sse.js';

/** What the client reads of an answer: the part of a fetch `Response` it needs. */
export interface Reply {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  /** A response header's value (`name` in lowercase), or null when there is none. */
  header(name: string): string | null;
  /** The whole body as text. */
  text(): Promise<string>;
  /** The body as bytes; leaving the loop early closes the connection. Null when there is none. */
  readonly body: AsyncIterable<Uint8Array> | null;
}

/** One request as a {@link Fetcher} receives it. */
export interface RequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/**
 * What a request is sent with: the browser's fetch ({@link browserFetcher}), or in Node a request
 * over node:http that can also dial a unix socket (`request.ts`).
 */
export type Fetcher = (url: string, init: RequestInit) => Promise<Reply>;

/** The global fetch, its answer read as a {@link Reply}. */
export const browserFetcher: Fetcher = async (url, init) => {
  const res = await fetch(url, init);
  const stream = res.body;
  return {
    ok: res.ok,
    status: res.status,
    statusText: res.statusText,
    header: (name) => res.headers.get(name),
    text: () => res.text(),
    body: stream ? chunksOf(stream) : null,
  };
};

async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Leaving early (a consumer's break) cancels the request.
    await reader.cancel().catch(() => undefined);
  }
}

/** Where and as whom: what every request and stream of one client carries. */
export interface Credentials {
  /** Server base URL without the API prefix, e.g. `http://127.0.0.1:7080`. */
  baseUrl: string;
  token: string | undefined;
  /** Empty in a browser, which sets its own. */
  userAgent: string;
  /** Headers sent with every request (the dashboard's cross-site request guard). */
  headers?: Record<string, string> | undefined;
}

/** Connection settings shared by every request of one client. */
export interface Transport extends Credentials {
  fetch: Fetcher;
}

export const isUnixUrl = (baseUrl: string): boolean => baseUrl.startsWith('unix://');

/** One request: method, path under the API prefix, optional query, JSON body and abort signal. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  accept?: string;
  signal?: AbortSignal | undefined;
}

/** The full URL of an API path, with the query's defined values. */
export function apiUrl(baseUrl: string, path: string, query?: RequestSpec['query']): string {
  // A unix socket URL has no host to put the path after: resolve against a placeholder.
  const base = isUnixUrl(baseUrl) ? 'http://localhost' : baseUrl.replace(/\/+$/, '');
  const url = new URL(`${base}${API_PREFIX}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/** Headers every request carries: auth and user agent. */
export function baseHeaders(t: Credentials): Record<string, string> {
  const headers: Record<string, string> = { ...t.headers };
  if (t.userAgent) headers['user-agent'] = t.userAgent;
  if (t.token) headers.authorization = `Bearer ${t.token}`;
  return headers;
}

/** Sends a request; resolves with the response when it is 2xx, else throws {@link HearthApiError}. */
export async function send(t: Transport, spec: RequestSpec): Promise<Reply> {
  const headers = baseHeaders(t);
  headers.accept = spec.accept ?? 'application/json';
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  let res: Reply;
  const init = {
    method: spec.method,
    headers,
    ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
    ...(spec.signal ? { signal: spec.signal } : {}),
  };
  const url = apiUrl(t.baseUrl, spec.path, spec.query);
  try {
    res = await t.fetch(url, init);
  } catch (err) {
    if (isAbortError(err) || spec.signal?.aborted) throw err;
    throw unreachableError(t.baseUrl, err);
  }
  if (!res.ok) throw errorFromResponse(res.status, res.statusText, await res.text().catch(() => ''));
  return res;
}

/** Sends a request and parses its JSON answer; an empty answer (204) yields `undefined`. */
export async function sendJson<T>(t: Transport, spec: RequestSpec): Promise<T> {
  return readJson<T>(await send(t, spec), spec);
}

/** Sends a GET of a paged list: its items and the cursor of the next page (from `X-Next-Cursor`). */
export async function sendPage<T>(t: Transport, spec: RequestSpec): Promise<Page<T>> {
  const res = await send(t, spec);
  const items = await readJson<T[]>(res, spec);
  return { items, nextCursor: res.header(NEXT_CURSOR_HEADER) ?? undefined };
}

async function readJson<T>(res: Reply, spec: RequestSpec): Promise<T> {
  const text = await res.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new HearthApiError({
      status: res.status,
      code: 'unexpected_response',
      message: `the server answered ${spec.method} ${spec.path} with a body that is not JSON`,
      cause,
    });
  }
}

/**
 * Opens an SSE stream and yields its events with JSON data, keeping only the event names in
 * `known` so that a newer server's extra events do not break older clients.
 */
export async function* streamEvents<E extends { event: string; data: unknown }>(
  t: Transport,
  spec: RequestSpec,
  known: ReadonlySet<string>,
): AsyncGenerator<E> {
  const res = await send(t, { ...spec, accept: 'text/event-stream' });
  if (!res.body) return;
  try {
    for await (const msg of readSse(res.body)) {
      if (msg.event === 'error') throw streamError(msg);
      if (known.has(msg.event)) yield toEvent<E>(msg);
    }
  } catch (err) {
    // An aborted request breaks its body with a socket error, not always an AbortError.
    if (spec.signal?.aborted) throw spec.signal.reason;
    if (err instanceof HearthApiError || isAbortError(err)) throw err;
    throw connectionLostError(t.baseUrl, err);
  }
}

/** A stream's last `error` event (its credential was revoked, say) as the error it carries. */
function streamError(msg: SseMessage): HearthApiError {
  const body = toEvent<{ data: unknown }>(msg).data;
  if (!isErrorBody(body))
    return new HearthApiError({
      status: 200,
      code: 'unexpected_response',
      message: 'the stream ended with a malformed error event',
    });
  return new HearthApiError({
    status: 401,
    code: body.code,
    message: body.message,
    ...(body.requestId ? { requestId: body.requestId } : {}),
  });
}

function toEvent<E>(msg: SseMessage): E {
  try {
    return { event: msg.event, data: JSON.parse(msg.data) } as E;
  } catch (cause) {
    throw new HearthApiError({
      status: 200,
      code: 'unexpected_response',
      message: `the server sent a \`${msg.event}\` event whose data is not JSON`,
      cause,
    });
  }
}
