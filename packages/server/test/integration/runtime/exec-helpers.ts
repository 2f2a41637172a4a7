import type { Readable } from 'node:stream';
import type { ExecOptions, Runtime } from '../../../src/runtime/runtime.js';

/** What a finished exec printed and returned. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs one command to completion, feeding it `input` (then EOF) when given, and collects its output. */
export async function runExec(
  rt: Runtime,
  containerId: string,
  options: ExecOptions,
  input?: Buffer | string,
): Promise<ExecResult> {
  const session = await rt.exec(containerId, options);
  if (input !== undefined) session.stdin.end(input);
  // Read both streams while waiting: output is flow-controlled, so an unread stream would stall the process.
  const [stdout, stderr, code] = await Promise.all([
    text(session.stdout),
    text(session.stderr),
    session.exit,
  ]);
  return { stdout, stderr, code };
}

/** Reads a stream to its end as UTF-8. */
export async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Accumulates a stream's text as it arrives, for tests that must react to output mid-session. */
export function collectText(stream: Readable): { text(): string; waitFor(pattern: RegExp): Promise<void> } {
  let collected = '';
  stream.on('data', (chunk: Buffer) => {
    collected += chunk.toString('utf8');
  });
  return {
    text: () => collected,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(collected)) return false;
          stream.off('data', check);
          stream.off('end', ended);
          resolve();
          return true;
        };
        const ended = () =>
          reject(new Error(`stream ended without matching ${pattern}: ${JSON.stringify(collected)}`));
        if (check()) return;
        stream.on('data', check);
        stream.on('end', ended);
      }),
  };
}
