#!/usr/bin/env node
/**
 * Port URL benchmark: small requests to a server inside a workspace through its port URL (the app
 * proxy: keep-alive HTTP over pooled forwarder execs) against the same server reached through
 * `ssh -L` via Hearth (OpenSSH → `hearth ssh --stdio` → WebSocket → the SSH gateway → a
 * forwarder exec per connection), in one run.
 *
 *   node bench/apps.js [--seconds N] [--connections N] [--rounds N] [--compare DIR]
 *
 * Each side gets the same load: N keep-alive connections (default 8) sending GET /healthz back
 * to back for the given seconds (default 5), in alternating rounds (default 2) so a noisy machine
 * hurts both alike. Reports requests/s and p50/p99 latency per side, the ratio port URL / ssh -L
 * (target ≥ 1.0), the Hearth server's CPU time per request (from /proc: a side that costs the
 * server more CPU per request loses most on a busy machine), the machine's load average (on a
 * shared machine a load above its cores makes every hop wait to be scheduled), and the time to the
 * first byte of a page on a new connection for each side.
 * With --compare DIR, a third side "before" is the port URL of another checkout's server (built,
 * e.g. the commit before a change: DIR/bin/hearth) with a workspace of its own, in the same rounds,
 * to measure a change against what it replaces.
 * Writes bench/results/apps-<timestamp>.json (git-ignored). All traffic goes to 127.0.0.1; the
 * workspace and server it creates are removed at the end.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { API, call, startBenchServer, stopBenchServer } from './support/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLI = join(HERE, '..', 'packages', 'cli', 'dist', 'src', 'main.js');
const IMAGE = 'hearth-test-apps:latest';
const TARGET_RATIO = 1.0;

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '2' },
    compare: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});
if (flags.help) {
  console.log('Usage: node bench/apps.js [--seconds N] [--connections N] [--rounds N] [--compare DIR]');
  console.log('  --compare  another checkout (built) whose server\'s port URL runs as the side "before"');
  process.exit(0);
}
const SECONDS = Number(flags.seconds);
const CONNECTIONS = Number(flags.connections);
const ROUNDS = Number(flags.rounds);
if (![SECONDS, CONNECTIONS, ROUNDS].every((n) => Number.isInteger(n) && n >= 1)) {
  console.error('--seconds, --connections and --rounds must be whole numbers >= 1');
  process.exit(2);
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const round2 = (x) => Math.round(x * 100) / 100;

/** One GET on 127.0.0.1:port; resolves with the time to its first byte and to its end. */
function get(port, path, headers, agent) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
      let first;
      res.on('data', () => {
        first ??= performance.now();
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode}`));
        const end = performance.now();
        resolve({ ttfbMs: (first ?? end) - start, totalMs: end - start });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** CPU time (user + system) process `pid` has used so far, in ms (Linux /proc). */
function cpuMsOf(pid) {
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
/** Linux reports CPU time in USER_HZ ticks: 100 a second on every architecture Node runs on. */
const CLOCK_TICKS = 100;

/** CONNECTIONS keep-alive loops of GET /healthz for SECONDS; `pid` is the server's process. */
async function load(port, headers, pid) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  // Warm every connection (and so every forwarder behind it) at once, so neither side pays for
  // starting forwarders inside the measured window; the page TTFB below measures that cost.
  for (let i = 0; i < 3; i++)
    await Promise.all(Array.from({ length: CONNECTIONS }, () => get(port, '/healthz', headers, agent)));
  const latencies = [];
  const cpuBefore = cpuMsOf(pid);
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) latencies.push((await get(port, '/healthz', headers, agent)).totalMs);
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const serverCpuMs = cpuMsOf(pid) - cpuBefore;
  agent.destroy();
  return {
    requests: latencies.length,
    serverCpuMsPerRequest: serverCpuMs / latencies.length,
    loadAverage: os.loadavg()[0],
    rps: latencies.length / elapsed,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}

/** Time to the first byte of the page on a new connection, median of 10. */
async function pageTtfb(port, headers) {
  const xs = [];
  for (let i = 0; i < 10; i++) xs.push((await get(port, '/', headers, false)).ttfbMs);
  return quantile(xs, 0.5);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * A server (of the checkout whose bin/hearth is `bin`) with a healthy bench workspace, and the
 * port URL's address and headers, signed in as a browser would be (ticket from the main origin →
 * the app host's cookie). Pushed onto `benches` as soon as it runs, so it is stopped on failure.
 */
async function setUp(name, bin) {
  const bench = await startBenchServer(name, bin ? { bin } : {});
  benches.push(bench);
  const { base } = bench;
  bench.token = (
    await call(base, undefined, 'POST', '/setup', {
      username: 'appbench',
      email: 'b@example.com',
      password: 'correct horse battery',
    })
  ).token;
  const token = bench.token;
  await call(base, token, 'POST', '/orgs/default/images', { ref: IMAGE });
  await call(base, token, 'POST', '/workspaces', { name: 'appbench', image: IMAGE, cpu: 1, memory: '1GiB' });
  for (let healthy = false; !healthy; ) {
    await new Promise((r) => setTimeout(r, 300));
    const ws = await call(base, token, 'GET', '/users/me/workspaces/appbench');
    if (ws.state === 'failed') throw new Error('the bench workspace failed to build');
    if (ws.state === 'running')
      healthy = (await call(base, token, 'GET', '/users/me/workspaces/appbench/apps')).apps.some(
        (a) => a.name === 'web' && a.health === 'healthy',
      );
  }
  const { url } = await call(base, token, 'GET', '/users/me/workspaces/appbench/apps/8080');
  const auth = await fetch(`${base}${API}/apps/auth?redirect=${encodeURIComponent(url)}`, {
    headers: { authorization: `Bearer ${token}` },
    redirect: 'manual',
  });
  const ticket = new URL(auth.headers.get('location'));
  const host = ticket.host;
  const serverPort = Number(new URL(base).port);
  const cookie = await new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: serverPort, path: `${ticket.pathname}${ticket.search}`, headers: { host } },
      (res) => {
        res.resume();
        resolve(res.headers['set-cookie'][0].split(';')[0]);
      },
    );
    req.on('error', reject);
    req.end();
  });
  bench.portUrl = { port: serverPort, headers: { host, cookie }, pid: bench.server.pid };
  return bench;
}

const benches = [];
let tunnel;
try {
  const current = await setUp('apps');
  const before = flags.compare
    ? await setUp('apps-before', join(resolvePath(flags.compare), 'bin', 'hearth'))
    : undefined;
  const { dir, base, token } = current;
  const portUrl = current.portUrl;

  // ssh -L through Hearth, as `hearth config-ssh` sets it up.
  const env = {
    ...process.env,
    HOME: dir,
    HEARTH_CONFIG_DIR: join(dir, 'config'),
    HEARTH_URL: base,
    HEARTH_TOKEN: token,
  };
  const sshConfig = join(dir, 'ssh_config');
  await promisify(execFile)(process.execPath, [CLI, 'config-ssh', '--ssh-config', sshConfig], { env });
  const localPort = await freePort();
  tunnel = spawn(
    'ssh',
    [
      '-F',
      sshConfig,
      '-N',
      '-o',
      'ExitOnForwardFailure=yes',
      '-L',
      `127.0.0.1:${localPort}:localhost:8080`,
      'hearth.appbench',
    ],
    { env, stdio: 'ignore' },
  );
  const ssh = { port: localPort, headers: {}, pid: current.server.pid };
  for (let up = false; !up; ) {
    up = await get(localPort, '/healthz', {}, false).then(
      () => true,
      () => false,
    );
    if (!up) await new Promise((r) => setTimeout(r, 200));
  }

  const sides = { 'port URL': portUrl, 'ssh -L': ssh, ...(before ? { before: before.portUrl } : {}) };
  const names = Object.keys(sides);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < ROUNDS; i++)
    for (const side of i % 2 ? [...names].reverse() : names)
      samples[side].push(await load(sides[side].port, sides[side].headers, sides[side].pid));
  const summary = {};
  for (const [side, xs] of Object.entries(samples)) {
    summary[side] = {
      rps: round2(xs.reduce((a, x) => a + x.rps, 0) / xs.length),
      p50Ms: round2(Math.max(...xs.map((x) => x.p50Ms))),
      p99Ms: round2(Math.max(...xs.map((x) => x.p99Ms))),
      serverCpuMsPerRequest:
        Math.round((xs.reduce((a, x) => a + x.serverCpuMsPerRequest, 0) / xs.length) * 1000) / 1000,
      pageTtfbMs: round2(await pageTtfb(sides[side].port, sides[side].headers)),
    };
  }
  const ratio = round2(summary['port URL'].rps / summary['ssh -L'].rps);
  console.log(
    `GET /healthz, ${CONNECTIONS} keep-alive connections, ${SECONDS}s x ${ROUNDS} rounds per side:`,
  );
  console.log('side        requests/s   p50 ms   p99 ms   server CPU ms/req   page ttfb ms (new connection)');
  for (const [side, s] of Object.entries(summary))
    console.log(
      `${side.padEnd(10)} ${String(s.rps).padStart(11)} ${String(s.p50Ms).padStart(8)} ${String(s.p99Ms).padStart(8)} ${String(s.serverCpuMsPerRequest).padStart(19)} ${String(s.pageTtfbMs).padStart(14)}`,
    );
  const loads = Object.entries(samples).map(
    ([side, xs]) => `${side} ${xs.map((x) => round2(x.loadAverage)).join(', ')}`,
  );
  console.log(
    `machine load average (1 min) after each round: ${loads.join('; ')} (${os.cpus().length} cores)`,
  );
  console.log(
    `requests/s ratio port URL / ssh -L: ${ratio}x (target >= ${TARGET_RATIO}x) ${ratio >= TARGET_RATIO ? 'ok' : 'MISSED'}`,
  );
  if (before)
    console.log(
      `requests/s ratio port URL / before: ${round2(summary['port URL'].rps / summary.before.rps)}x; server CPU per request ${summary['port URL'].serverCpuMsPerRequest} ms against ${summary.before.serverCpuMsPerRequest} ms (before: ${flags.compare})`,
    );
  const results = join(HERE, 'results');
  mkdirSync(results, { recursive: true });
  const file = join(results, `apps-${new Date().toISOString().replaceAll(':', '-')}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ seconds: SECONDS, connections: CONNECTIONS, rounds: ROUNDS, compare: flags.compare ?? null, machine: { cpus: os.cpus().length, node: process.version }, summary, ratio, samples }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
} finally {
  tunnel?.kill('SIGTERM');
  for (const bench of benches) await stopBenchServer(bench, bench.token, 'appbench');
}
