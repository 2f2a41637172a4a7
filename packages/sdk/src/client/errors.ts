import type { ErrorBody } from '../api/common.js';

/** What {@link HearthApiError} is built from. */
export interface HearthApiErrorInit {
  /** HTTP status; 0 when the server never answered. */
  status: number;
  code: string;
  message: string;
  detail?: unknown;
  requestId?: string;
  cause?: unknown;
}

/**
 * Every failure the client reports: an error body from the server, a response that is not one,
 * or a server that could not be reached (`code: 'server_unreachable'`, `status: 0`).
 * `code` is stable and safe to branch on.
 */
export class HearthApiError extends Error {
  override readonly name = 'HearthApiError';
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;
  readonly requestId: string | undefined;

  constructor(init: HearthApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId;
  }
}

/** True when `value` has the shape of the API's {@link ErrorBody}. */
export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/**
 * Turns a failed response into an error. Proxies and crashed servers answer with HTML or nothing,
 * so a body that is not an {@link ErrorBody} still yields a readable message.
 */
export function errorFromResponse(status: number, statusText: string, bodyText: string): HearthApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  if (isErrorBody(parsed)) {
    return new HearthApiError({
      status,
      code: parsed.code,
      message: parsed.message,
      detail: parsed.detail,
      ...(parsed.requestId === undefined ? {} : { requestId: parsed.requestId }),
    });
  }
  const snippet = bodyText.replace(/\s+/g, ' ').trim().slice(0, 200);
  const head = `the server answered ${status}${statusText ? ` ${statusText}` : ''}`;
  return new HearthApiError({
    status,
    code: 'unexpected_response',
    message: snippet ? `${head}: ${snippet}` : head,
  });
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed unexpectedly',
  EPROTO: 'TLS handshake failed',
};

/** The OS/undici error code behind a failed fetch or socket, looking through `cause` and AggregateError. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const rec = e as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof rec.code === 'string' && rec.code in NETWORK_REASONS) return rec.code;
    // Node tries IPv4 and IPv6 for `localhost` and reports both failures in one AggregateError.
    if (Array.isArray(rec.errors) && rec.errors.length > 0) {
      const inner = networkErrorCode(rec.errors[0]);
      if (inner) return inner;
    }
    e = rec.cause;
  }
  return undefined;
}

function networkReason(cause: unknown): { code: string | undefined; reason: string } {
  const code = networkErrorCode(cause);
  return { code, reason: (code && NETWORK_REASONS[code]) || innermostMessage(cause) };
}

// fetch wraps the useful message ("bad port", "certificate has expired") in a generic "fetch failed".
function innermostMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  for (let e = err, depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    if (e.message) message = e.message;
  }
  return message;
}

/** The error for a server that never answered: says where we looked and what to check. */
export function unreachableError(url: string, cause: unknown): HearthApiError {
  const { code, reason } = networkReason(cause);
  return new HearthApiError({
    status: 0,
    code: 'server_unreachable',
    message: `cannot reach the Hearth server at ${url}: ${reason}. Is \`hearth server\` running?`,
    detail: { url, ...(code ? { errno: code } : {}) },
    cause,
  });
}

/** The error for a stream that broke after the server had answered (server restart, network drop). */
export function connectionLostError(url: string, cause: unknown): HearthApiError {
  const { code, reason } = networkReason(cause);
  return new HearthApiError({
    status: 0,
    code: 'connection_lost',
    message: `lost the connection to the Hearth server at ${url}: ${reason}`,
    detail: { url, ...(code ? { errno: code } : {}) },
    cause,
  });
}

/** True for the error fetch/ws raise when the caller's AbortSignal fired. */
export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}
