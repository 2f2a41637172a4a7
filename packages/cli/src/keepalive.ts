/**
 * `hearth keepalive`'s loop, apart from the CLI so tests drive it with their own clock: ping once,
 * or keep pinging while a process runs (`--pid`) and/or for a bounded time (`--for`).
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

export interface KeepaliveLoop {
  /** Reports activity to the server. */
  ping(): Promise<void>;
  /** Whether to keep going (e.g. the watched process still exists). */
  alive(): boolean;
  sleep(ms: number): Promise<void>;
  now(): number;
  readonly intervalMs: number;
  /** How often `alive()` is asked between pings, so the loop ends soon after the process does. */
  readonly watchMs: number;
  /** Stop pinging after this many ms (unbounded when undefined). */
  readonly forMs?: number | undefined;
}

/** Pings now, then every interval while `alive()` and within `forMs`; returns the number of pings. */
export async function runKeepalive(loop: KeepaliveLoop): Promise<number> {
  const end = loop.forMs === undefined ? Number.POSITIVE_INFINITY : loop.now() + loop.forMs;
  let pings = 0;
  while (true) {
    await loop.ping();
    pings++;
    const next = Math.min(loop.now() + loop.intervalMs, end);
    if (next <= loop.now()) return pings;
    while (loop.now() < next) {
      await loop.sleep(Math.min(loop.watchMs, next - loop.now()));
      if (!loop.alive()) return pings;
    }
    if (loop.now() >= end) return pings;
  }
}

/**
 * True while process `pid` runs on this machine (Linux: /proc). A zombie has ended: its parent (the
 * shell that started `job &`) may reap it only after this command returns.
 */
export function processExists(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The workspace to keep alive: the one named, else the one this runs in. Only inside a workspace
 * (where Hearth sets `HEARTH_WORKSPACE`) can the name be left out; the host's own name means nothing.
 */
export function keepaliveTarget(name: string | undefined, env: NodeJS.ProcessEnv): string {
  const target = name ?? env.HEARTH_WORKSPACE;
  if (target) return target;
  throw new UsageError(
    'name the workspace to keep alive: hearth keepalive NAME (only inside a workspace can the name be left out)',
  );
}

const UNITS: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 };

/** `--for 2h`, `--interval 60s`: a whole number with s, m, h or d. */
export function parseCliDuration(flag: string, value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0)
    throw new UsageError(`${flag} "${value}" is not a duration: write e.g. 90s, 30m or 2h`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** `--pid 1234`: a positive whole number naming a process that exists now. */
export function parsePid(value: string): number {
  const pid = Number(value);
  if (!Number.isInteger(pid) || pid <= 0) throw new UsageError(`--pid "${value}" is not a process id`);
  if (!processExists(pid)) throw new UsageError(`no process ${pid} is running here`);
  return pid;
}

/** The keepalive flags, checked before anything is sent. */
export function parseKeepaliveFlags(opts: { pid?: string; for?: string; interval: string }): {
  pid?: number;
  forMs?: number;
  intervalMs: number;
} {
  return {
    ...(opts.pid === undefined ? {} : { pid: parsePid(opts.pid) }),
    ...(opts.for === undefined ? {} : { forMs: parseCliDuration('--for', opts.for) }),
    intervalMs: parseCliDuration('--interval', opts.interval),
  };
}
