/**
 * Getting a password without putting it in argv or shell history: from stdin for scripts
 * (`--password-stdin`), or a prompt with echo off on a terminal.
 */
import type { Readable, Writable } from 'node:stream';
import { CliError } from './errors.js';

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
 * The password from stdin when `fromStdin`, else a prompt on the terminal with echo off.
 * Without a terminal there is nobody to ask, so that is an error naming the flag to use.
 */
export async function getPassword(fromStdin: boolean, stdin: TtyInput, prompt: Writable): Promise<string> {
  if (fromStdin) return readPasswordFromStream(stdin);
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new CliError('no password given', { hints: ['pipe it in with --password-stdin'], exitCode: 2 });
  }
  prompt.write('Password: ');
  const password = await readHidden(stdin as TtyInput & { setRawMode(mode: boolean): unknown });
  prompt.write('\n');
  if (password === '') throw new CliError('the password is empty');
  return password;
}

function readHidden(stdin: TtyInput & { setRawMode(mode: boolean): unknown }): Promise<string> {
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
