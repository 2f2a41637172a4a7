#!/usr/bin/env node
/**
 * Scale-out benchmark: Hearth on PostgreSQL with one and with two replicas, and the build queue's
 * claims across replicas.
 *
 *   node bench/scale-out.js [--users N] [--per-user N] [--duration S] [--connections N]
 *                           [--storm N] [--replicas N] [--concurrency N]
 *
 * A throwaway PostgreSQL cluster (scripts/test-postgres.sh, or HEARTH_BENCH_POSTGRES_URL's) gets
 * two databases:
 *
 *   API      --users x --per-user workspaces (default 1,000 x 10), filled as bench/api-scale.js
 *            fills SQLite (bench/support/seed.js). Servers on the real engine (DOCKER_HOST if set),
 *            one, then two on the same database and secret key. wrk at --connections for
 *            --duration s: a member's list (GET /workspaces) and one show; with two replicas the
 *            connections are split over both and requests/s add up (p50/p99: the worse replica).
 *   storm    --storm builds (default 10,000) of as many workspaces, all queued at once; --replicas
 *            build queues (default 3, --concurrency 8 each) claim them through the PostgreSQL
 *            queue, and a recording runner (no engine) marks each build succeeded: the time
 *            from release until every build was claimed, and how many were claimed twice (must
 *            be 0).
 *
 * Needs wrk and Debian's postgresql (setup-host.sh --for-tests). Prints a table and writes
 * bench/results/scale-out-<timestamp>.json (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedStore } from './support/seed.js';
import { API, startBenchServer, stopBenchServer } from './support/server.js';
import { wrk } from './support/wrk.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, '..', 'packages', 'server', 'dist', 'src');
const load = (path) => import(join(SERVER, path));

const { values: flags } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    'per-user': { type: 'string', default: '10' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
    storm: { type: 'string', default: '10000' },
    replicas: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
  },
});
const USERS = Number(flags.users);
const PER_USER = Number(flags['per-user']);
const DURATION = Number(flags.duration);
const CONNECTIONS = Number(flags.connections);
const STORM = Number(flags.storm);
const REPLICAS = Number(flags.replicas);
const CONCURRENCY = Number(flags.concurrency);
const PASSWORD = 'correct horse battery staple';
const SCRIPT = join(HERE, '..', 'scripts', 'test-postgres.sh');

/** The cluster's admin URL, and how to stop it (nothing to stop for a given one). */
function startCluster() {
  const given = process.env.HEARTH_BENCH_POSTGRES_URL;
  if (given) return { url: given, stop: () => {} };
  const dir = join(os.tmpdir(), `hearth-bench-pg-${process.pid}`);
  const started = spawnSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`start PostgreSQL: ${started.stderr.trim()}`);
  return { url: started.stdout.trim(), stop: () => spawnSync('bash', [SCRIPT, 'stop', dir]) };
}

