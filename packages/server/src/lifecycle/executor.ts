/**
 * The lifecycle executor: on every tick it loads only the workspaces something may be due for
 * (indexed queries, a page at a time), and works through them in batches of {@link BATCH}: it
 * reads the batch's records, recent build times and activity in a few queries, decides each with core's `nextTransition`, and
 * writes the batch's transitions through the workspace service's batch paths (a stop's or a
 * build's move is a compare-and-set per state in one statement; builds are multi-row inserts in
 * one transaction, handed to the queue after its commit). A workspace that someone else changed
 * between the read and the write (a person, another replica's executor) is left as they left it:
 * its compare-and-set writes nothing. One workspace's failure is counted and logged; the tick goes
 * on. The event loop gets a turn between pages and batches, and before a write that would run past
 * its slice (forecast by the last of its kind; see paced-work.ts); each org's policy is read
 * once per tick. Time comes from the injected clock; the tick source is an interval by default and
 * `tick()` itself in tests.
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
import { LOOP_TURNS, pagesOf } from '../paced-work.js';
import type { Activity, Usage } from '../ports/activity.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Database } from '../store/database.js';
import * as lifecycle from '../store/repositories/lifecycle.repository.js';
import { getOrgById } from '../store/repositories/orgs.repository.js';
import { findWorkspacesByIds, type WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import type { AutostartScheduleRow } from '../store/schema.js';
import type { WorkspaceEvents } from '../workspaces/events.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { policyOf } from './policy.js';

export type ActionKind = Exclude<Transition['kind'], 'none'>;

/**
 * Workspaces read, decided and written together: a few statements per batch instead of several
 * per workspace, and a batch's work (a few milliseconds) between two turns of the event loop.
 */
export const BATCH = 100;

