/**
 * wrk (`apt-get install wrk`) as the HTTP benchmarks run it: one run against one URL, parsed into
 * requests/s, latency percentiles in ms, non-2xx answers and socket errors.
 */
import { spawn } from 'node:child_process';

/** Seconds from wrk's units (`950.00us`, `1.20ms`, `2.00s`, `1.00m`) as milliseconds. */
function wrkMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return null;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2]];
  return Math.round(Number(m[1]) * factor * 100) / 100;
}

/** One wrk run of `duration` seconds at `connections`: requests/s, latency percentiles (ms), non-2xx answers and socket errors. */
export function wrk(url, { connections, duration, headers = {}, script }) {
  const args = [
    '-t',
    String(Math.min(2, connections)),
    '-c',
    String(connections),
    '-d',
    `${duration}s`,
    '--timeout',
    '30s',
    '--latency',
  ];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (script) args.push('-s', script);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.once('error', reject);
    child.once('exit', () => {
      const pct = (p) => wrkMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
      const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
        requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
        p50Ms: pct(50),
        p99Ms: pct(99),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        socketErrors: errors ? errors.slice(1).reduce((a, n) => a + Number(n), 0) : 0,
      });
    });
  });
}
