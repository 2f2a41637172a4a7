/**
 * The world of an end-to-end test, as a new user has it: a temp HOME, the CLI's config dir in it,
 * and a real `hearth server` on loopback (its data in the same temp dir) on the real engine.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI as bin/hearth runs it: the bundle's launcher (`npm run build` builds both). */
export const MAIN = fileURLToPath(new URL('../../src/launch.cjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../../../../bin/hearth', import.meta.url));
export const PASSWORD = 'correct horse battery';

/** What a finished command left: its exit code, stdout as text and as bytes, stderr. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly bytes: Buffer;
  readonly stderr: string;
}

/** Runs `command` with `env`, feeding `input` (then EOF) on stdin, and collects its output. */
export function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: Buffer | string,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const bytes = Buffer.concat(out);
      resolve({ code: code ?? -1, stdout: bytes.toString(), bytes, stderr });
    });
    // A command that exits without reading its input must not fail the test with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

export interface E2E {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly url: string;
  /** What the server has written on stderr so far (its start-up lines, warnings). */
  serverLog(): string;
  /** `hearth ARGS…` as the user types it. */
  hearth(args: readonly string[], input?: string, extraEnv?: NodeJS.ProcessEnv): Promise<Run>;
  /** Like {@link hearth}, failing the test unless it exits 0. */
  ok(args: readonly string[], input?: string): Promise<Run>;
  /** SIGTERM to the server (which must exit), then the temp dir is removed. */
  close(): Promise<void>;
}

/** Starts the world; `serverArgs` are extra `hearth server` flags (e.g. `--ssh-listen 127.0.0.1:0`). */
export async function startE2E(
  prefix: string,
  options: { serverArgs?: readonly string[] } = {},
): Promise<E2E> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    HEARTH_CONFIG_DIR: join(dir, 'config'),
    DOCKER_HOST: process.env.DOCKER_HOST,
  };
  // Through bin/hearth, as deployed: it starts node with the server's V8 flags.
  const server: ChildProcess = spawn(
    BIN,
    [
      'server',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      join(dir, 'data'),
      '--log-level',
      'warn',
      ...(options.serverArgs ?? []),
    ],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr!.on('data', (c: Buffer) => {
      log += c;
      const match = /serving on (http:\/\/\S+)/.exec(log);
      if (match) resolve(match[1]!);
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
  const hearth = (args: readonly string[], input?: string, extraEnv: NodeJS.ProcessEnv = {}) =>
    run(process.execPath, [MAIN, ...args], { ...env, ...extraEnv }, input);
  return {
    dir,
    env,
    url,
    serverLog: () => log,
    hearth,
    async ok(args, input) {
      const result = await hearth(args, input);
      assert.equal(
        result.code,
        0,
        `hearth ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`,
      );
      return result;
    },
    async close() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
