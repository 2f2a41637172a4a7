/**
 * The one place that turns errors into HTTP answers: `{code, message, detail?, requestId}`.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, HearthError } from '../errors.js';
import { RuntimeError } from '../runtime/runtime.js';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  invalid_cursor: 400,
  misdirected_host: 421,
  unauthenticated: 401,
  access_revoked: 401,
  invalid_credentials: 401,
  rate_limited: 429,
  server_busy: 429,
  // Nobody reads it: the log's word (nginx's) for work dropped because its client left.
  client_gone: 499,
  forbidden: 403,
  token_scope: 403,
  setup_done: 409,
  user_not_found: 404,
  user_exists: 409,
  user_suspended: 403,
  org_not_found: 404,
  org_exists: 409,
  member_not_found: 404,
  token_not_found: 404,
  image_not_found: 422,
  image_exists: 409,
  image_not_in_catalogue: 422,
  image_in_use: 409,
  org_not_empty: 409,
  image_user_invalid: 422,
  workspace_not_found: 404,
  workspace_exists: 409,
  workspace_stopped: 409,
  workspace_not_running: 409,
  invalid_transition: 409,
  limit_exceeded: 422,
  build_not_found: 404,
  campaign_not_found: 404,
  secret_not_found: 404,
  ssh_key_exists: 409,
  ssh_key_not_found: 404,
  app_not_found: 404,
  engine_not_found: 404,
  engine_exists: 409,
  engine_in_use: 409,
  engine_unreachable: 422,
  no_engine_capacity: 409,
  engine_error: 502,
};

/** Stable codes for what the framework (not a handler) refuses, by status. */
const FRAMEWORK_CODES: Record<number, string> = {
  400: 'invalid_input',
  404: 'not_found',
  408: 'request_timeout',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/** Clearer words than the framework's for the refusals people meet. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is too long: names are at most 63 characters',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is larger than 1MiB',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send the request body as application/json',
};

export interface ErrorAnswer {
  status: number;
  body: { code: string; message: string; detail?: unknown };
}

/** Status and body for any error a handler may throw. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HearthError) {
    return {
      status: STATUS[error.code],
      body: { code: error.code, message: error.message, ...(error.detail ? { detail: error.detail } : {}) },
    };
  }
  if (error instanceof RuntimeError) {
    return { status: 502, body: { code: 'engine_error', message: `container engine: ${error.message}` } };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const where = fastifyError.validationContext ?? 'request';
    return {
      status: 400,
      body: {
        code: 'invalid_input',
        message: `invalid ${where}: ${fastifyError.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || where} ${v.message}${v.keyword === 'additionalProperties' ? ` (${String(v.params.additionalProperty).slice(0, 64)}): remove it or check its spelling` : ''}`).join('; ')}`,
        detail: fastifyError.validation.map((v) => ({
          path: v.instancePath,
          message: v.message,
          params: v.params,
        })),
      },
    };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const message =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? `request body is not valid JSON: ${fastifyError.message}`
        : (FRAMEWORK_MESSAGES[fastifyError.code] ?? fastifyError.message);
    return { status, body: { code: FRAMEWORK_CODES[status] ?? 'invalid_input', message } };
  }
  return {
    status: 500,
    body: {
      code: 'internal',
      message: 'internal server error; the server log has the details (search for the requestId)',
    },
  };
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const answer = errorAnswer(error);
  if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
  const retry = (answer.body.detail as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
  if (retry) void reply.header('retry-after', String(retry));
  void reply.status(answer.status).send({ ...answer.body, requestId: request.id });
}

/**
 * Answers a request Node's HTTP parser refused before it became a request (headers over 16 KiB,
 * a malformed request line, a timeout), in the same format as every other error. The connection
 * is closed after it, as Node itself does.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request line and headers are larger than 16KiB: send less (a long URL counts too)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ code: FRAMEWORK_CODES[status], message, requestId: `conn-${randomUUID()}` });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  socket.destroy();
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({
    code: 'not_found',
    message: `no such API route: ${request.method} ${request.url.split('?')[0]}`,
    requestId: request.id,
  });
}
