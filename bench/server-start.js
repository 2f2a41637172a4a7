#!/usr/bin/env node
/**
 * Server start-up benchmark: how long from `hearth server` being spawned until it serves, with a
 * store of 1,000 users and 10,000 workspaces (20,000 builds), next to node and a bare Fastify.
 *
 *   node bench/server-start.js [--users N] [--per-user N] [--runs N] [--compare OTHER/bin/hearth]
 *
 * Each sample is one child process, timed from spawn:
 *
 *   node -e 0      the floor: node starting and exiting
 *   bare Fastify   node loading fastify and answering its first GET /health
 *   hearth server  `bin/hearth server` (as deployed: node with the flags bin/hearth gives the server) on the seeded
 *                  store and the real engine (DOCKER_HOST if set): "listening" is when it prints
 *                  that it serves, "/health" the first successful GET /health (probed every 5 ms)
 *
 * Also the CPU time (user + system) each server had used by its first /health, from /proc: on a
 * shared, loaded machine wall times stretch with the load, CPU time much less. And where a start's
 * time goes: the median of each phase the server logs when it serves (`startupMs`: modules, the
 * data directory's lock, preflight with the engine's checks and the store's opening at once, the
 * installation guard, the secret key, wiring, reconcile, listen; see
 * packages/server/src/app/startup-phases.ts).
 *
 * The store is seeded once (see support/scale-store.js) and every start reuses it, as a restart
 * does; one unmeasured start first makes the keys a first start creates. --compare also starts
 * another checkout's bin/hearth on the same store in the same rounds (rows `other: …`), so a change
 * is measured against what it replaces. The order rotates per round, so a noisy machine hurts all
 * alike. Prints a table (median, min, max, ratio of medians to `node -e 0`) against the target
 * (first /health under 1 s) and writes bench/results/server-start-<timestamp>.json (git-ignored).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchArgs } from './support/args.js';
import { seedScaleStore } from './support/scale-store.js';
import { API } from './support/server.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const HEARTH = join(HERE, '..', 'bin', 'hearth');
const BARE = join(HERE, 'support', 'bare-fastify.js');
const TARGET_MS = 1000;

const flags = benchArgs(
  [
    'Usage: node bench/server-start.js [--users N] [--per-user N] [--runs N] [--compare OTHER/bin/hearth]',
    '  --users     users in the store (default 1000)',
    '  --per-user  workspaces per user (default 10)',
    '  --runs      starts per side, medians reported (default 7)',
    "  --compare   another checkout's bin/hearth, started in the same rounds (rows `other: ...`)",
  ],
  {
    users: { type: 'string', default: '1000' },
    'per-user': { type: 'string', default: '10' },
    runs: { type: 'string', default: '7' },
    compare: { type: 'string' },
  },
);
const USERS = Number(flags.users);
const PER_USER = Number(flags['per-user']);
const RUNS = Number(flags.runs);

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** CPU time (user + system, ms) process `pid` has used so far: what a loaded machine distorts least. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime (fields 14 and 15 of stat) in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Polls `url` every 5 ms until it answers 200: ms since `t0`. */
async function firstOk(url, t0, child) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${url} answered`);
    const ok = await fetch(url).then(
      (r) => r.arrayBuffer().then(() => r.ok),
      () => false,
    );
    if (ok) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stopped = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

async function nodeFloor() {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return { exitMs: performance.now() - t0 };
}

async function bareFastify(bodyFile) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [BARE, bodyFile, String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const healthMs = await firstOk(`http://127.0.0.1:${port}/health`, t0, child);
    return { healthMs, cpuMs: cpuMs(child.pid) };
  } finally {
    await stopped(child);
  }
}

/**
 * The phases of the server's start (`startupMs` and `startupCpuMs` of its "hearth is serving" log
 * line on stdout, wall and CPU time), if it logged them.
 */
function startupPhases(log) {
  const line = log.split('\n').find((l) => l.includes('"startupMs"'));
  if (line === undefined) return undefined;
  const { startupMs, startupCpuMs = {} } = JSON.parse(line);
  return Object.fromEntries(
    Object.entries(startupMs).map(([name, ms]) => [name, { ms, cpuMs: startupCpuMs[name] }]),
  );
}

