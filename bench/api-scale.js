#!/usr/bin/env node
/**
 * API benchmark at scale: what a request costs when the store holds 1,000 users and 10,000
 * workspaces (20,000 builds), against the bare-Fastify ceiling measured in the same run.
 *
 *   node bench/api-scale.js [--users N] [--per-user N] [--duration S] [--runs N] [--connections N]
 *                           [--compare OTHER/bin/hearth]
 *
 * The store is filled before the server starts, through the server's own migrations, in one
 * transaction (no engine work). The server then runs on the real engine (DOCKER_HOST if set):
 * every seeded workspace is stopped, so none has a container, and a show asks the engine for its
 * disk usage as it would in production. Loads, each --runs times for --duration seconds with wrk
 * at --connections (default 20; medians reported):
 *
 *   bare Fastify     GET of a similar JSON (the member's list) from a bare Fastify server
 *   member list      GET /workspaces as a member (their 10)
 *   show             GET /users/{user}/workspaces/{name} (one workspace, with its disk usage)
 *   login            POST /auth/login (argon2id)
 *   login x200       POST /auth/login at 200 connections: the server's peak RSS
 *   org admin page   GET /workspaces?org=default&limit=100 as its admin (the first page of 100)
 *                    (also at 1 connection: one page's own latency, no queueing behind the others)
 *   org admin deep   the same, from the cursor after the first 5,000 (keyset paging: no offset)
 *
 * --compare also runs another checkout's server (bin/hearth) on a store filled the same way (by its
 * own migrations), and
 * measures each load on it right after this one's (rows `other: ...`), against the same bare
 * Fastify: a change measured against what it replaces in one run, on a machine whose speed varies.
 *
 * For each load: the event loop's delay inside the server (a preloaded monitor, max and p99), the
 * latency of GET /health probed every 100 ms from here (max and p99), and the server's CPU time per
 * request (which the machine's other load does not change, unlike requests/s).
 * Needs wrk (Debian: apt-get install -y --no-install-recommends wrk). Prints a table and writes
 * bench/results/api-scale-<timestamp>.json (git-ignored).
 */
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchArgs } from './support/args.js';
import { seedScaleStore } from './support/scale-store.js';
import { API, startBenchServer, stopBenchServer } from './support/server.js';
import { wrk as runWrk } from './support/wrk.js';

const HERE = dirname(fileURLToPath(import.meta.url));

const flags = benchArgs(
  [
    'Usage: node bench/api-scale.js [--users N] [--per-user N] [--duration S] [--runs N] [--connections N]',
    '                               [--compare OTHER/bin/hearth]',
    '  --users        users in the store (default 1000)',
    '  --per-user     workspaces per user (default 10)',
    '  --duration     seconds per wrk load (default 5)',
    '  --runs         runs per load, medians reported (default 3)',
    '  --connections  wrk connections (default 20)',
    "  --compare      another checkout's bin/hearth, measured right after this one's (rows `other: ...`)",
  ],
  {
    users: { type: 'string', default: '1000' },
    'per-user': { type: 'string', default: '10' },
    duration: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    compare: { type: 'string' },
  },
);
if (flags.compare !== undefined) {
  try {
    accessSync(flags.compare, constants.X_OK);
  } catch {
    console.error(`--compare "${flags.compare}" is not an executable: give another checkout's bin/hearth`);
    process.exit(2);
  }
}
const USERS = Number(flags.users);
const PER_USER = Number(flags['per-user']);
const DURATION = Number(flags.duration);
const RUNS = Number(flags.runs);
const CONNECTIONS = Number(flags.connections);
const PASSWORD = 'correct horse battery staple';

try {
  execFileSync('wrk', ['--version'], { stdio: 'ignore' });
} catch (error) {
  // wrk prints its version and exits 1; only a missing binary is a problem.
  if (error.code === 'ENOENT') {
    console.error('api-scale needs wrk: apt-get install -y --no-install-recommends wrk');
    process.exit(2);
  }
}

/** One wrk run at this bench's connections and duration unless `options` says otherwise (support/wrk.js). */
const wrk = (url, options = {}) => runWrk(url, { connections: CONNECTIONS, duration: DURATION, ...options });

