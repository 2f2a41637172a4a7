#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
/**
 * Lifecycle executor and reconciler benchmark: what the periodic jobs cost when the store is large.
 *
 *   node --expose-gc bench/executor.js [--full] [--workspaces N] [--users N] [--runs N] [--compare OTHER/packages/server/dist/src]
 *
 * Fills a fresh SQLite store (temp dir, the real migrations) with 25,000 workspaces of 5,000 users
 * (5 each, members of the org; about 30 s in all), or with `--full` 100,000 of 20,000 (a few
 * minutes), every user with an auto-start schedule, org auto-off 2h.
 * Three fifths of the workspaces run (deadlines in the future), two fifths are stopped and opted
 * into auto-start (schedules firing tomorrow). The executor and the reconciler run with the real
 * services on top of an in-process runtime that only records calls (its containers are the running
 * workspaces') and a build queue that records instead of building.
 *
 * Scenarios, each a single tick (median of --runs ticks for "nothing due"):
 *   nothing due   no deadline or firing has come
 *   1,000 due     500 idle running workspaces past auto-off + 100 users' schedules firing (500 stopped workspaces)
 *   10,000 due    5,000 + 1,000 users (5,000)
 *   reconcile     one periodic reconcile pass (median of --runs), nothing to repair
 * For each: the tick's time, the time until its stops have finished too ("done ms"), the CPU time
 * the process used meanwhile (less sensitive than wall time to a machine shared with other work),
 * the longest the event loop was held (monitorEventLoopDelay, resolution 1 ms), the most CPU time
 * the main thread ran between two turns of the loop ("turn CPU max": a stall's own work, which a
 * busy machine does not lengthen; Linux's schedstat, exact to a scheduler tick), and the SQL
 * statements run per candidate ("SQL/cand.", counted by a Kysely plugin on the bench's database).
 *
 * --compare also runs the same scenarios, in a child process, on another checkout's built server
 * (its packages/server/dist/src), first; both tables are printed and written.
 *
 * Prints a table and writes bench/results/executor-<timestamp>.json (git-ignored). Targets:
 * nothing due < 50 ms; 10,000 due done < 2 s; no loop stall over 20 ms.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { benchArgs } from './support/args.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const flags = benchArgs(
  [
    'Usage: node --expose-gc bench/executor.js [--full] [--workspaces N] [--users N] [--runs N] [--compare DIR] [--json]',
    '  --full        100,000 workspaces of 20,000 users (default 25,000 of 5,000)',
    '  --workspaces  workspaces in the store (with --users)',
    '  --users       users in the store',
    '  --runs        ticks of "nothing due" and reconcile passes, medians reported (default 20)',
    "  --server      the packages/server/dist/src to measure (default this checkout's)",
    "  --compare     another checkout's packages/server/dist/src, run in the same rounds (rows `other: ...`)",
    '  --json        print the results as JSON',
  ],
  {
    full: { type: 'boolean', default: false },
    workspaces: { type: 'string' },
    users: { type: 'string' },
    runs: { type: 'string', default: '20' },
    server: { type: 'string' },
    compare: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
);
const SERVER = flags.server ?? join(HERE, '..', 'packages', 'server', 'dist', 'src');
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

const { Reconciler } = await load('workspaces/reconcile.js');

const TARGET_NOTHING_DUE_MS = 50;
const TARGET_STORM_MS = 2000;
const TARGET_LAG_MS = 20;
// The small preset has room for both storms (5,500 idle running workspaces of owners whose
// schedules do not fire, 2,750 owners whose do); --full is the store of issue 15's measurements.
const WORKSPACES = Number(flags.workspaces ?? (flags.full ? 100_000 : 25_000));
const USERS = Number(flags.users ?? (flags.full ? 20_000 : 5_000));
const RUNS = Number(flags.runs);
const PER_USER = Math.ceil(WORKSPACES / USERS);

const NOW = new Date('2026-06-10T10:00:00Z');
const iso = (ms) => new Date(NOW.getTime() + ms).toISOString();
const HOUR = 3_600_000;

/** A runtime that answers every call at once and counts it; its containers are `containers`. */
function recordingRuntime(containers) {
  const calls = new Map();
  const byWorkspace = new Map(containers.map((c) => [c.labels['dev.hearth.workspace-id'], c]));
  const answers = {
    listContainers: (labels) => {
      const id = labels['dev.hearth.workspace-id'];
      if (id === undefined) return containers;
      const c = byWorkspace.get(id);
      return c ? [c] : [];
    },
    listVolumes: () => [],
    inspectImage: () => undefined,
  };
  const runtime = new Proxy(
    {},
    {
      get(_, name) {
        if (name === 'then') return undefined;
        return async (...args) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return answers[name]?.(...args);
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
    await b(
      'org_members',
      users.map((u) => ({ org_id: orgId, user_id: u.id, role: 'member', added_at: NOW.toISOString() })),
    );
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
let nextUser = 0;
async function makeDue(db, n) {
  const offWanted = n / 2;
  const usersWanted = Math.ceil(n / 2 / (PER_USER - Math.round(PER_USER * 0.6)));
  // Fresh users each time, so earlier scenarios' stopped workspaces are not reused.
  const userIds = Array.from({ length: usersWanted }, (_, i) => `u${nextUser + i}`);
  nextUser += usersWanted;
  if (nextUser > USERS)
    throw new Error(`--users ${USERS} is too few for the scenarios: give at least ${nextUser}`);
  const running = await db
    .selectFrom('workspaces')
    .select('id')
    .where('state', '=', 'running')
    .where('auto_off_at', '>', NOW.toISOString())
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

/** `select workspaces`, `update builds`: what a statement is, for the per-scenario breakdown. */
function statementKind(node) {
  const table = (t) => t?.table?.identifier?.name ?? t?.identifier?.name ?? '?';
  switch (node.kind) {
    case 'SelectQueryNode':
      return `select ${table(node.from?.froms?.[0])}`;
    case 'UpdateQueryNode':
      return `update ${table(node.table)}`;
    case 'InsertQueryNode':
      return `insert ${table(node.into)}`;
    case 'DeleteQueryNode':
      return `delete ${table(node.from?.froms?.[0])}`;
    default:
      return node.kind;
  }
}

/** CPU time (ms) the main thread has run: Linux's schedstat, in ns, of the thread whose id is the pid. */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;
const mainThreadCpuMs = () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;

/**
 * The most CPU time (ms) the main thread ran between two turns of a 1 ms timer: a stall's own work,
 * which a machine shared with other work does not lengthen (the loop's wall-time delay also counts
 * the time the thread waited for a core). GC helper threads' work is not counted; the pauses they
 * cause the main thread are. The kernel brings a running thread's count up to date at its
 * scheduler ticks (every 4 ms at 250 Hz), so a turn's figure is exact to about a tick.
 */
function turnCpu() {
  let last = mainThreadCpuMs();
  let max = 0;
  const timer = setInterval(() => {
    const now = mainThreadCpuMs();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  return () => {
    clearInterval(timer);
    return max;
  };
}

function mb(bytes) {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

function table(title, results) {
  const header = [
    'scenario',
    'tick ms',
    'done ms',
    'CPU ms',
    'loop max ms',
    'turn CPU max ms',
    'candidates',
    'actions',
    'errors',
    'SQL',
    'SQL/cand.',
    'RSS MB',
  ];
  const rows = results.map((r) => [
    r.scenario,
    String(r.tickMs),
    String(r.doneMs),
    String(r.cpuMs),
    String(r.loopMaxMs),
    String(r.turnCpuMaxMs),
    String(r.candidates),
    Object.entries(r.actions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '-',
    String(r.errors),
    String(r.statements ?? '-'),
    String(r.perCandidate ?? '-'),
    String(r.rssMb),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r) =>
    r.map((c, i) => (i === 0 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(title);
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
}

/** Runs every scenario on a fresh store with the server at SERVER; answers the results. */
async function runScenarios() {
  const dir = mkdtempSync(join(os.tmpdir(), 'hearth-bench-executor-'));
  try {
    const store = await openSqlite(join(dir, 'hearth.db'));
    // Counted once run (a statement compiled and never run is no work), by the kind its tree shows;
    // a statement run from a text compiled before has no tree here ("precompiled").
    const statements = { count: 0, byKind: new Map() };
    const kinds = new Map();
    const db = store.withPlugin({
      transformQuery: (args) => {
        kinds.set(args.queryId, statementKind(args.node));
        return args.node;
      },
      transformResult: async (args) => {
        statements.count++;
        const key = kinds.get(args.queryId) ?? 'precompiled';
        kinds.delete(args.queryId);
        statements.byKind.set(key, (statements.byKind.get(key) ?? 0) + 1);
        return args.result;
      },
    });
    const t0 = performance.now();
    await fill(db);
    const fillMs = Math.round(performance.now() - t0);

    const logger = pino({ level: 'silent' });
    const clock = { now: () => NOW };
    const containers = (
      await db
        .selectFrom('workspaces')
        .select(['id', 'container_id'])
        .where('state', '=', 'running')
        .execute()
    ).map((w) => ({
      id: w.container_id,
      name: `hearth-${w.id}`,
      image: 'sha256:1',
      status: 'running',
      labels: { 'dev.hearth.managed': '1', 'dev.hearth.instance': 'bench', 'dev.hearth.workspace-id': w.id },
    }));
    const { runtime, calls } = recordingRuntime(containers);
    const events = new WorkspaceEvents(new InProcessPubSub());
    const locks = new InProcessLocks();
    const queued = [];
    const queue = new InProcessBuildQueue(1_000_000, async (id) => void queued.push(id));
    const runtimes = singleRuntime(runtime);
    const runner = new BuildRunner({ db, clock, events, logger, stages: [], runtimes });
    const activity = new InProcessActivity({ record: (id, at) => refreshAutoOff(db, id, at), clock, logger });
    const revocations = { revoked: () => undefined };
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
      activity,
      revocations,
      locks,
    });
    // Older servers took the locks too; this one ignores them.
    const executor = new LifecycleExecutor({ db, clock, logger, workspaces, activity, events, locks });
    const reconciler = new Reconciler({
      instanceId: 'bench',
      installations: { of: () => ({ assertAlone: async () => undefined }) },
      db,
      runtimes,
      workspaces,
      queue,
      clock,
      logger,
      revocations,
      claimStaleMs: 60_000,
    });

    const lag = monitorEventLoopDelay({ resolution: 1 });
    const measure = async (name, job) => {
      global.gc?.();
      lag.reset();
      lag.enable();
      // The histogram's first sample only sets its baseline: a job that held the loop from the
      // start would otherwise show no delay at all.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const stopTurnCpu = turnCpu();
      const cpu = process.cpuUsage();
      const sql0 = statements.count;
      statements.byKind.clear();
      const t = performance.now();
      const report = await job();
      const ms = performance.now() - t;
      await workspaces.settle();
      const doneMs = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const sqlCount = statements.count - sql0;
      // A last turn, so a stall at the very end is seen too.
      await new Promise((resolve) => setTimeout(resolve, 2));
      lag.disable();
      const turnCpuMaxMs = stopTurnCpu();
      const counts = {};
      for (const a of report.actions ?? []) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
      for (const k of ['runtimeLost', 'orphansRemoved']) if (report[k]) counts[k] = report[k];
      const round = (x) => Math.round(x * 10) / 10;
      return {
        scenario: name,
        tickMs: round(ms),
        doneMs: round(doneMs),
        cpuMs: round((used.user + used.system) / 1000),
        loopMaxMs: round(lag.max / 1e6),
        turnCpuMaxMs: round(turnCpuMaxMs),
        candidates: report.candidates ?? '-',
        actions: counts,
        errors: Array.isArray(report.errors) ? report.errors.length : (report.errors ?? 0),
        statements: sqlCount,
        statementsByKind: Object.fromEntries([...statements.byKind].sort((a, b) => b[1] - a[1])),
        perCandidate: report.candidates ? round(sqlCount / report.candidates) : '-',
        rssMb: mb(process.memoryUsage().rss),
      };
    };
    const median = async (name, job) => {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await measure(name, job));
      runs.sort((a, b) => a.doneMs - b.doneMs);
      return {
        ...runs[Math.floor(runs.length / 2)],
        scenario: `${name} (median of ${RUNS})`,
        loopMaxMs: Math.max(...runs.map((r) => r.loopMaxMs)),
        turnCpuMaxMs: Math.max(...runs.map((r) => r.turnCpuMaxMs)),
      };
    };

    const results = [];
    // The control: the loop's delay while this process does nothing (a machine shared with other
    // work delays every process's timers; the jobs' stalls are only theirs beyond this).
    results.push(
      await median('idle 1 s (control)', async () => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return {};
      }),
    );
    results.push(await median('nothing due', () => executor.tick(NOW)));
    results.push(await median('reconcile pass', () => reconciler.check()));
    for (const due of [1000, 10000]) {
      await makeDue(db, due);
      results.push(await measure(`${due.toLocaleString('en')} due`, () => executor.tick(NOW)));
    }
    await store.destroy();
    return {
      fillMs,
      results,
      engineCalls: Object.fromEntries(calls),
      buildsQueued: queued.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (flags.json) {
  // A child of --compare: the results only, on stdout.
  console.log(JSON.stringify(await runScenarios()));
  process.exit(0);
}

const runs = [];
if (flags.compare !== undefined) {
  const args = [
    '--expose-gc',
    fileURLToPath(import.meta.url),
    '--json',
    '--server',
    flags.compare,
    '--workspaces',
    String(WORKSPACES),
    '--users',
    String(USERS),
    '--runs',
    String(RUNS),
  ];
  const other = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 2 ** 26 }));
  runs.push({ server: flags.compare, ...other });
}
runs.push({ server: SERVER, ...(await runScenarios()) });

for (const run of runs) {
  table(
    `${run.server}: ${WORKSPACES.toLocaleString('en')} workspaces, ${USERS.toLocaleString('en')} users with schedules (filled in ${run.fillMs} ms)`,
    run.results,
  );
  const storm = run.results.find((r) => r.scenario === '10,000 due');
  if (storm?.statementsByKind)
    console.log(`10,000 due, SQL statements by kind: ${JSON.stringify(storm.statementsByKind)}`);
  console.log(
    `engine calls recorded: ${JSON.stringify(run.engineCalls)}; builds queued: ${run.buildsQueued}\n`,
  );
}
const mine = runs.at(-1).results;
const nothing = mine.find((r) => r.scenario.startsWith('nothing due'));
const storm = mine.find((r) => r.scenario === '10,000 due');
const worstLag = Math.max(...mine.filter((r) => !r.scenario.includes('control')).map((r) => r.loopMaxMs));
const verdicts = {
  nothingDue: nothing.tickMs < TARGET_NOTHING_DUE_MS,
  storm: storm.doneMs < TARGET_STORM_MS,
  loopLag: worstLag <= TARGET_LAG_MS,
};
console.log(
  `nothing due: ${nothing.tickMs} ms, target < ${TARGET_NOTHING_DUE_MS} ms: ${verdicts.nothingDue ? 'met' : 'NOT met'}`,
);
console.log(
  `10,000 due, done: ${storm.doneMs} ms, target < ${TARGET_STORM_MS} ms: ${verdicts.storm ? 'met' : 'NOT met'}`,
);
console.log(
  `longest loop stall: ${worstLag} ms, target <= ${TARGET_LAG_MS} ms: ${verdicts.loopLag ? 'met' : 'NOT met'}`,
);

const out = join(HERE, 'results', `executor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify(
    {
      workspaces: WORKSPACES,
      users: USERS,
      node: process.version,
      cpus: os.cpus().length,
      loadavg: os.loadavg(),
      runs,
      targets: {
        nothingDueMs: TARGET_NOTHING_DUE_MS,
        stormDoneMs: TARGET_STORM_MS,
        loopLagMs: TARGET_LAG_MS,
      },
      met: verdicts,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${out}`);
process.exitCode = Object.values(verdicts).every(Boolean) ? 0 : 1;
