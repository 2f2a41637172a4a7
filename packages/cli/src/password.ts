/**
 * Getting a password without putting it in argv or shell history: from stdin for scripts
 * (`--password-stdin`), or a prompt with echo off on a terminal.
 */
import type { Readable, Writable } from 'node:stream';
import { MIN_NEW_PASSWORD_LENGTH } from '@hearth/sdk/password-rules';
import { CliError, UsageError } from './errors.js';

/** Drops exactly one trailing line ending (`\n` or `\r\n`), as `echo pw |` adds one; other whitespace is kept. */
export function trimOneNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  if (text.endsWith('\n')) return text.slice(0, -1);
  return text;
}

/** Reads all of `stream` as the password. */
export async function readPasswordFromStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const password = trimOneNewline(Buffer.concat(chunks).toString('utf8'));
  if (password === '') throw new CliError('the password read from stdin is empty');
  return password;
}

/** A terminal's stdin: what the prompt needs to turn echo off. */
interface TtyInput extends Readable {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * The password from stdin when `fromStdin`, else a prompt (`label`) on the terminal with echo off.
 * Without a terminal there is nobody to ask, so that is an error naming the flag to use.
 */
export async function getPassword(
  fromStdin: boolean,
  stdin: TtyInput,
  prompt: Writable,
  label = 'Password',
): Promise<string> {
  if (fromStdin) return readPasswordFromStream(stdin);
  return promptPassword(requireTerminal(stdin), prompt, label);
}

/** What a password change needs: the current password, which proves it is you, and the new one. */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/**
 * Both passwords of a change. From stdin (`fromStdin`): two lines, the current password then the new
 * one, as `printf '%s\n%s\n' "$OLD" "$NEW" |` writes them. On a terminal: prompts with echo off,
 * the new password twice, so a typo cannot lock you out.
 */
export async function getPasswordChange(
  fromStdin: boolean,
  stdin: TtyInput,
  prompt: Writable,
): Promise<PasswordChange> {
  if (fromStdin) {
    const change = splitPasswordChange(await readPasswordFromStream(stdin));
    checkNewPassword(change.newPassword);
    return change;
  }
  const tty = requireTerminal(stdin);
  const currentPassword = await promptPassword(tty, prompt, 'Current password');
  const newPassword = checkNewPassword(await promptPassword(tty, prompt, 'New password'));
  if ((await promptPassword(tty, prompt, 'New password again')) !== newPassword)
    throw new CliError('the two new passwords differ; nothing was changed', {
      hints: ['run the command again and type the same new password twice'],
    });
  return { currentPassword, newPassword };
}

/** The two lines of stdin for a change (one trailing line ending already dropped). */
export function splitPasswordChange(text: string): PasswordChange {
  const lines = text.split(/\r?\n/);
  if (lines.length !== 2 || lines[0] === '' || lines[1] === '')
    throw new UsageError(
      `stdin must hold two lines, the current password and then the new one (it held ${lines.length === 1 ? 'one line' : `${lines.length} lines`})`,
      [`printf '%s\\n%s\\n' "$CURRENT" "$NEW" | hearth passwd --password-stdin`],
    );
  return { currentPassword: lines[0]!, newPassword: lines[1]! };
}

/**
 * `password`, or an error saying how long a new password must be: the API's own minimum, checked
 * here so that the answer speaks of the password, not of a request body.
 */
function checkNewPassword(password: string): string {
  // Counted in characters, as the server's schema counts them (a UTF-16 pair is one).
  if ([...password].length < MIN_NEW_PASSWORD_LENGTH)
    throw new UsageError(
      `the new password is too short: use at least ${MIN_NEW_PASSWORD_LENGTH} characters; nothing was changed`,
    );
  return password;
}

type Terminal = TtyInput & { setRawMode(mode: boolean): unknown };

function requireTerminal(stdin: TtyInput): Terminal {
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new CliError('no password given', { hints: ['pipe it in with --password-stdin'], exitCode: 2 });
  }
  return stdin as Terminal;
}

async function promptPassword(stdin: Terminal, prompt: Writable, label: string): Promise<string> {
  prompt.write(`${label}: `);
  const password = await readHidden(stdin);
  prompt.write('\n');
  if (password === '') throw new CliError(`the ${label.toLowerCase()} is empty`);
  return password;
}

function readHidden(stdin: Terminal): Promise<string> {
  return new Promise((resolve, reject) => {
    let password = '';
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      if (err) reject(err);
      else resolve(password);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new CliError('interrupted', { exitCode: 130 }));
        if (ch === '\u007f' || ch === '\b') password = password.slice(0, -1);
        else password += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