async function createDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database "${name}"`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.end();
}

/** The same load spread over every replica at once: requests/s summed, the worse latencies. */
async function measure(bases, path, token) {
  const per = Math.max(1, Math.floor(CONNECTIONS / bases.length));
  const runs = await Promise.all(
    bases.map((base) =>
      wrk(`${base}${API}${path}`, {
        connections: per,
        duration: DURATION,
        headers: { authorization: `Bearer ${token}` },
      }),
    ),
  );
  return {
    rps: Math.round(runs.reduce((a, r) => a + r.rps, 0)),
    p50Ms: Math.max(...runs.map((r) => r.p50Ms ?? 0)),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms ?? 0)),
    non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
  };
}

async function apiLoads(adminUrl) {
  const name = `bench_scale_api_${process.pid}`;
  const url = await createDatabase(adminUrl, name);
  const { openPostgres } = await load('store/postgres.js');
  const { argon2Passwords } = await load('identity/passwords.js');
  const { hashToken } = await load('identity/token-secret.js');
  const db = await openPostgres({ url, poolSize: 4, statementTimeoutMs: 0 });
  const t0 = performance.now();
  const tokens = await seedStore(db, {
    users: USERS,
    perUser: PER_USER,
    password: PASSWORD,
    argon2Passwords,
    hashToken,
  });
  const fillMs = Math.round(performance.now() - t0);
  await db.destroy();
  const env = { HEARTH_DATABASE_URL: url, HEARTH_SECRET_KEY: randomBytes(32).toString('base64') };
  const servers = [];
  const results = [];
  try {
    for (const count of [1, 2]) {
      while (servers.length < count) servers.push(await startBenchServer(`scale-${servers.length}`, { env }));
      const bases = servers.map((s) => s.base);
      results.push({
        replicas: count,
        load: 'member list (10)',
        ...(await measure(bases, '/workspaces', tokens.member)),
      });
      results.push({
        replicas: count,
        load: 'show one',
        ...(await measure(bases, '/users/user1/workspaces/ws3', tokens.member)),
      });
    }
  } finally {
    for (const s of servers) await stopBenchServer(s);
    await dropDatabase(adminUrl, name);
  }
  return { fillMs, results };
}

async function storm(adminUrl) {
  const name = `bench_scale_storm_${process.pid}`;
  const url = await createDatabase(adminUrl, name);
  const { openPostgres } = await load('store/postgres.js');
  const { PostgresBuildQueue } = await load('coordination/postgres/build-queue.js');
  const { systemClock } = await load('ports/clock.js');
  const { argon2Passwords } = await load('identity/passwords.js');
  const { hashToken } = await load('identity/token-secret.js');
  const db = await openPostgres({ url, poolSize: 20, statementTimeoutMs: 0 });
  try {
    const perUser = 10;
    await seedStore(db, {
      users: Math.ceil(STORM / perUser),
      perUser,
      password: PASSWORD,
      argon2Passwords,
      hashToken,
    });
    const queuedAt = Date.now();
    const rows = Array.from({ length: STORM }, (_, w) => ({
      id: `storm-${w}`,
      workspace_id: `w${w}`,
      number: 3,
      reason: 'autostart',
      initiator: 'system',
      status: 'queued',
      image_ref: 'hearth-demo:latest',
      image_digest: null,
      cpu_millis: 1000,
      memory_bytes: 2 ** 30,
      disk_bytes: 2 ** 33,
      gpus: 0,
      stages: '[]',
      error: null,
      warnings: '[]',
      log_truncated: 0,
      queued_at: new Date(queuedAt + w).toISOString(),
      started_at: null,
      finished_at: null,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('builds')
        .values(rows.slice(i, i + 500))
        .execute();
    const claims = new Map();
    let last = 0;
    let done;
    const all = new Promise((resolve) => {
      done = resolve;
    });
    const queues = Array.from({ length: REPLICAS }, (_, r) => {
      const replicaId = `${randomUUID()}.${r}`;
      return new PostgresBuildQueue({
        db,
        clock: systemClock,
        replicaId,
        concurrency: CONCURRENCY,
        held: true,
        abandoned: async () => {},
        onError: (err) => console.error(`replica ${r}: ${err.message}`),
        run: async (id) => {
          claims.set(id, [...(claims.get(id) ?? []), r]);
          last = performance.now();
          const now = new Date().toISOString();
          await db
            .updateTable('builds')
            .set({ status: 'succeeded', started_at: now, finished_at: now })
            .where('id', '=', id)
            .execute();
          if (claims.size === STORM) done();
        },
      });
    });
    const t0 = performance.now();
    for (const q of queues) q.release();
    await all;
    const claimMs = Math.round(last - t0);
    await Promise.all(queues.map((q) => q.idle()));
    const twice = [...claims.values()].filter((c) => c.length > 1).length;
    const perReplica = Array.from(
      { length: REPLICAS },
      (_, r) => [...claims.values()].filter((c) => c[0] === r).length,
    );
    return {
      builds: STORM,
      replicas: REPLICAS,
      concurrency: CONCURRENCY,
      claimMs,
      claimedTwice: twice,
      perReplica,
    };
  } finally {
    await db.destroy();
    await dropDatabase(adminUrl, name);
  }
}

const cluster = startCluster();
try {
  const api = await apiLoads(cluster.url);
  const claims = await storm(cluster.url);
  const header = ['load', 'replicas', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx'];
  const rows = api.results.map((r) => [
    r.load,
    String(r.replicas),
    String(r.rps),
    String(r.p50Ms),
    String(r.p99Ms),
    String(r.non2xx),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `API on PostgreSQL at ${(USERS * PER_USER).toLocaleString('en')} workspaces (filled in ${api.fillMs} ms); wrk ${DURATION} s at ${CONNECTIONS} connections`,
  );
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  console.log(
    `storm: ${claims.builds.toLocaleString('en')} builds due at once, ${claims.replicas} replicas x ${claims.concurrency}: ` +
      `all claimed in ${claims.claimMs} ms, claimed twice: ${claims.claimedTwice}, per replica ${claims.perReplica.join(' / ')}`,
  );
  const out = join(HERE, 'results', `scale-out-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ workspaces: USERS * PER_USER, durationSeconds: DURATION, connections: CONNECTIONS, node: process.version, cpus: os.cpus().length, api, storm: claims }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
  if (claims.claimedTwice > 0) process.exitCode = 1;
} finally {
  cluster.stop();
}
