/**
 * How the CLI fails: one line `error: …`, optional `hint: …` lines, and an exit code
 * (1 for failures, 2 for usage errors).
 */
// Only the errors, not the client: the SSH relay's start-up loads this module (stdio.ts).
import { HearthApiError } from '@hearth/sdk/errors';

/** A failure to report to the user as is. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly hints: readonly string[];
  readonly exitCode: number;

  constructor(message: string, options: { hints?: readonly string[]; exitCode?: number } = {}) {
    super(message);
    this.hints = options.hints ?? [];
    this.exitCode = options.exitCode ?? 1;
  }
}

/** The user typed something the CLI cannot accept: exit code 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string, hints: readonly string[] = []) {
    super(message, { hints, exitCode: 2 });
  }
}

/** What the failing command was about, so hints can name it. */
export interface HintContext {
  /** The workspace as the user typed it (`dev` or `alice/dev`). */
  workspace?: string;
}

/**
 * Next steps for an API error, by its stable code. A hint whose `hearth` command the server's
 * message already names is left out: saying it twice adds nothing.
 */
export function hintsFor(err: HearthApiError, ctx: HintContext = {}): string[] {
  return hintsByCode(err, ctx).filter((hint) => {
    const command = /`(hearth [a-z]+)/.exec(hint)?.[1];
    return command === undefined || !err.message.includes(command);
  });
}

function hintsByCode(err: HearthApiError, ctx: HintContext): string[] {
  const ws = ctx.workspace ?? 'NAME';
  switch (err.code) {
    case 'server_unreachable':
      return ['if the server runs elsewhere, set HEARTH_URL or run `hearth login URL` again'];
    case 'workspace_stopped':
      return [`start it with \`hearth start ${ws}\``];
    case 'workspace_not_running':
      return [`\`hearth show ${ws}\` says why; \`hearth start ${ws} --wait\` brings it up`];
    case 'workspace_not_found':
      return ['`hearth list` shows your workspaces; use OWNER/NAME for someone else’s'];
    case 'image_not_found':
    case 'image_not_in_catalogue':
      return ['`hearth images list` shows the images your orgs offer'];
    case 'limit_exceeded': {
      // A quota counts the member's running workspaces; a maximum is per workspace, whatever runs.
      const quota = detailText(err, 'limit')?.startsWith('member') === true;
      return [
        `\`hearth orgs limits show ${detailText(err, 'org') ?? 'ORG'}\` shows the limits; ${quota ? 'stop another workspace or ask for less' : 'ask for less, or an org admin raises the limit (hearth orgs limits set)'}`,
      ];
    }
    case 'user_not_found':
      return [
        '`hearth users list` shows the accounts; `hearth users create USERNAME --email E --password-stdin` adds one',
      ];
    case 'setup_done':
      return ['this server is set up already: run `hearth login URL`'];
    case 'unauthenticated':
      return ['your session may have expired: run `hearth login URL`'];
  }
  if (err.status === 409 && ctx.workspace) return [`\`hearth show ${ws}\` shows its state and why`];
  return [];
}

/** The org an error's detail names (`limit_exceeded` does), so a hint can say it instead of ORG. */
/** A text field of the error's detail (`org`, `limit`), when the server gave one. */
function detailText(err: HearthApiError, field: string): string | undefined {
  const value = (err.detail as Record<string, unknown> | null | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The server's message, in the CLI's words where the server's speak of what a CLI user never sees:
 * a bad cursor's tells an API client which HTTP header to copy.
 */
function messageOf(err: HearthApiError): string {
  if (err.code === 'invalid_cursor')
    return 'that --cursor is not one this command printed: start again without --cursor, then pass the cursor its last line names, unchanged';
  return err.message;
}

/** Runs `fn`, turning API errors into {@link CliError}s whose hints name the workspace the user typed. */
export async function withWorkspaceHints<T>(workspace: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof HearthApiError)) throw err;
    throw new CliError(messageOf(err), { hints: hintsFor(err, { workspace }) });
  }
}

/** Prints `err` to stderr and returns the exit code the process should end with. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream): number {
  let message: string;
  let hints: readonly string[] = [];
  let exitCode = 1;
  if (err instanceof CliError) {
    ({ message, hints, exitCode } = err);
  } else if (err instanceof HearthApiError) {
    message = messageOf(err);
    hints = hintsFor(err);
    // A flag or argument the server found wrong (a size below the engine's minimum, a name too
    // long, a cursor of another list) is a usage error as much as one the CLI finds: nothing
    // changed, fix the command.
    if (err.code === 'invalid_input' || err.code === 'invalid_cursor') exitCode = 2;
  } else if (err instanceof Error) {
    message = err.message;
  } else {
    message = String(err);
  }
  stderr.write(`error: ${message}\n`);
  for (const hint of hints) stderr.write(`hint: ${hint}\n`);
  return exitCode;
}
