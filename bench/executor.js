#!/usr/bin/env node
/**
 * Lifecycle executor benchmark: what one tick costs when the store is large.
 *
 *   node bench/executor.js [--workspaces N] [--users N] [--runs N]
 *
 * Fills a fresh SQLite store (temp dir, the real migrations) with 100,000 workspaces of 20,000
 * users (5 each), every user with an auto-start schedule, org auto-off 2h. Three fifths of the
 * workspaces run (deadlines in the future), two fifths are stopped and opted into auto-start
 * (schedules firing tomorrow). The executor runs with the real services on top of an in-process
 * runtime that only records calls and a build queue that records instead of building.
 *
 * Scenarios, each a single tick (median of --runs ticks for "nothing due"):
 *   nothing due   no deadline or firing has come
 *   1,000 due     500 idle running workspaces past auto-off + 100 users' schedules firing (500 stopped workspaces)
 *   10,000 due    5,000 + 1,000 users (5,000)
 *
 * Prints a table (tick ms, candidates, actions, heap and RSS growth) and writes
 * bench/results/executor-<timestamp>.json (git-ignored). Target: nothing due < 50 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, '..', 'packages', 'server', 'dist', 'src');
const load = (path) => import(join(SERVER, path));
const { openSqlite } = await load('store/database.js');
const { LifecycleExecutor } = await load('lifecycle/executor.js');
const { refreshAutoOff } = await load('lifecycle/policy.js');
const { InProcessActivity } = await load('coordination/in-process/activity.js');
const { InProcessBuildQueue } = await load('coordination/in-process/build-queue.js');
const { InProcessLocks } = await load('coordination/in-process/locks.js');
const { InProcessPubSub } = await load('coordination/in-process/pubsub.js');
const { WorkspaceService } = await load('workspaces/workspace-service.js');
const { WorkspaceEvents } = await load('workspaces/events.js');
const { BuildRunner } = await load('builds/build-runner.js');
const { singleRuntime } = await load('runtime/runtimes.js');

const TARGET_NOTHING_DUE_MS = 50;
const { values: flags } = parseArgs({
  options: {
    workspaces: { type: 'string', default: '100000' },
    users: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '20' },
  },
});
const WORKSPACES = Number(flags.workspaces);
const USERS = Number(flags.users);
const RUNS = Number(flags.runs);
const PER_USER = Math.ceil(WORKSPACES / USERS);

const NOW = new Date('2026-06-10T10:00:00Z');
const iso = (ms) => new Date(NOW.getTime() + ms).toISOString();
const HOUR = 3_600_000;

/** A runtime that answers every call at once and counts it. */
function recordingRuntime() {
  const calls = new Map();
  const answers = { listContainers: [], inspectImage: undefined };
  const runtime = new Proxy(
    {},
    {
      get(_, name) {
        if (name === 'then') return undefined;
        return async () => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return answers[name];
        };
      },
    },
  );
  return { runtime, calls };
}

async function fill(db) {
  const orgId = 'org-1';
  await db
    .insertInto('orgs')
    .values({
      id: orgId,
      name: 'default',
      created_at: NOW.toISOString(),
      max_cpu_millis: 8000,
      max_memory_bytes: 2 ** 35,
      max_disk_bytes: 2 ** 38,
      max_gpus: 0,
      member_cpu_quota_millis: 16000,
      member_memory_quota_bytes: 2 ** 36,
      auto_off_ms: 2 * HOUR,
    })
    .execute();
  await db.transaction().execute(async (tx) => {
    const users = [];
    const schedules = [];
    for (let u = 0; u < USERS; u++) {
      users.push({
        id: `u${u}`,
        username: `user${u}`,
        email: `user${u}@example.com`,
        password_hash: 'x',
        site_admin: 0,
        suspended_at: null,
        created_at: NOW.toISOString(),
      });
      schedules.push({
        user_id: `u${u}`,
        time: '08:30',
        timezone: 'Europe/Berlin',
        days: 'mon,tue,wed,thu,fri,sat,sun',
        next_fire_at: iso(20 * HOUR),
        updated_at: NOW.toISOString(),
      });
    }
    const b = async (table, rows) => {
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto(table)
          .values(rows.slice(i, i + 500))
          .execute();
    };
    await b('users', users);
    await b('autostart_schedules', schedules);
    const workspaces = [];
    for (let w = 0; w < WORKSPACES; w++) {
      const running = w % PER_USER < Math.round(PER_USER * 0.6);
      workspaces.push({
        id: `w${w}`,
        org_id: orgId,
        owner_id: `u${Math.floor(w / PER_USER)}`,
        name: `ws${w % PER_USER}`,
        image_ref: 'hearth-demo:latest',
        image_digest: 'sha256:1',
        username: 'dev',
        cpu_millis: 1000,
        memory_bytes: 2 ** 30,
        disk_bytes: 2 ** 33,
        gpus: 0,
        state: running ? 'running' : 'stopped',
        state_reason: 'build_succeeded',
        state_message: 'seeded',
        state_actor: 'system',
        state_changed_at: NOW.toISOString(),
        container_id: running ? `c${w}` : null,
        volume_name: `hearth-home-w${w}`,
        home_ready: 1,
        created_at: NOW.toISOString(),
        updated_at: NOW.toISOString(),
        last_activity_at: iso(-HOUR),
        auto_off_at: running ? iso(HOUR) : null,
        autostart: running ? 0 : 1,
      });
    }
    await b('workspaces', workspaces);
  });
}