/** The event-loop delay a preloaded monitor saw in process `pid` since it was last asked. */
async function loopLag(pid, file) {
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 600 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Probes `url` every 100 ms until stopped: latencies in ms. */
function probe(url) {
  const seen = [];
  let on = true;
  const done = (async () => {
    while (on) {
      const t = performance.now();
      await fetch(url).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      seen.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    on = false;
    await done;
    seen.sort((a, b) => a - b);
    const at = (q) =>
      Math.round((seen[Math.min(seen.length - 1, Math.floor(q * seen.length))] ?? 0) * 10) / 10;
    return { p99Ms: at(0.99), maxMs: at(1) };
  };
}

/**
 * CPU time (ms, user + system) process `pid` has used: per request, what a request costs the server
 * whatever else the machine runs (requests/s and latencies also measure the machine's other load).
 */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak RSS (MB) of process `pid`, sampled every 50 ms until stopped. */
function rssSampler(pid) {
  let peak = 0;
  const read = () => {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    peak = Math.max(peak, kb);
  };
  read();
  const timer = setInterval(read, 50);
  return () => {
    clearInterval(timer);
    read();
    return Math.round(peak / 1024);
  };
}

/** Waits (at most 30 s) until `url` answers within 100 ms again: a load's leftover work has drained. */
async function settle(url) {
  for (const end = Date.now() + 30_000; Date.now() < end; ) {
    const t = performance.now();
    await fetch(url).then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
    if (performance.now() - t < 100) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const median = (runs, key) => {
  const values = runs.map((r) => r[key]).sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
};

async function measure(name, target, options) {
  const runs = [];
  await loopLag(target.pid, target.lagFile);
  const stopProbe = probe(target.health);
  const stopRss = rssSampler(target.pid);
  let cpuInRuns = 0;
  for (let i = 0; i < RUNS; i++) {
    const cpuAtStart = cpuMs(target.pid);
    runs.push(await wrk(target.url, options));
    cpuInRuns += cpuMs(target.pid) - cpuAtStart;
    await settle(target.health);
  }
  const peakRssMb = stopRss();
  const health = await stopProbe();
  const lag = await loopLag(target.pid, target.lagFile);
  const result = {
    load: name,
    connections: options?.connections ?? CONNECTIONS,
    rps: median(runs, 'rps'),
    p50Ms: median(runs, 'p50Ms'),
    p99Ms: median(runs, 'p99Ms'),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
    socketErrors: runs.reduce((a, r) => a + r.socketErrors, 0),
    loopLagMaxMs: lag.maxMs,
    loopLagP99Ms: lag.p99Ms,
    healthP99Ms: health.p99Ms,
    healthMaxMs: health.maxMs,
    peakRssMb,
    cpuMsPerRequest:
      Math.round(
        (cpuInRuns /
          Math.max(
            1,
            runs.reduce((a, r) => a + r.requests, 0),
          )) *
          1000,
      ) / 1000,
    runs,
  };
  console.error(`  ${name}: ${result.rps} rps, p99 ${result.p99Ms} ms`);
  return result;
}

const lagPreload = pathToFileURL(join(HERE, 'support', 'loop-lag.js')).href;
const lagEnv = (file) => ({
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${lagPreload}`.trim(),
  HEARTH_BENCH_LAG_FILE: file,
});
const scratch = join(os.tmpdir(), `hearth-bench-api-scale-${process.pid}`);
mkdirSync(scratch, { recursive: true });
let tokens;
let fillMs = 0;
/** A server on a freshly filled store; `bin` another checkout's bin/hearth (for --compare). */
async function hearthServer(label, bin) {
  const lagFile = join(scratch, `server-lag-${label || 'this'}.json`.replace(/[^\w.-]/g, ''));
  const bench = await startBenchServer('api-scale', {
    prepare: async (dataDir) => {
      const t = performance.now();
      tokens = await seedScaleStore(dataDir, {
        users: USERS,
        perUser: PER_USER,
        password: PASSWORD,
        ...(bin ? { checkout: join(dirname(bin), '..') } : {}),
      });
      fillMs ||= Math.round(performance.now() - t);
    },
    env: lagEnv(lagFile),
    ...(bin ? { bin } : {}),
  });
  const base = `${bench.base}${API}`;
  const target = (path) => ({
    url: `${base}${path}`,
    health: `${base}/health`,
    pid: bench.server.pid,
    lagFile,
  });
  return { label, bench, base, target };
}

const servers = [await hearthServer('')];
let bare;
try {
  if (flags.compare !== undefined) servers.push(await hearthServer('other: ', flags.compare));
  const { base } = servers[0];
  const bearer = (token) => ({ headers: { authorization: `Bearer ${token}` } });
  const memberList = await (await fetch(`${base}/workspaces`, bearer(tokens.member))).text();
  const bodyFile = join(scratch, 'member-list.json');
  writeFileSync(bodyFile, memberList);
  const bareLag = join(scratch, 'bare-lag.json');
  bare = spawn(process.execPath, [join(HERE, 'support', 'bare-fastify.js'), bodyFile], {
    env: { ...process.env, ...lagEnv(bareLag) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bareUrl = await new Promise((resolve) => bare.stdout.once('data', (c) => resolve(String(c).trim())));
  const loginScript = join(scratch, 'login.lua');
  writeFileSync(
    loginScript,
    `wrk.method = "POST"\nwrk.body = '${JSON.stringify({ username: 'user2', password: PASSWORD })}'\nwrk.headers["Content-Type"] = "application/json"\n`,
  );

  console.error(`filled ${USERS} users, ${USERS * PER_USER} workspaces in ${fillMs} ms; measuring`);
  const results = [];
  results.push(
    await measure(
      'bare Fastify (same JSON)',
      { url: `${bareUrl}/json`, health: `${bareUrl}/health`, pid: bare.pid, lagFile: bareLag },
      {},
    ),
  );
  /** One load on each server, one right after the other; `path` may depend on the server. */
  const onEach = async (name, path, options) => {
    for (const server of servers)
      results.push(
        await measure(
          `${server.label}${name}`,
          server.target(typeof path === 'function' ? await path(server) : path),
          options,
        ),
      );
  };
  await onEach('member list (10)', '/workspaces', bearer(tokens.member));
  await onEach('show one', '/users/user1/workspaces/ws3', bearer(tokens.member));
  await onEach('POST /auth/login', '/auth/login', { script: loginScript });
  await onEach('POST /auth/login x200', '/auth/login', { script: loginScript, connections: 200 });
  // Last, so the memory its answers take does not count against the logins' peak RSS.
  const orgPage = '/workspaces?org=default&limit=100';
  await onEach('org admin page (100)', orgPage, bearer(tokens.admin));
  await onEach('org admin page (100), 1 conn', orgPage, { ...bearer(tokens.admin), connections: 1 });
  const after5000 = async (server) => {
    let cursor = '';
    for (let read = 0; read < 5000; read += 500) {
      const answer = await fetch(
        `${server.base}/workspaces?org=default&limit=500${cursor}`,
        bearer(tokens.admin),
      );
      cursor = `&cursor=${answer.headers.get('x-next-cursor')}`;
      await answer.arrayBuffer();
    }
    return `${orgPage}${cursor}`;
  };
  await onEach('org admin page (100) after 5,000', after5000, bearer(tokens.admin));

  const ceiling = results[0].rps;
  const header = [
    'load',
    'conns',
    'rps',
    'x bare',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'sock err',
    'loop lag max/p99 ms',
    '/health max/p99 ms',
    'peak RSS MB',
    'CPU ms/req',
  ];
  const rows = results.map((r) => [
    r.load,
    String(r.connections),
    String(r.rps),
    (r.rps / ceiling).toFixed(3),
    String(r.p50Ms),
    String(r.p99Ms),
    String(r.non2xx),
    String(r.socketErrors),
    `${r.loopLagMaxMs} / ${r.loopLagP99Ms}`,
    `${r.healthMaxMs} / ${r.healthP99Ms}`,
    String(r.peakRssMb),
    String(r.cpuMsPerRequest),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `API at ${USERS.toLocaleString('en')} users, ${(USERS * PER_USER).toLocaleString('en')} workspaces, ` +
      `${(USERS * PER_USER * 2).toLocaleString('en')} builds; wrk, medians of ${RUNS} x ${DURATION} s`,
  );
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));

  const out = join(HERE, 'results', `api-scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        users: USERS,
        workspaces: USERS * PER_USER,
        builds: USERS * PER_USER * 2,
        fillMs,
        durationSeconds: DURATION,
        runs: RUNS,
        compare: flags.compare ?? null,
        node: process.version,
        cpus: os.cpus().length,
        results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
} finally {
  bare?.kill('SIGTERM');
  for (const { bench } of servers) await stopBenchServer(bench);
  rmSync(scratch, { recursive: true, force: true });
}
