/**
 * The one guard between stored data and the user's terminal. Names, emails, log lines, warnings and
 * error messages come from the server, and anything stored there may hold control characters: an
 * escape sequence can retitle the window, move the cursor over earlier lines or hide text, a NUL or
 * a carriage return can make a line read as something else. Every string the CLI writes passes
 * {@link printable}; bytes (a session's output in exec, ssh, terminal) pass untouched, as they must.
 */

// Every control character (C0, DEL, C1: U+009B is CSI) except tab and newline.
const CONTROL = /(?![\t\n])\p{Cc}/gu;

/** `text` with every control character but tab and newline written out as `\uXXXX` (valid inside JSON too). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Makes every string written to `stream` printable; Buffers are passed through as they are. */
export function guardTextOutput(stream: NodeJS.WritableStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? printable(chunk) : chunk, ...rest)) as typeof stream.write;
}
