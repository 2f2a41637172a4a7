/**
 * The lifecycle executor: on every tick it loads only the workspaces something may be due for
 * (indexed queries), and for each one takes a per-workspace lock, reloads it, decides with
 * core's `nextTransition`, and acts through the workspace service. One workspace's failure is
 * counted and logged; the tick goes on. Up to {@link CONCURRENCY} workspaces are in hand at once
 * and the event loop gets a turn every few milliseconds (see paced-work.ts); each org's policy is
 * read once per tick. Time comes from the injected clock; the tick source is an interval by
 * default and `tick()` itself in tests.
 */

import { SYSTEM } from '../builds/build-runner.js';
import {
  advanceFire,
  DEFAULT_TIMING,
  type LifecycleFacts,
  type LifecyclePolicy,
  nextTransition,
  type ScheduleFacts,
  type Timing,
  type Transition,
} from '../core/lifecycle.js';
import { type AutostartSchedule, nextFire, type Weekday } from '../core/schedule.js';
import { forEachPaced } from '../paced-work.js';
import type { Activity } from '../ports/activity.js';
import type { Clock } from '../ports/clock.js';
import type { Locks } from '../ports/locks.js';
import type { Logger } from '../ports/logger.js';
import type { Database } from '../store/database.js';
import * as lifecycle from '../store/repositories/lifecycle.repository.js';
import { getOrgById } from '../store/repositories/orgs.repository.js';
import { findWorkspaceById, type WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import type { AutostartScheduleRow } from '../store/schema.js';
import type { WorkspaceEvents } from '../workspaces/events.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { policyOf } from './policy.js';

export type ActionKind = Exclude<Transition['kind'], 'none'>;

/**
 * Workspaces decided and acted on at once. Each holds its lifecycle lock meanwhile (on PostgreSQL
 * a connection of the lock pool, whose default size is 10), so this stays below that.
 */
const CONCURRENCY = 8;

/** A workspace something may be due for, with the schedule that made it a candidate. */
interface Due {
  readonly id: string;
  readonly schedule: ScheduleFacts | null;
}

/** Counters since start, for the admin endpoint. */
export interface ExecutorStats {
  ticks: number;
  errors: number;
  actions: Record<ActionKind, number>;
  lastTickAt: string | null;
  lastTickMs: number;
  maxTickMs: number;
  totalTickMs: number;
  /** Workspaces loaded as candidates in the last tick. */
  lastCandidates: number;
}

/** What one tick did, workspace by workspace. */
export interface TickReport {
  readonly at: string;
  readonly candidates: number;
  readonly actions: { workspaceId: string; kind: ActionKind; detail?: string }[];
  readonly errors: { workspaceId: string; error: string }[];
}

export interface ExecutorDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly workspaces: Pick<WorkspaceService, 'stopWorkspace' | 'queueSystemBuild'>;
  readonly activity: Activity;
  readonly events: Pick<WorkspaceEvents, 'changed'>;
  /** Held per workspace while it is decided and acted on; a workspace already held is skipped. */
  readonly locks: Locks;
  readonly timing?: Timing;
}

