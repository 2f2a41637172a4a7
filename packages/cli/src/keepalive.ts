/**
 * `hearth keepalive`'s loop, apart from the CLI so tests drive it with their own clock: ping once,
 * or keep pinging while a process runs (`--pid`) and/or for a bounded time (`--for`).
 */
import { existsSync } from 'node:fs';
import { UsageError } from './errors.js';

export interface KeepaliveLoop {
  /** Reports activity to the server. */
  ping(): Promise<void>;
  /** Whether to keep going (e.g. the watched process still exists). */
  alive(): boolean;
  sleep(ms: number): Promise<void>;
  now(): number;
  readonly intervalMs: number;
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
    const left = end - loop.now();
    if (left <= 0) return pings;
    await loop.sleep(Math.min(loop.intervalMs, left));
    if (!loop.alive() || loop.now() >= end) return pings;
  }
}

/** True while process `pid` exists on this machine (Linux: /proc). */
export const processExists = (pid: number): boolean => existsSync(`/proc/${pid}`);

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
