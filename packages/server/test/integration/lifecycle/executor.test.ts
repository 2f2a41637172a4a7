/**
 * The executor against a real (in-memory) SQLite store and a fake workspace service: what it
 * loads, ready-by from stored build durations, per-workspace error isolation, and its counters.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { InProcessActivity } from '../../../src/coordination/in-process/activity.js';
import { HearthError } from '../../../src/errors.js';
import { LifecycleExecutor } from '../../../src/lifecycle/executor.js';
import { refreshAutoOff } from '../../../src/lifecycle/policy.js';
import type { Activity } from '../../../src/ports/activity.js';
import type { Database } from '../../../src/store/database.js';
import type { WorkspaceRecord } from '../../../src/store/repositories/workspaces.repository.js';
import type { RebuildItem, RebuildOutcome } from '../../../src/workspaces/build-requests.js';
import {
  applyTransitions,
  type TransitionItem,
  type TransitionOutcome,
} from '../../../src/workspaces/transition.js';
import { ManualClock } from '../../support/clock.js';
import { openTestStore } from '../../support/test-store.js';
import { workspaceRow } from '../../support/workspace-row.js';

const MIN = 60_000;
const FIRE = Date.parse('2026-06-10T06:30:00Z');
const logger = pino({ level: 'silent' });

/**
 * Records what automation asked for; `failFor` names workspaces whose action is refused, as the
 * service refuses one (a state someone else changed, a limit).
 */
function fakeWorkspaces(failFor: Set<string>) {
  const calls: string[] = [];
  const refusal = (name: string) => new HearthError('engine_unreachable', `engine said no for ${name}`);
  return {
    calls,
    async stopWorkspaces(items: readonly TransitionItem[]) {
      const outcome: TransitionOutcome = { moved: [], refused: [] };
      for (const item of items) {
        if (failFor.has(item.ws.name)) outcome.refused.push({ item, error: refusal(item.ws.name) });
        else {
          calls.push(`stop ${item.ws.name} ${item.reason.code}`);
          outcome.moved.push(item);
        }
      }
      return outcome;
    },
    async queueSystemBuilds(items: readonly { ws: WorkspaceRecord; message: string }[], reason: string) {
      const outcome = { queued: [] as RebuildOutcome['queued'], refused: [] as RebuildOutcome['refused'] };
      for (const { ws } of items) {
        const item = { ws, ask: {} as RebuildItem['ask'] };
        if (failFor.has(ws.name)) outcome.refused.push({ item, error: refusal(ws.name) });
        else {
          calls.push(`build ${ws.name} ${reason}`);
          outcome.queued.push({ item, buildId: 'build-id' });
        }
      }
      return outcome;
    },
  };
}

async function seed(db: Database, now: number) {
  const at = new Date(now).toISOString();
  await db
    .insertInto('orgs')
    .values({
      id: 'o',
      name: 'default',
      created_at: at,
      max_cpu_millis: 8000,
      max_memory_bytes: 2 ** 34,
      max_disk_bytes: 2 ** 36,
      max_gpus: 0,
      member_cpu_quota_millis: 16000,
      member_memory_quota_bytes: 2 ** 35,
      auto_off_ms: 60 * MIN,
    })
    .execute();
  await db
    .insertInto('users')
    .values({
      id: 'u',
      username: 'alice',
      email: 'a@x',
      password_hash: 'x',
      site_admin: 0,
      suspended_at: null,
      created_at: at,
    })
    .execute();
  await db
    .insertInto('org_members')
    .values({ org_id: 'o', user_id: 'u', role: 'member', added_at: at })
    .execute();
  await db
    .insertInto('autostart_schedules')
    .values({
      user_id: 'u',
      time: '08:30',
      timezone: 'Europe/Berlin',
      days: 'mon,tue,wed,thu,fri,sat,sun',
      next_fire_at: new Date(FIRE).toISOString(),
      updated_at: at,
    })
    .execute();
}

async function addWorkspace(
  db: Database,
  name: string,
  state: string,
  extra: { lastActivity?: number; autoOffAt?: number; autostart?: boolean; buildsMs?: number[] },
) {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  await db
    .insertInto('workspaces')
    .values(
      workspaceRow({
        id: name,
        owner_id: 'u',
        state,
        state_changed_at: iso(FIRE - 24 * 60 * MIN)!,
        created_at: iso(FIRE - 48 * 60 * MIN)!,
        updated_at: iso(FIRE - 24 * 60 * MIN)!,
        last_activity_at: iso(extra.lastActivity),
        auto_off_at: iso(extra.autoOffAt),
        autostart: extra.autostart ? 1 : 0,
      }),
    )
    .execute();
  for (const [i, ms] of (extra.buildsMs ?? []).entries()) {
    const start = FIRE - 24 * 60 * MIN + i * 60 * MIN;
    await db
      .insertInto('builds')
      .values({
        id: `${name}-b${i}`,
        workspace_id: name,
        number: i + 1,
        reason: 'rebuild',
        initiator: 'alice',
        status: 'succeeded',
        image_ref: 'hearth-demo:latest',
        image_digest: 'sha256:1',
        cpu_millis: 1000,
        memory_bytes: 2 ** 30,
        disk_bytes: 2 ** 33,
        gpus: 0,
        stages: '[]',
        error: null,
        warnings: '[]',
        log_truncated: 0,
        queued_at: iso(start)!,
        started_at: iso(start)!,
        finished_at: iso(start + ms)!,
      })
      .execute();
  }
}

