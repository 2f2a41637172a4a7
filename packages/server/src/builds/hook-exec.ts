/**
 * Runs one hook command inside a workspace container as the workspace user: output goes line by
 * line into the build log, the last lines are kept for error messages, and a time limit applies.
 *
 * The limit is enforced inside the container by `timeout` (coreutils or busybox), which signals the
 * command's whole process group: the engine has no way to kill an exec'd process. A server-side
 * timer a little later closes the session in case the image has no working `timeout`.
 */
import type { Readable } from 'node:stream';
import { redact } from '../core/secrets.js';
import type { Runtime } from '../runtime/runtime.js';

/** Lines of output kept for the error message of a failed hook. */
export const TAIL_LINES = 15;
/** Seconds between `timeout`'s SIGTERM and its SIGKILL. */
const KILL_AFTER_SECONDS = 5;
/** Exit codes of `timeout` when the limit was reached (SIGTERM, then SIGKILL). */
const TIMED_OUT = new Set([124, 137]);

export interface HookRun {
  readonly cmd: readonly string[];
  /** `uid:gid` of the workspace user. */
  readonly user: string;
  readonly workingDir: string;
  readonly env?: readonly string[];
  readonly timeoutSeconds: number;
  /** Sent on stdin, then EOF: the only way a secret may reach a process. */
  readonly input?: string;
  /** Strings replaced by `***` in every line before anyone sees it. */
  readonly mask?: readonly string[];
  /** Receives each line of stdout and stderr as it arrives. */
  readonly onLine: (line: string) => void;
}

export interface HookResult {
  readonly code: number;
  readonly timedOut: boolean;
  /** The last {@link TAIL_LINES} lines of output. */
  readonly tail: readonly string[];
}

export async function runHook(runtime: Runtime, containerId: string, run: HookRun): Promise<HookResult> {
  const seconds = Math.max(1, Math.ceil(run.timeoutSeconds));
  const started = performance.now();
  const session = await runtime.exec(containerId, {
    cmd: ['timeout', '-k', `${KILL_AFTER_SECONDS}s`, `${seconds}s`, ...run.cmd],
    user: run.user,
    workingDir: run.workingDir,
    ...(run.env ? { env: run.env } : {}),
    ...(run.input !== undefined ? { stdin: true } : {}),
  });
  session.stdin.end(run.input);
  const tail: string[] = [];
  const line = (raw: string) => {
    const text = run.mask?.length ? redact(raw, run.mask) : raw;
    tail.push(text);
    if (tail.length > TAIL_LINES) tail.shift();
    run.onLine(text);
  };
  const done = Promise.all([lines(session.stdout, line), lines(session.stderr, line)]);
  let stalled = false;
  const guard = setTimeout(
    () => {
      stalled = true;
      session.close();
    },
    (seconds + KILL_AFTER_SECONDS + 10) * 1000,
  );
  try {
    const code = await session.exit;
    await done;
    // Killed before its time (its container was stopped, the kernel ran out of memory) is no timeout.
    const timedOut = TIMED_OUT.has(code) && performance.now() - started >= seconds * 1000;
    return { code, timedOut, tail };
  } catch (error) {
    if (stalled) return { code: 137, timedOut: true, tail };
    throw error;
  } finally {
    clearTimeout(guard);
  }
}

/** Calls `onLine` for each line of `stream` (a final line without newline included). */
async function lines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  let pending = '';
  for await (const chunk of stream) {
    pending += (chunk as Buffer).toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const part of parts) onLine(part.replace(/\r$/, ''));
  }
  if (pending) onLine(pending);
}

/** A short description of a failed hook for the build's error: why, then the tail of its output. */
export function hookFailure(what: string, result: HookResult, timeoutSeconds: number): string {
  const why = result.timedOut
    ? `${what} timed out after ${formatSeconds(timeoutSeconds)} and was killed`
    : result.code === 137
      ? `${what} was killed (SIGKILL: its container was stopped, or it ran out of memory)`
      : `${what} exited with code ${result.code}`;
  const tail = result.tail.filter((l) => l.trim() !== '');
  return tail.length ? `${why}; last output:\n${tail.join('\n')}` : `${why} (no output)`;
}

export const formatSeconds = (s: number): string => (s % 60 === 0 && s >= 60 ? `${s / 60}m` : `${s}s`);