async function hearthServer(bin, dataDir, home) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    bin,
    ['server', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--log-level', 'info'],
    { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  let log = '';
  // The phases line comes just before or just after the first /health (it waits for nothing the probe does).
  const logged = new Promise((resolve) => {
    child.stdout.on('data', (c) => {
      log += c;
      if (log.includes('"startupMs"') && log.slice(log.indexOf('"startupMs"')).includes('\n')) resolve();
    });
    setTimeout(resolve, 5000).unref();
  });
  const listening = new Promise((resolve, reject) => {
    child.stderr.on('data', (c) => {
      err += c;
      if (/serving on http/.test(err)) resolve(performance.now() - t0);
    });
    child.once('exit', (code) => reject(new Error(`${bin} server exited ${code}: ${err}`)));
  });
  listening.catch(() => undefined);
  try {
    const healthMs = await firstOk(`http://127.0.0.1:${port}${API}/health`, t0, child);
    const cpu = cpuMs(child.pid);
    const listeningMs = await listening;
    await logged;
    return { listeningMs, healthMs, cpuMs: cpu, phases: startupPhases(log) };
  } finally {
    await stopped(child);
  }
}

const dir = mkdtempSync(join(os.tmpdir(), 'hearth-bench-server-start-'));
try {
  const dataDir = join(dir, 'data');
  const t = performance.now();
  await seedScaleStore(dataDir, { users: USERS, perUser: PER_USER, password: 'bench-password' });
  console.error(
    `seeded ${USERS} users, ${USERS * PER_USER} workspaces in ${Math.round(performance.now() - t)} ms`,
  );
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, '[]');

  const subjects = [
    { name: 'node -e 0', run: nodeFloor },
    { name: 'bare Fastify', run: () => bareFastify(bodyFile) },
    { name: 'hearth server', run: () => hearthServer(HEARTH, dataDir, dir) },
    ...(flags.compare
      ? [{ name: 'other: hearth server', run: () => hearthServer(flags.compare, dataDir, dir) }]
      : []),
  ];
  // The first start makes the SSH host key, the secret key and the code cache; a restart finds them.
  for (const s of subjects) await s.run();
  const samples = new Map(subjects.map((s) => [s.name, []]));
  for (let round = 0; round < RUNS; round++) {
    for (let i = 0; i < subjects.length; i++) {
      const s = subjects[(i + round) % subjects.length];
      samples.get(s.name).push(await s.run());
    }
    console.error(`  round ${round + 1}/${RUNS}`);
  }

  const stats = (values) => {
    const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
    if (sorted.length === 0) return undefined;
    const r = (v) => Math.round(v);
    return {
      medianMs: r(sorted[Math.floor(sorted.length / 2)]),
      minMs: r(sorted[0]),
      maxMs: r(sorted.at(-1)),
    };
  };
  const results = [];
  for (const [name, runs] of samples) {
    for (const measure of ['exitMs', 'listeningMs', 'healthMs', 'cpuMs']) {
      const s = stats(runs.map((r) => r[measure]));
      if (s)
        results.push({
          subject: name,
          measure: { exitMs: 'exit', listeningMs: 'listening', healthMs: '/health', cpuMs: 'CPU at /health' }[
            measure
          ],
          ...s,
          runs: runs.map((r) => Math.round(r[measure])),
        });
    }
  }
  const floor = results[0].medianMs;
  const header = ['start', 'until', 'median ms', 'min ms', 'max ms', 'x node', 'target'];
  const rows = results.map((r) => [
    r.subject,
    r.measure,
    String(r.medianMs),
    String(r.minMs),
    String(r.maxMs),
    r.measure.startsWith('CPU') ? '' : (r.medianMs / floor).toFixed(2),
    r.subject.endsWith('hearth server') && r.measure === '/health'
      ? `${r.medianMs < TARGET_MS ? 'met' : 'MISSED'} (< ${TARGET_MS} ms)`
      : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (row) => row.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `Server start at ${USERS.toLocaleString('en')} users, ${(USERS * PER_USER).toLocaleString('en')} workspaces; ` +
      `${RUNS} rounds, load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`,
  );
  console.log(fmt(header));
  for (const row of rows) console.log(fmt(row));
  // Where a start's time goes: the median of each phase the server logged, wall and CPU (engine
  // and store run at once, within preflight, and have no CPU time of their own).
  const phaseRows = [];
  for (const [name, runs] of samples) {
    const logged = runs.map((r) => r.phases).filter((p) => p !== undefined);
    if (logged.length === 0) continue;
    const names = [...new Set(logged.flatMap((p) => Object.keys(p)))];
    const median = (n, key) => stats(logged.map((p) => p[n]?.[key]))?.medianMs;
    phaseRows.push({
      subject: name,
      phases: Object.fromEntries(names.map((n) => [n, { ms: median(n, 'ms'), cpuMs: median(n, 'cpuMs') }])),
    });
  }
  for (const { subject, phases } of phaseRows) {
    console.log(`${subject}, median per phase (wall ms / CPU ms):`);
    console.log(
      `  ${Object.entries(phases)
        .map(([n, { ms, cpuMs }]) => `${n} ${ms}${cpuMs === undefined ? '' : ` / ${cpuMs}`}`)
        .join(', ')}`,
    );
  }
  const out = join(HERE, 'results', `server-start-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ users: USERS, workspaces: USERS * PER_USER, runs: RUNS, node: process.version, cpus: os.cpus().length, loadAverage: os.loadavg(), compare: flags.compare ?? null, targetMs: TARGET_MS, results, phases: phaseRows }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
