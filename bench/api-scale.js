#!/usr/bin/env node
/**
 * API benchmark at scale: what a request costs when the store holds 1,000 users and 10,000
 * workspaces (20,000 builds), against the bare-Fastify ceiling measured in the same run.
 *
 *   node bench/api-scale.js [--users N] [--per-user N] [--duration S] [--runs N] [--connections N]
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
 * For each load: the event loop's delay inside the server (a preloaded monitor, max and p99) and
 * the latency of GET /health probed every 100 ms from here (max and p99).
 * Needs wrk (Debian: apt-get install -y --no-install-recommends wrk). Prints a table and writes
 * bench/results/api-scale-<timestamp>.json (git-ignored).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seedStore } from './support/seed.js';
import { API, startBenchServer, stopBenchServer } from './support/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, '..', 'packages', 'server', 'dist', 'src');
const load = (path) => import(join(SERVER, path));

const { values: flags } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    'per-user': { type: 'string', default: '10' },
    duration: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
  },
});
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

/** Fills the store of `dataDir` through the server's migrations: returns the tokens it made. */
async function seed(dataDir) {
  const { openSqlite } = await load('store/database.js');
  const { argon2Passwords } = await load('identity/passwords.js');
  const { hashToken } = await load('identity/token-secret.js');
  const db = await openSqlite(join(dataDir, 'hearth.db'));
  const tokens = await seedStore(db, {
    users: USERS,
    perUser: PER_USER,
    password: PASSWORD,
    argon2Passwords,
    hashToken,
  });
  await db.destroy();
  return tokens;
}

/** Seconds from wrk's units (`950.00us`, `1.20ms`, `2.00s`, `1.00m`) as milliseconds. */
function wrkMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return null;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2]];
  return Math.round(Number(m[1]) * factor * 100) / 100;
}

/** One wrk run: requests/s, latency percentiles (ms), non-2xx answers and socket errors. */
function wrk(url, { connections = CONNECTIONS, headers = {}, script, duration = DURATION } = {}) {
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
  for (let i = 0; i < RUNS; i++) {
    runs.push(await wrk(target.url, options));
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
const serverLag = join(scratch, 'server-lag.json');

let tokens;
let fillMs = 0;
const bench = await startBenchServer('api-scale', {
  prepare: async (dataDir) => {
    const t = performance.now();
    tokens = await seed(dataDir);
    fillMs = Math.round(performance.now() - t);
  },
  env: lagEnv(serverLag),
});
let bare;
try {
  const base = `${bench.base}${API}`;
  const hearth = (path) => ({
    url: `${base}${path}`,
    health: `${base}/health`,
    pid: bench.server.pid,
    lagFile: serverLag,
  });
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
  results.push(await measure('member list (10)', hearth('/workspaces'), bearer(tokens.member)));
  results.push(await measure('show one', hearth('/users/user1/workspaces/ws3'), bearer(tokens.member)));
  results.push(await measure('POST /auth/login', hearth('/auth/login'), { script: loginScript }));
  results.push(
    await measure('POST /auth/login x200', hearth('/auth/login'), { script: loginScript, connections: 200 }),
  );
  // Last, so the memory its answers take does not count against the logins' peak RSS.
  const orgPage = '/workspaces?org=default&limit=100';
  results.push(await measure('org admin page (100)', hearth(orgPage), bearer(tokens.admin)));
  results.push(
    await measure('org admin page (100), 1 conn', hearth(orgPage), {
      ...bearer(tokens.admin),
      connections: 1,
    }),
  );
  let cursor = '';
  for (let read = 0; read < 5000; read += 500) {
    const answer = await fetch(`${base}/workspaces?org=default&limit=500${cursor}`, bearer(tokens.admin));
    cursor = `&cursor=${answer.headers.get('x-next-cursor')}`;
    await answer.arrayBuffer();
  }
  results.push(
    await measure('org admin page (100) after 5,000', hearth(`${orgPage}${cursor}`), bearer(tokens.admin)),
  );

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
  await stopBenchServer(bench);
  rmSync(scratch, { recursive: true, force: true });
}
