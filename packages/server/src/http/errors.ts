/**
 * The one place that turns errors into HTTP answers: `{code, message, detail?, requestId}`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, HearthError } from '../errors.js';
import { RuntimeError } from '../runtime/runtime.js';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  access_revoked: 401,
  invalid_credentials: 401,
  rate_limited: 429,
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
  engine_error: 502,
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
        message: `invalid ${where}: ${fastifyError.validation.map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || where} ${v.message}`).join('; ')}`,
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
        : fastifyError.message;
    return {
      status,
      body: {
        code: status === 400 ? 'invalid_input' : (fastifyError.code ?? 'bad_request').toLowerCase(),
        message,
      },
    };
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

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({
    code: 'not_found',
    message: `no such API route: ${request.method} ${request.url.split('?')[0]}`,
    requestId: request.id,
  });
}