export class LifecycleExecutor {
  readonly #d: ExecutorDeps;
  readonly #timing: Timing;
  readonly #log: Logger;
  readonly #stats: ExecutorStats = {
    ticks: 0,
    errors: 0,
    actions: { keep_alive: 0, warn_auto_off: 0, auto_off: 0, autostart: 0, skip_autostart: 0 },
    lastTickAt: null,
    lastTickMs: 0,
    maxTickMs: 0,
    totalTickMs: 0,
    lastCandidates: 0,
  };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<TickReport> | undefined;

  constructor(deps: ExecutorDeps) {
    this.#d = deps;
    this.#timing = deps.timing ?? DEFAULT_TIMING;
    this.#log = deps.logger.child({ component: 'lifecycle' });
  }

  /**
   * Ticks every `intervalMs` (0 = never); a tick still running is not overlapped. `turn` says
   * whether this server is to tick this time (replicas take turns: app/job-turns.ts).
   */
  start(intervalMs: number, turn: () => Promise<boolean> = async () => true): void {
    if (intervalMs <= 0) return;
    const timer = setInterval(() => {
      if (this.#running) return;
      void turn()
        .then((mine) => (mine && this.#timer === timer ? this.tick() : undefined))
        .catch((error) => this.#log.error({ err: error }, 'tick failed'));
    }, intervalMs);
    this.#timer = timer;
    timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  stats(): ExecutorStats {
    return structuredClone(this.#stats);
  }

  async tick(now: Date = this.#d.clock.now()): Promise<TickReport> {
    const run = this.#tick(now);
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = undefined;
    }
  }

  async #tick(now: Date): Promise<TickReport> {
    const t0 = performance.now();
    const report: TickReport = { at: now.toISOString(), candidates: 0, actions: [], errors: [] };
    const horizon = (ms: number) => new Date(now.getTime() + ms).toISOString();

    const due: Due[] = (await lifecycle.dueForAutoOff(this.#d.db, horizon(this.#timing.warningMs))).map(
      (id) => ({ id, schedule: null }),
    );
    const schedules = await lifecycle.dueSchedules(this.#d.db, horizon(this.#timing.maxLeadMs));
    const opted = await lifecycle.autostartWorkspacesOf(
      this.#d.db,
      schedules.map((row) => row.user_id),
    );
    const facts = schedules.map((row) => ({ row, schedule: scheduleFacts(row) }));
    for (const { row, schedule } of facts)
      for (const id of opted.get(row.user_id) ?? []) due.push({ id, schedule });

    const orgs = new Map<string, Promise<LifecyclePolicy>>();
    const policy = (orgId: string) => {
      const known = orgs.get(orgId) ?? getOrgById(this.#d.db, orgId).then(policyOf);
      orgs.set(orgId, known);
      return known;
    };
    await forEachPaced(due, { concurrency: CONCURRENCY }, ({ id, schedule }) =>
      this.#one(id, schedule, now, report, policy),
    );
    // A firing that has come moves on once every workspace of its owner was decided.
    const fired = facts.filter(({ schedule }) => now >= schedule.nextFireAt);
    await forEachPaced(fired, { concurrency: CONCURRENCY }, async ({ row, schedule }) => {
      const next = advanceFire((after) => nextFire(schedule, after), schedule.nextFireAt, now, this.#timing);
      await lifecycle.setNextFire(this.#d.db, row.user_id, next.toISOString());
    });

    const ms = performance.now() - t0;
    const s = this.#stats;
    s.ticks++;
    s.lastTickAt = report.at;
    s.lastTickMs = ms;
    s.maxTickMs = Math.max(s.maxTickMs, ms);
    s.totalTickMs += ms;
    s.lastCandidates = due.length;
    return { ...report, candidates: due.length };
  }

  /** Locks, reloads, decides and acts for one workspace; errors stay with that workspace. */
  async #one(
    id: string,
    schedule: ScheduleFacts | null,
    now: Date,
    report: TickReport,
    policy: (orgId: string) => Promise<LifecyclePolicy>,
  ): Promise<void> {
    await this.#d.locks.tryWithLock(`lifecycle:${id}`, () =>
      this.#decideAndAct(id, schedule, now, report, policy),
    );
  }

  async #decideAndAct(
    id: string,
    schedule: ScheduleFacts | null,
    now: Date,
    report: TickReport,
    policy: (orgId: string) => Promise<LifecyclePolicy>,
  ): Promise<void> {
    try {
      const ws = await findWorkspaceById(this.#d.db, id);
      if (!ws) return;
      const facts = await this.#facts(ws);
      const decision = nextTransition(facts, await policy(ws.org_id), schedule, now, this.#timing);
      if (decision.kind === 'none') {
        // A coalesced (unwritten) use moves the stored deadline the candidate query saw.
        const stored = ws.last_activity_at ? Date.parse(ws.last_activity_at) : 0;
        if (facts.lastActivityAt && facts.lastActivityAt.getTime() > stored)
          await this.#d.activity.persist(id);
        return;
      }
      const detail = await this.#act(ws, decision, schedule);
      this.#stats.actions[decision.kind]++;
      report.actions.push({ workspaceId: id, kind: decision.kind, ...(detail ? { detail } : {}) });
    } catch (error) {
      this.#stats.errors++;
      report.errors.push({ workspaceId: id, error: (error as Error).message });
      this.#log.error({ err: error, workspaceId: id }, 'lifecycle action failed');
    }
  }

  async #facts(ws: WorkspaceRecord): Promise<LifecycleFacts> {
    const stored = ws.last_activity_at ? new Date(ws.last_activity_at) : null;
    const { openSessions, lastSeen: seen } = await this.#d.activity.usage(ws.id);
    return {
      state: ws.state as LifecycleFacts['state'],
      lastActivityAt: seen && (!stored || seen > stored) ? seen : stored,
      autoOffOverrideMs: ws.auto_off_override_ms,
      autoOffWarnedFor: ws.auto_off_warned_for ? new Date(ws.auto_off_warned_for) : null,
      openSessions,
      autostart: ws.autostart === 1,
      autostartFiredFor: ws.autostart_fired_for ? new Date(ws.autostart_fired_for) : null,
      recentBuildsMs: ws.state === 'stopped' ? await lifecycle.recentBuildDurations(this.#d.db, ws.id) : [],
    };
  }

  async #act(
    ws: WorkspaceRecord,
    decision: Transition,
    schedule: ScheduleFacts | null,
  ): Promise<string | undefined> {
    const log = this.#log.child({ workspaceId: ws.id, name: ws.name, owner: ws.owner });
    switch (decision.kind) {
      case 'keep_alive':
        await this.#d.activity.persist(ws.id);
        return undefined;
      case 'warn_auto_off':
        await lifecycle.updateLifecycle(this.#d.db, ws.id, {
          auto_off_warned_for: decision.at.toISOString(),
        });
        this.#d.events.changed(ws.id);
        log.info({ at: decision.at.toISOString() }, 'auto-off warning recorded');
        return decision.at.toISOString();
      case 'auto_off': {
        const idle = formatIdle(decision.idleMs);
        await this.#d.workspaces.stopWorkspace(ws, {
          code: 'auto_off',
          message: `stopped by auto-off after ${idle} without activity`,
          actor: SYSTEM,
        });
        log.info({ idleMs: decision.idleMs }, 'auto-off stopped the workspace');
        return idle;
      }
      case 'autostart': {
        const when = `${schedule!.time} ${schedule!.timezone}`;
        await lifecycle.updateLifecycle(this.#d.db, ws.id, {
          autostart_fired_for: decision.fireAt.toISOString(),
        });
        await this.#d.workspaces.queueSystemBuild(ws, 'autostart', `auto-start for ${when}`);
        log.info({ fireAt: decision.fireAt.toISOString() }, 'auto-start queued a build');
        return when;
      }
      case 'skip_autostart':
        await lifecycle.updateLifecycle(this.#d.db, ws.id, {
          autostart_fired_for: decision.fireAt.toISOString(),
        });
        log.info({ fireAt: decision.fireAt.toISOString(), reason: decision.reason }, 'auto-start skipped');
        return decision.reason;
    }
    return undefined;
  }
}

function scheduleFacts(row: AutostartScheduleRow): ScheduleFacts & AutostartSchedule {
  return {
    time: row.time,
    timezone: row.timezone,
    days: row.days.split(',') as Weekday[],
    nextFireAt: new Date(row.next_fire_at),
  };
}

/** `2h 5m`, `45m`, `30s`: how long a workspace was idle, for its stop reason. */
export function formatIdle(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 0) return `${Math.floor(ms / 1000)}s`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h ${m}m`;
}
