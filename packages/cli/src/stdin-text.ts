/** Text piped into a command (a secret value, a public key), never typed at a terminal. */
import { UsageError } from './errors.js';

/** All of stdin as UTF-8 ({@link utf8Text}); a usage error saying `howToPipe` when stdin is a terminal. */
export async function readPipedStdin(howToPipe: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(howToPipe);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return utf8Text(Buffer.concat(chunks), 'stdin');
}

/**
 * `bytes` as text, or a usage error when they are not UTF-8 text (binary data, with NUL bytes or
 * invalid sequences): decoding those would silently change them, and the API carries text.
 */
export function utf8Text(bytes: Uint8Array, source: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = '\u0000';
  }
  if (text.includes('\u0000'))
    throw new UsageError(
      `${source} is binary, not UTF-8 text, and would arrive altered: Hearth stores text. Encode it first, e.g. base64 -w0 FILE | hearth secrets set NAME --file, and decode it where it is used (base64 -d "$HEARTH_SECRETS_DIR/NAME")`,
    );
  return text;
}
