/** Text piped into a command (a secret value, a public key), never typed at a terminal. */
import { UsageError } from './errors.js';

/** All of stdin as UTF-8; a usage error saying `howToPipe` when stdin is a terminal. */
export async function readPipedStdin(howToPipe: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(howToPipe);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
