/**
 * Turns dockerode failures into {@link RuntimeError}s with a short lowercase context.
 *
 * dockerode reports HTTP failures as plain `Error`s carrying `statusCode` and the engine's JSON body in `json`,
 * and transport failures as Node system errors carrying `code` (ECONNREFUSED, ENOENT on the socket…).
 */
import { RuntimeError, type RuntimeErrorCode } from '../runtime.js';

/** Node error codes meaning "the engine endpoint did not answer at all". */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

/** The HTTP status the engine answered with, if the failure came from the engine. */
export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own message (`json.message`), which is far more useful than dockerode's generic one. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown } | null)?.json;
  if (json !== null && typeof json === 'object' && 'message' in json && typeof json.message === 'string') {
    return json.message;
  }
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim();
  const message = err instanceof Error ? err.message : String(err);
  // Streaming calls (pull, exec start) leave `json` empty and fold the engine's words into the message
  // after dockerode's own "(HTTP code 500) server error - " prefix.
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/**
 * Wraps `err` as a RuntimeError `"<context>: <engine message>"`.
 * `notFound` is the code a 404 means in this context (a missing container, a missing image…).
 */
export function toRuntimeError(
  context: string,
  err: unknown,
  notFound: RuntimeErrorCode = 'engine_error',
): RuntimeError {
  if (err instanceof RuntimeError) return err;
  return new RuntimeError(codeFor(err, notFound), `${context}: ${engineMessage(err)}`, { cause: err });
}

function codeFor(err: unknown, notFound: RuntimeErrorCode): RuntimeErrorCode {
  const status = statusOf(err);
  if (status === 404) return notFound;
  // The engine answers 409 both for "not running" and for name conflicts; only the former has its own code.
  if (status === 409 && /is not running|is paused|is restarting/i.test(engineMessage(err))) {
    return 'container_not_running';
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (status === undefined && typeof code === 'string' && UNREACHABLE.has(code)) return 'engine_unreachable';
  return 'engine_error';
}
