/**
 * `hearth server` as a child process of its own (for tests that kill it with SIGKILL): on a free
 * loopback port, logging warnings only, with `args` added (intervals, database, engine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../src/bin.js', import.meta.url));

/** Starts the server on `dataDir` and resolves with its URL once it serves; rejects if it exits first. */
export async function spawnServer(
  dataDir: string,
  args: readonly string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [BIN, '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log-level', 'warn', ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(err);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  return { child, url };
}