/** Makes `n` workspaces due: half idle running ones past auto-off, half stopped ones whose schedule fires now. */
async function makeDue(db, n, round) {
  const offWanted = n / 2;
  const usersWanted = Math.ceil(n / 2 / (PER_USER - Math.round(PER_USER * 0.6)));
  // Disjoint slices of users per round, so earlier rounds' stopped workspaces are not reused.
  const firstUser = round * 2000;
  const userIds = Array.from({ length: usersWanted }, (_, i) => `u${firstUser + i}`);
  const running = await db
    .selectFrom('workspaces')
    .select('id')
    .where('state', '=', 'running')
    .where('owner_id', 'not in', userIds)
    .limit(offWanted)
    .execute();
  for (let i = 0; i < running.length; i += 500)
    await db
      .updateTable('workspaces')
      .set({ auto_off_at: iso(-60_000), last_activity_at: iso(-3 * HOUR) })
      .where(
        'id',
        'in',
        running.slice(i, i + 500).map((r) => r.id),
      )
      .execute();
  for (let i = 0; i < userIds.length; i += 500)
    await db
      .updateTable('autostart_schedules')
      .set({ next_fire_at: NOW.toISOString() })
      .where('user_id', 'in', userIds.slice(i, i + 500))
      .execute();
}

function mb(bytes) {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

const dir = mkdtempSync(join(os.tmpdir(), 'hearth-bench-executor-'));
try {
  const db = await openSqlite(join(dir, 'hearth.db'));
  const t0 = performance.now();
  await fill(db);
  const fillMs = Math.round(performance.now() - t0);

  const logger = pino({ level: 'silent' });
  const clock = { now: () => NOW };
  const { runtime, calls } = recordingRuntime();
  const events = new WorkspaceEvents(new InProcessPubSub());
  const locks = new InProcessLocks();
  const queued = [];
  const queue = new InProcessBuildQueue(1_000_000, async (id) => void queued.push(id));
  const runtimes = singleRuntime(runtime);
  const runner = new BuildRunner({ db, clock, events, logger, stages: [], runtimes });
  const workspaces = new WorkspaceService({
    db,
    clock,
    events,
    runtimes,
    // Automation's paths (stopWorkspace, queueSystemBuild) place nothing.
    placement: undefined,
    // Automation's paths (stopWorkspace, queueSystemBuild) use neither users, orgs nor the catalogue.
    users: undefined,
    orgs: undefined,
    images: undefined,
    queue,
    runner,
    logger,
    stopGraceSeconds: 10,
    locks,
  });
  const activity = new InProcessActivity({ record: (id, at) => refreshAutoOff(db, id, at), clock, logger });
  const executor = new LifecycleExecutor({ db, clock, logger, workspaces, activity, events, locks });

  const results = [];
  const measure = async (name, due) => {
    global.gc?.();
    const before = process.memoryUsage();
    const t = performance.now();
    const report = await executor.tick(NOW);
    const ms = performance.now() - t;
    const after = process.memoryUsage();
    await workspaces.settle();
    const counts = {};
    for (const a of report.actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
    return {
      scenario: name,
      due,
      tickMs: Math.round(ms * 10) / 10,
      candidates: report.candidates,
      actions: counts,
      errors: report.errors.length,
      heapDeltaMb: mb(after.heapUsed - before.heapUsed),
      rssMb: mb(after.rss),
    };
  };

  const nothing = [];
  for (let i = 0; i < RUNS; i++) nothing.push(await measure('nothing due', 0));
  nothing.sort((a, b) => a.tickMs - b.tickMs);
  const median = nothing[Math.floor(nothing.length / 2)];
  results.push({ ...median, scenario: `nothing due (median of ${RUNS})`, maxTickMs: nothing.at(-1).tickMs });

  let round = 0;
  for (const due of [1000, 10000]) {
    await makeDue(db, due, round++);
    results.push(await measure(`${due.toLocaleString('en')} due`, due));
  }

  const header = ['scenario', 'tick ms', 'candidates', 'actions', 'errors', 'heap Δ MB', 'RSS MB'];
  const rows = results.map((r) => [
    r.scenario,
    String(r.tickMs),
    String(r.candidates),
    Object.entries(r.actions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '-',
    String(r.errors),
    String(r.heapDeltaMb),
    String(r.rssMb),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) =>
    r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `executor tick, ${WORKSPACES.toLocaleString('en')} workspaces, ${USERS.toLocaleString('en')} users with schedules (filled in ${fillMs} ms)`,
  );
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
  const ok = results[0].tickMs < TARGET_NOTHING_DUE_MS;
  console.log(
    `nothing due: ${results[0].tickMs} ms, target < ${TARGET_NOTHING_DUE_MS} ms: ${ok ? 'met' : 'NOT met'}`,
  );
  console.log(
    `engine calls recorded: ${JSON.stringify(Object.fromEntries(calls))}; builds queued: ${queued.length}`,
  );

  const out = join(HERE, 'results', `executor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        workspaces: WORKSPACES,
        users: USERS,
        fillMs,
        node: process.version,
        cpus: os.cpus().length,
        results,
        engineCalls: Object.fromEntries(calls),
        buildsQueued: queued.length,
        targetNothingDueMs: TARGET_NOTHING_DUE_MS,
        met: ok,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
  await db.destroy();
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