describe('the lifecycle executor on a real store', () => {
  let db: Database;
  let clock: ManualClock;
  let failFor: Set<string>;
  let ws: ReturnType<typeof fakeWorkspaces>;
  let executor: LifecycleExecutor;

  let closeStore: () => Promise<void>;
  const inProcessActivity = () =>
    new InProcessActivity({ record: (id, at) => refreshAutoOff(db, id, at), clock, logger });
  const executorWith = (activity: Activity) =>
    new LifecycleExecutor({ db, clock, logger, workspaces: ws, activity, events: { changed: () => {} } });

  beforeEach(async () => {
    ({ db, close: closeStore } = await openTestStore());
    clock = new ManualClock(FIRE - 60 * MIN);
    failFor = new Set();
    ws = fakeWorkspaces(failFor);
    await seed(db, clock.now().getTime());
    executor = executorWith(inProcessActivity());
  });
  afterEach(() => closeStore());

  it('starts a workspace early by the p90 of its recent builds (ready by), capped at 30 minutes', async () => {
    // Given one workspace whose builds take about 4 minutes, one whose took an hour
    await addWorkspace(db, 'slow', 'stopped', {
      autostart: true,
      lastActivity: FIRE - 60 * MIN,
      buildsMs: [3 * MIN, 4 * MIN, 4 * MIN, 2 * MIN],
    });
    await addWorkspace(db, 'huge', 'stopped', {
      autostart: true,
      lastActivity: FIRE - 60 * MIN,
      buildsMs: [60 * MIN],
    });
    await addWorkspace(db, 'new', 'stopped', { autostart: true, lastActivity: FIRE - 60 * MIN });

    assert.deepEqual((await executor.tick(new Date(FIRE - 31 * MIN))).actions, []);
    assert.deepEqual(
      (await executor.tick(new Date(FIRE - 30 * MIN))).actions.map((a) => a.workspaceId),
      ['huge'],
    );
    assert.deepEqual((await executor.tick(new Date(FIRE - 4 * MIN - 1000))).actions, []);
    assert.deepEqual(
      (await executor.tick(new Date(FIRE - 4 * MIN))).actions.map((a) => a.workspaceId),
      ['slow'],
    );
    assert.deepEqual(
      (await executor.tick(new Date(FIRE - MIN))).actions.map((a) => a.workspaceId),
      ['new'],
    );
    assert.deepEqual(ws.calls, ['build huge autostart', 'build slow autostart', 'build new autostart']);
  });

  it('does not auto-start the workspaces of an owner removed from their org', async () => {
    await addWorkspace(db, 'left', 'stopped', { autostart: true, lastActivity: FIRE - 60 * MIN });
    await db.deleteFrom('org_members').where('user_id', '=', 'u').execute();
    await executor.tick(new Date(FIRE));
    assert.deepEqual(ws.calls, []);
  });

  it('loads only what is due, and isolates one workspace’s failure from the others', async () => {
    const now = FIRE;
    await addWorkspace(db, 'idle-a', 'running', {
      lastActivity: now - 2 * 60 * MIN,
      autoOffAt: now - 60 * MIN,
    });
    await addWorkspace(db, 'idle-b', 'running', {
      lastActivity: now - 2 * 60 * MIN,
      autoOffAt: now - 60 * MIN,
    });
    await addWorkspace(db, 'idle-c', 'running', {
      lastActivity: now - 2 * 60 * MIN,
      autoOffAt: now - 60 * MIN,
    });
    await addWorkspace(db, 'busy', 'running', { lastActivity: now - 10 * MIN, autoOffAt: now + 50 * MIN });
    await addWorkspace(db, 'never', 'running', { lastActivity: now - 10 * 60 * MIN });
    await db
      .updateTable('autostart_schedules')
      .set({ next_fire_at: new Date(now + 24 * 60 * MIN).toISOString() })
      .execute();
    failFor.add('idle-b');

    const report = await executor.tick(new Date(now));
    assert.equal(
      report.candidates,
      3,
      'busy (not yet in its warning window) and never (no deadline) are not loaded',
    );
    assert.deepEqual(ws.calls, ['stop idle-a auto_off', 'stop idle-c auto_off']);
    assert.deepEqual(report.errors, [{ workspaceId: 'idle-b', error: 'engine said no for idle-b' }]);
    const stats = executor.stats();
    assert.equal(stats.ticks, 1);
    assert.equal(stats.errors, 1);
    assert.equal(stats.actions.auto_off, 2);
    assert.equal(stats.lastCandidates, 3);
    assert.ok(stats.lastTickMs > 0 && stats.maxTickMs >= stats.lastTickMs);
  });

  it('stops each of many due workspaces once when two executors and a person act at once, in few statements', async () => {
    // Given 300 idle running workspaces, a stop that writes the real compare-and-set and takes a
    // moment, and one workspace its owner stops while the executors decide
    const now = FIRE;
    for (let i = 0; i < 300; i++)
      await addWorkspace(db, `idle-${i}`, 'running', {
        lastActivity: now - 2 * 60 * MIN,
        autoOffAt: now - 60 * MIN,
      });
    await db
      .updateTable('autostart_schedules')
      .set({ next_fire_at: new Date(now + 24 * 60 * MIN).toISOString() })
      .execute();
    const stopped: string[] = [];
    let statements = 0;
    const counted = db.withPlugin({
      transformQuery: (args) => {
        statements++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const real = {
      async stopWorkspaces(items: readonly TransitionItem[]) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const outcome = await applyTransitions(counted, items, 'stop', new Date(now).toISOString());
        for (const { ws: w } of outcome.moved) stopped.push(w.name);
        return outcome;
      },
      queueSystemBuilds: ws.queueSystemBuilds,
    };
    const activity = inProcessActivity();
    const make = () =>
      new LifecycleExecutor({
        db: counted,
        clock,
        logger,
        workspaces: real,
        activity,
        events: { changed: () => {} },
      });
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      // When two executors (two replicas' worth) tick at once, and the owner stops idle-7 meanwhile
      const ticks = Promise.all([make().tick(new Date(now)), make().tick(new Date(now))]);
      await db.updateTable('workspaces').set({ state: 'stopping' }).where('id', '=', 'idle-7').execute();
      const [a, b] = await ticks;
      // Then every other workspace was stopped exactly once, by one of them, and nothing failed
      assert.equal(new Set(stopped).size, stopped.length);
      assert.ok(!stopped.includes('idle-7'), 'the owner’s stop was left alone');
      assert.equal(stopped.length, 299);
      assert.equal(a.actions.length + b.actions.length, 299);
      assert.deepEqual([...a.errors, ...b.errors], []);
    } finally {
      clearInterval(timer);
    }
    // A few statements per batch of 100, not several per workspace
    assert.ok(statements < 40, `${statements} statements for 600 candidates`);
    assert.ok(turns > 0, 'timers ran while the ticks went on');
  });

  it('reads more candidates than a page, decides each once, and asks for activity once per batch', async () => {
    // Given 1,150 idle running workspaces (more than a page of 1,000) and 150 opted into auto-start
    const now = FIRE;
    const iso = (ms: number) => new Date(ms).toISOString();
    const row = (id: string, state: string, extra: Partial<Parameters<typeof workspaceRow>[0]>) =>
      workspaceRow({
        id,
        name: id,
        owner_id: 'u',
        state,
        state_changed_at: iso(now - 24 * 60 * MIN),
        created_at: iso(now - 48 * 60 * MIN),
        updated_at: iso(now - 24 * 60 * MIN),
        ...extra,
      });
    const rows = [
      ...Array.from({ length: 1150 }, (_, i) =>
        row(`idle-${String(i).padStart(4, '0')}`, 'running', {
          last_activity_at: iso(now - 2 * 60 * MIN),
          auto_off_at: iso(now - 60 * MIN),
        }),
      ),
      ...Array.from({ length: 150 }, (_, i) => row(`opted-${i}`, 'stopped', { autostart: 1 })),
    ];
    for (let i = 0; i < rows.length; i += 50)
      await db
        .insertInto('workspaces')
        .values(rows.slice(i, i + 50))
        .execute();
    const asked = { usage: 0, usages: 0 };
    const activity = new Proxy(inProcessActivity(), {
      get(target, name) {
        if (name === 'usage' || name === 'usages') asked[name]++;
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    // When it ticks
    const report = await executorWith(activity).tick(new Date(now));
    // Then every candidate was decided once, and activity was asked for once per batch of 100
    assert.equal(report.candidates, 1300);
    assert.equal(ws.calls.filter((c) => c.endsWith('auto_off')).length, 1150);
    assert.equal(new Set(ws.calls).size, ws.calls.length, 'no workspace acted on twice');
    assert.equal(ws.calls.filter((c) => c.endsWith('autostart')).length, 150);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(asked, { usage: 0, usages: 13 });
  });

  it('gives the event loop turns during a tick whose work answers at once', async () => {
    // Given 400 due workspaces whose stop resolves at once (as SQLite answers)
    const now = FIRE;
    for (let i = 0; i < 400; i++)
      await addWorkspace(db, `idle-${i}`, 'running', {
        lastActivity: now - 2 * 60 * MIN,
        autoOffAt: now - 60 * MIN,
      });
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const t0 = performance.now();
    try {
      await executor.tick(new Date(now));
    } finally {
      clearInterval(timer);
    }
    const ms = performance.now() - t0;
    // Then timers ran about once per 5 ms slice of the tick (at least once per 20 ms, for a loaded machine)
    assert.equal(ws.calls.length, 400);
    assert.ok(turns >= Math.min(3, Math.floor(ms / 20)), `timers ran ${turns} times during a ${ms} ms tick`);
  });
});
