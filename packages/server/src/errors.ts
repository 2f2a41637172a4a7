/**
 * Domain errors: one class, a catalogue of stable codes. Services throw these; the HTTP layer maps
 * each code to a status in one place (http/errors.ts). Messages say what was wrong and what to do.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'invalid_cursor'
  | 'unauthenticated'
  | 'access_revoked'
  | 'invalid_credentials'
  | 'rate_limited'
  | 'server_busy'
  | 'client_gone'
  | 'forbidden'
  | 'token_scope'
  | 'setup_done'
  | 'user_not_found'
  | 'user_exists'
  | 'user_suspended'
  | 'org_not_found'
  | 'org_exists'
  | 'org_not_empty'
  | 'member_not_found'
  | 'token_not_found'
  | 'image_not_found'
  | 'image_exists'
  | 'image_not_in_catalogue'
  | 'image_in_use'
  | 'image_user_invalid'
  | 'workspace_not_found'
  | 'workspace_exists'
  | 'workspace_stopped'
  | 'workspace_not_running'
  | 'invalid_transition'
  | 'limit_exceeded'
  | 'build_not_found'
  | 'campaign_not_found'
  | 'secret_not_found'
  | 'ssh_key_exists'
  | 'ssh_key_not_found'
  | 'app_not_found'
  | 'engine_not_found'
  | 'engine_exists'
  | 'engine_in_use'
  | 'engine_unreachable'
  | 'no_engine_capacity'
  | 'engine_error'
  | 'misdirected_host';

export class HearthError extends Error {
  override readonly name = 'HearthError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The client that asked has gone (its request's signal aborted): the work it wanted stops. */
export const clientGone = () =>
  new HearthError('client_gone', 'the client closed the connection before its answer was ready');

export function stopIfClientGone(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw clientGone();
}

export const invalidInput = (message: string, detail?: Record<string, unknown>) =>
  new HearthError('invalid_input', message, detail);

/** The value of a successful parse, or an `invalid_input` error naming the field. */
export function unwrap<T>(parsed: { ok: true; value: T } | { ok: false; problem: string }, field: string): T {
  if (!parsed.ok) throw invalidInput(parsed.problem, { field });
  return parsed.value;
}