/** Schedules read at once: their owners' opted-in workspaces are then one query (500 owners). */
const OWNERS_PER_PAGE = 500;

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
  readonly workspaces: Pick<WorkspaceService, 'stopWorkspaces' | 'queueSystemBuilds'>;
  readonly activity: Activity;
  readonly events: Pick<WorkspaceEvents, 'changed'>;
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
  /**
   * How long each kind of a batch's writes took the last time (ms): the forecast of the next, so
   * the loop's turn comes before a write that would overrun the slice (see paced-work.ts).
   */
  readonly #writeMs = new Map<string, number>();

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

    // A workspace may be a candidate twice (idle and opted in); its schedule is kept. Candidates
    // are read a page at a time, the event loop getting turns between pages (paced-work.ts).
    const due = new Map<string, ScheduleFacts | null>();
    const offBy = horizon(this.#timing.warningMs);
    for await (const ids of pagesOf(
      (after, limit) => lifecycle.dueForAutoOff(this.#d.db, offBy, { after, limit }),
      (id) => id,
    ))
      for (const id of ids) due.set(id, null);
    const fireBy = horizon(this.#timing.maxLeadMs);
    const facts: { row: AutostartScheduleRow; schedule: ScheduleFacts & AutostartSchedule }[] = [];
    for await (const rows of pagesOf(
      (after, limit) => lifecycle.dueSchedules(this.#d.db, fireBy, { after, limit }),
      (row) => row.user_id,
      { limit: OWNERS_PER_PAGE },
    )) {
      const opted = await lifecycle.autostartWorkspacesOf(
        this.#d.db,
        rows.map((row) => row.user_id),
      );
      for (const row of rows) {
        const schedule = scheduleFacts(row);
        facts.push({ row, schedule });
        for (const id of opted.get(row.user_id) ?? []) due.set(id, schedule);
      }
    }

    const orgs = new Map<string, Promise<LifecyclePolicy>>();
    const policy = (orgId: string) => {
      const known = orgs.get(orgId) ?? getOrgById(this.#d.db, orgId).then(policyOf);
      orgs.set(orgId, known);
      return known;
    };
    const candidates = [...due].map(([id, schedule]) => ({ id, schedule }));
    for (let i = 0; i < candidates.length; i += BATCH) {
      const turn = LOOP_TURNS.due();
      if (turn) await turn;
      await this.#batch(candidates.slice(i, i + BATCH), now, report, policy);
    }
    // A firing that has come moves on once every workspace of its owner was decided. Owners with
    // the same schedule share its next firing (worked out once: it is luxon's zone arithmetic), and
    // those whose next firing is the same move in one statement.
    const advanced = new Map<string, string>();
    const next = new Map<string, string[]>();
    for (const { row, schedule } of facts) {
      if (now < schedule.nextFireAt) continue;
      const key = `${row.time} ${row.timezone} ${row.days} ${row.next_fire_at}`;
      let at = advanced.get(key);
      if (at === undefined) {
        const turn = LOOP_TURNS.due();
        if (turn) await turn;
        at = advanceFire(
          (after) => nextFire(schedule, after),
          schedule.nextFireAt,
          now,
          this.#timing,
        ).toISOString();
        advanced.set(key, at);
      }
      const owners = next.get(at) ?? [];
      owners.push(row.user_id);
      next.set(at, owners);
    }
    for (const [at, userIds] of next) await lifecycle.setNextFireOf(this.#d.db, userIds, at);

    const ms = performance.now() - t0;
    const s = this.#stats;
    s.ticks++;
    s.lastTickAt = report.at;
    s.lastTickMs = ms;
    s.maxTickMs = Math.max(s.maxTickMs, ms);
    s.totalTickMs += ms;
    s.lastCandidates = due.size;
    return { ...report, candidates: due.size };
  }

  /** Reads, decides and acts for one batch of candidates; errors stay with their workspaces. */
  async #batch(
    part: readonly Due[],
    now: Date,
    report: TickReport,
    policy: (orgId: string) => Promise<LifecyclePolicy>,
  ): Promise<void> {
    const decided: Decided[] = [];
    try {
      const records = new Map(
        (
          await findWorkspacesByIds(
            this.#d.db,
            part.map((d) => d.id),
          )
        ).map((ws) => [ws.id, ws]),
      );
      const stopped = [...records.values()].filter((ws) => ws.state === 'stopped').map((ws) => ws.id);
      const durations =
        stopped.length > 0 ? await lifecycle.recentBuildDurationsOf(this.#d.db, stopped) : new Map();
      const usages = await this.#d.activity.usages([...records.keys()]);
      for (const { id, schedule } of part) {
        const ws = records.get(id);
        if (!ws) continue;
        const turn = LOOP_TURNS.due();
        if (turn) await turn;
        try {
          const facts = this.#facts(ws, usages.get(id)!, durations.get(id) ?? []);
          const decision = nextTransition(facts, await policy(ws.org_id), schedule, now, this.#timing);
          if (decision.kind !== 'none') decided.push({ ws, schedule, decision });
          else {
            // A coalesced (unwritten) use moves the stored deadline the candidate query saw.
            const stored = ws.last_activity_at ? Date.parse(ws.last_activity_at) : 0;
            if (facts.lastActivityAt && facts.lastActivityAt.getTime() > stored)
              await this.#d.activity.persist(id);
          }
        } catch (error) {
          this.#failed(id, error, report);
        }
      }
    } catch (error) {
      for (const { id } of part) this.#failed(id, error, report);
      return;
    }
    await this.#act(decided, report);
  }

  #facts(ws: WorkspaceRecord, usage: Usage, recentBuildsMs: number[]): LifecycleFacts {
    const stored = ws.last_activity_at ? new Date(ws.last_activity_at) : null;
    const { openSessions, lastSeen: seen } = usage;
    return {
      state: ws.state as LifecycleFacts['state'],
      lastActivityAt: seen && (!stored || seen > stored) ? seen : stored,
      autoOffOverrideMs: ws.auto_off_override_ms,
      autoOffWarnedFor: ws.auto_off_warned_for ? new Date(ws.auto_off_warned_for) : null,
      openSessions,
      autostart: ws.autostart === 1,
      autostartFiredFor: ws.autostart_fired_for ? new Date(ws.autostart_fired_for) : null,
      recentBuildsMs: ws.state === 'stopped' ? recentBuildsMs : [],
    };
  }

  /** Writes one batch's decisions, kind by kind, each kind in as few statements as it allows. */
  async #act(decided: readonly Decided[], report: TickReport): Promise<void> {
    const of = <K extends ActionKind>(kind: K) =>
      decided.filter((d) => d.decision.kind === kind) as unknown as Decided<
        Extract<Transition, { kind: K }>
      >[];
    const done = (ws: WorkspaceRecord, kind: ActionKind, detail?: string) => {
      this.#stats.actions[kind]++;
      report.actions.push({ workspaceId: ws.id, kind, ...(detail ? { detail } : {}) });
    };
    const guarded = async (
      kind: string,
      list: readonly { readonly ws: WorkspaceRecord }[],
      work: () => Promise<void>,
    ) => {
      if (list.length === 0) return;
      const turn = LOOP_TURNS.due(this.#writeMs.get(kind));
      if (turn) await turn;
      const started = performance.now();
      try {
        await work();
      } catch (error) {
        for (const { ws } of list) this.#failed(ws.id, error, report);
      } finally {
        this.#writeMs.set(kind, performance.now() - started);
      }
    };

    for (const alive of of('keep_alive'))
      await guarded('keep_alive', [alive], async () => {
        await this.#d.activity.persist(alive.ws.id);
        done(alive.ws, 'keep_alive');
      });

    const warned = of('warn_auto_off');
    await guarded('warn_auto_off', warned, async () => {
      for (const [at, list] of groupBy(warned, (d) => d.decision.at.toISOString())) {
        await lifecycle.updateLifecycleOf(
          this.#d.db,
          list.map((d) => d.ws.id),
          { auto_off_warned_for: at },
        );
        for (const { ws } of list) {
          this.#d.events.changed(ws.id);
          done(ws, 'warn_auto_off', at);
        }
      }
      if (warned.length > 0) this.#log.info({ workspaces: warned.length }, 'auto-off warnings recorded');
    });

    const off = of('auto_off');
    await guarded('auto_off', off, async () => {
      const items = off.map(({ ws, decision }) => ({
        ws,
        reason: {
          code: 'auto_off',
          message: `stopped by auto-off after ${formatIdle(decision.idleMs)} without activity`,
          actor: SYSTEM,
        },
      }));
      const outcome = await this.#d.workspaces.stopWorkspaces(items);
      for (const { item, error } of outcome.refused)
        if (error.code === 'invalid_transition') this.#skipped(item.ws, 'auto-off');
        else this.#failed(item.ws.id, error, report);
      const idle = new Map(off.map(({ ws, decision }) => [ws, formatIdle(decision.idleMs)]));
      for (const { ws } of outcome.moved) done(ws, 'auto_off', idle.get(ws));
      if (outcome.moved.length > 0)
        this.#log.info({ workspaces: outcome.moved.length }, 'auto-off stopped idle workspaces');
    });

    // A firing is recorded as handled before its builds are asked for (a refused one stays so).
    const starts = of('autostart');
    const skips = of('skip_autostart');
    await guarded('fired', [...starts, ...skips], async () => {
      for (const [at, list] of groupBy([...starts, ...skips], (d) => d.decision.fireAt.toISOString()))
        await lifecycle.updateLifecycleOf(
          this.#d.db,
          list.map((d) => d.ws.id),
          { autostart_fired_for: at },
        );
      for (const { ws, decision } of skips) done(ws, 'skip_autostart', decision.reason);
      if (skips.length > 0) this.#log.info({ workspaces: skips.length }, 'auto-start skipped');
    });
    await guarded('autostart', starts, async () => {
      const when = new Map(starts.map(({ ws, schedule }) => [ws, `${schedule!.time} ${schedule!.timezone}`]));
      const outcome = await this.#d.workspaces.queueSystemBuilds(
        starts.map(({ ws }) => ({ ws, message: `auto-start for ${when.get(ws)}` })),
        'autostart',
      );
      for (const { item, error } of outcome.refused)
        if (error.code === 'invalid_transition') this.#skipped(item.ws, 'auto-start');
        else this.#failed(item.ws.id, error, report);
      for (const { item } of outcome.queued) done(item.ws, 'autostart', when.get(item.ws));
      if (outcome.queued.length > 0)
        this.#log.info({ workspaces: outcome.queued.length }, 'auto-start queued builds');
    });
  }

  /** Someone else changed the workspace between the read and the write: it is theirs now. */
  #skipped(ws: WorkspaceRecord, what: string): void {
    this.#log.debug(
      { workspaceId: ws.id, state: ws.state },
      `${what} skipped: the workspace changed meanwhile`,
    );
  }

  #failed(workspaceId: string, error: unknown, report: TickReport): void {
    this.#stats.errors++;
    report.errors.push({ workspaceId, error: (error as Error).message });
    this.#log.error({ err: error, workspaceId }, 'lifecycle action failed');
  }
}

/** One candidate's decision, with what it was decided from. */
interface Decided<D extends Transition = Transition> {
  readonly ws: WorkspaceRecord;
  readonly schedule: ScheduleFacts | null;
  readonly decision: D;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item)) ?? [];
    group.push(item);
    groups.set(key(item), group);
  }
  return groups;
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
