/**
 * Makes the store and the engine agree again, after a crash or behind Hearth's back.
 *
 * At start-up: a build that was running ends failed (`server_restart`) and a `resume` build is
 * queued, unless a live replica owns it (PostgreSQL: its claim's heartbeat is fresh; a replica
 * gone later is taken over through {@link Reconciler.takeOver}); queued builds go back into the queue.
 * Every pass: interrupted stops and deletes are finished (or retried after an engine failure);
 * a running workspace whose container is gone (or dead) becomes stopped
 * (`runtime_lost`: asked of the engine again for that container first, since a build may have
 * finished meanwhile), and containers labelled for workspaces that no longer exist are removed.
 * Nothing here removes a volume: only finishing an explicit delete does. Nothing is removed either
 * while another live server has this installation's id on the engine (see app/installation-guard.ts).
 *
 * Each engine of the pool is checked on its own. One that does not answer is left alone: its
 * workspaces keep their state and say why they cannot be reached (`engine_unreachable`, with the
 * engine's name and error); nothing is rebuilt elsewhere (a home volume lives on its engine). Once
 * it answers again the next pass reconciles its workspaces like any others (`engine_reachable`
 * for those whose container survived; `runtime_lost` for those whose container did not).
 */

import { SYSTEM } from '../builds/build-runner.js';
import { ownerGone } from '../core/build-claims.js';
import {
  lostWorkspaces,
  type RunningRecord,
  runningContainerIds,
  unaccountedContainers,
} from '../core/reconcile-candidates.js';
import { type RevocationSink, revokeWorkspaceTokens } from '../identity/revocations.js';
import { forEachPaced, LOOP_TURNS, pagesOf } from '../paced-work.js';
import type { BuildQueue } from '../ports/build-queue.js';
import type { Clock } from '../ports/clock.js';
import type { InstallationCheck } from '../ports/installation-check.js';
import type { Logger } from '../ports/logger.js';
import { LABELS, type Runtime } from '../runtime/runtime.js';
import { DEFAULT_ENGINE, type Runtimes, whyUnreachable } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import * as builds from '../store/repositories/builds.repository.js';
import { listEngines } from '../store/repositories/engines.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';
import type { BuildRow, EngineRow } from '../store/schema.js';
import { applyTransition, noteReason } from './transition.js';
import type { WorkspaceService } from './workspace-service.js';

/** Repairs (engine calls and writes) under way at once. */
const CONCURRENCY = 8;
/** Workspace ids per existence query: one `IN` list, well under every dialect's parameter limit. */
const IDS_PER_QUERY = 500;

export interface ReconcileReport {
  interruptedBuilds: number;
  requeuedBuilds: number;
  runtimeLost: number;
  orphansRemoved: number;
  /** Engines that did not answer: their workspaces were left as they were. */
  enginesUnreachable: number;
  errors: number;
}

export class Reconciler {
  readonly #db: Database;
  readonly #runtimes: Runtimes;
  readonly #workspaces: Pick<WorkspaceService, 'finishUnfinished' | 'queueSystemBuild'>;
  readonly #queue: BuildQueue;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #instanceId: string;
  readonly #revocations: RevocationSink;
  readonly #installations: { of(engineId: string): InstallationCheck };
  readonly #claimStaleMs: number;
  readonly #replicaId: string | undefined;

  constructor(deps: {
    instanceId: string;
    /** The installation check of each engine (`default`'s first: a conflict there stops the pass). */
    installations: { of(engineId: string): InstallationCheck };
    db: Database;
    /** Every engine of the pool is reconciled through its own runtime. */
    runtimes: Runtimes;
    workspaces: Pick<WorkspaceService, 'finishUnfinished' | 'queueSystemBuild'>;
    queue: BuildQueue;
    clock: Clock;
    logger: Logger;
    revocations: RevocationSink;
    /** A build claimed by a replica whose heartbeat is older than this is no longer its (see core/build-claims.ts). */
    claimStaleMs: number;
    /** This server's replica id (PostgreSQL): builds an earlier run on its data directory claimed are resumed at once. */
    replicaId?: string;
  }) {
    this.#claimStaleMs = deps.claimStaleMs;
    this.#replicaId = deps.replicaId;
    this.#db = deps.db;
    this.#runtimes = deps.runtimes;
    this.#workspaces = deps.workspaces;
    this.#queue = deps.queue;
    this.#clock = deps.clock;
    this.#log = deps.logger.child({ component: 'reconcile' });
    this.#instanceId = deps.instanceId;
    this.#revocations = deps.revocations;
    this.#installations = deps.installations;
  }

  /** The start-up pass: recovers interrupted work, then runs {@link check}. */
  async startup(): Promise<ReconcileReport> {
    const report = emptyReport();
    const now = this.#now();
    const running = await builds.listBuildsInStatus(this.#db, ['running']);
    const owned = new Set<string>();
    for (const build of running) {
      if (!ownerGone(build, now, this.#claimStaleMs, this.#replicaId)) {
        owned.add(build.workspace_id);
        continue;
      }
      await this.#isolated(report, async () => {
        report.interruptedBuilds++;
        await this.#interrupt(build, now);
      });
    }
    // Building without a running build: a crash between the two writes of a build's start, from
    // before they shared a transaction. Resumed the same way.
    for (const ws of await workspaces.listWorkspacesInStates(this.#db, ['building'])) {
      if (owned.has(ws.id)) continue;
      await this.#isolated(report, () => this.#resume(ws, 'the build', now));
    }
    for (const queued of await builds.listQueued(this.#db)) {
      report.requeuedBuilds++;
      this.#queue.enqueue(queued.id);
    }
    const checked = await this.check();
    return {
      ...report,
      runtimeLost: checked.runtimeLost,
      orphansRemoved: checked.orphansRemoved,
      enginesUnreachable: checked.enginesUnreachable,
      errors: report.errors + checked.errors,
    };
  }

  /** A running build whose replica is gone, now this server's: failed, and its workspace resumed. */
  async takeOver(buildId: string): Promise<void> {
    const build = await builds.findBuildById(this.#db, buildId);
    if (build?.status !== 'running') return;
    this.#log.warn({ build: build.id, replica: build.claimed_by }, 'took over a build whose server is gone');
    await this.#interrupt(build, this.#now());
  }

  async #interrupt(build: BuildRow, now: string): Promise<void> {
    await builds.updateBuild(this.#db, build.id, {
      status: 'failed',
      finished_at: now,
      error: 'the server stopped during this build (server_restart)',
    });
    const ws = await workspaces.findWorkspaceById(this.#db, build.workspace_id);
    if (ws?.state === 'building') await this.#resume(ws, `build #${build.number}`, now);
  }

  /** Fails a workspace's build interrupted by a restart and queues a `resume` build. */
  async #resume(ws: workspaces.WorkspaceRecord, build: string, now: string): Promise<void> {
    await applyTransition(
      this.#db,
      ws,
      'build_failed',
      { code: 'server_restart', message: `${build} was interrupted by a server restart`, actor: SYSTEM },
      now,
    );
    await this.#workspaces.queueSystemBuild(
      ws,
      'resume',
      `${build} was interrupted by a server restart; resuming`,
    );
  }

  /**
   * The periodic pass, engine by engine: unfinished stops and deletes, lost containers, orphans.
   * Throws, having changed nothing, while another server of this installation is live on the engine.
   * It reads what it checks, not every workspace whole: the unfinished ones and those noted
   * unreachable, the running ones' ids and containers (two columns, a page at a time, the event
   * loop getting turns between pages), and whether the workspaces of containers the running
   * ones do not account for still exist; the few it repairs are then read whole. See
   * core/reconcile-candidates.ts.
   */
  async check(): Promise<ReconcileReport> {
    await this.#installations.of(DEFAULT_ENGINE).assertAlone();
    const report = emptyReport();
    for (const engine of await listEngines(this.#db)) {
      // A driver that cannot be made (its TLS files are gone) is an engine that cannot be reached.
      const runtime = await this.#runtimes.of(engine.id).catch((error: Error) => error);
      const why = runtime instanceof Error ? runtime.message : await whyUnreachable(runtime);
      if (why || runtime instanceof Error) {
        report.enginesUnreachable++;
        await this.#unreachable(
          engine,
          why ?? '',
          await workspaces.listWorkspacesOnEngine(this.#db, engine.id),
          report,
        );
        continue;
      }
      // Read whole: what is being stopped or deleted, and what was noted unreachable.
      const noted = await workspaces.listWorkspacesOnEngine(this.#db, engine.id, {
        states: ['stopping', 'deleting'],
        reason: 'engine_unreachable',
      });
      for (const ws of noted)
        if (ws.state === 'stopping' || ws.state === 'deleting') this.#workspaces.finishUnfinished(ws);
      // Nothing is removed on an engine where another live server of this installation is.
      await this.#isolated(report, async () => {
        await this.#installations.of(engine.id).assertAlone();
        await this.#checkEngine(engine, runtime, noted, report);
      });
    }
    return report;
  }

  /** Its workspaces say why they cannot be reached; nothing else is done to them or elsewhere. */
  async #unreachable(
    engine: EngineRow,
    why: string,
    mine: readonly workspaces.WorkspaceRecord[],
    report: ReconcileReport,
  ): Promise<void> {
    const message = `engine ${engine.name} does not answer (${why}); the workspace and its home stay there and recover when the engine is back`;
    this.#log.warn({ engine: engine.name, err: why, workspaces: mine.length }, 'engine unreachable');
    for (const ws of mine) {
      if (
        ws.state === 'deleting' ||
        (ws.state_reason === 'engine_unreachable' && ws.state_message === message)
      )
        continue;
      await this.#isolated(report, async () => {
        await noteReason(this.#db, ws, { code: 'engine_unreachable', message, actor: SYSTEM }, this.#now());
      });
    }
  }

  async #checkEngine(
    engine: EngineRow,
    runtime: Runtime,
    noted: readonly workspaces.WorkspaceRecord[],
    report: ReconcileReport,
  ): Promise<void> {
    // Only this installation's containers: another Hearth server may share the engine.
    const containers = (
      await runtime.listContainers({
        [LABELS.managed]: '1',
        [LABELS.instance]: this.#instanceId,
      })
    ).map((c) => ({ id: c.id, status: c.status, workspaceId: c.labels[LABELS.workspaceId], name: c.name }));
    await LOOP_TURNS.due();
    const status = new Map(containers.map((c) => [c.id, c.status]));
    // Noted unreachable before: the engine answers now (a running one's container must run too).
    for (const ws of noted) {
      if (ws.state_reason !== 'engine_unreachable') continue;
      if (ws.state === 'running' && (!ws.container_id || status.get(ws.container_id) !== 'running')) continue;
      await this.#isolated(report, () => this.#back(engine, ws));
    }
    // The engine's running workspaces a page at a time (thousands of rows are no one statement),
    // each page checked against the engine's running containers as it comes.
    const alive = runningContainerIds(containers);
    const runningIds = new Set<string>();
    const lost: RunningRecord[] = [];
    for await (const running of pagesOf(
      (after, limit) => workspaces.listRunningContainerPage(this.#db, engine.id, { after, limit }),
      (w) => w.id,
    )) {
      for (const w of running) runningIds.add(w.id);
      lost.push(...lostWorkspaces(running, alive));
    }
    await forEachPaced(lost, { concurrency: CONCURRENCY }, (listed) =>
      this.#isolated(report, async () => {
        const ws = await workspaces.findWorkspaceById(this.#db, listed.id);
        // Re-read: stopped, or rebuilt (a new container the engine's list predates), since the list.
        if (ws?.state !== 'running' || ws.container_id !== listed.container_id) return;
        if (ws.container_id && status.get(ws.container_id) === 'running') return;
        // The list is older than the row: a build (on this or another replica) may have finished
        // with a new container since. Only the engine's answer now counts.
        const container = ws.container_id ? await runtime.inspectContainer(ws.container_id) : undefined;
        if (container?.status === 'running') return;
        await this.#lost(engine, runtime, ws, container?.status, report);
      }),
    );
    await LOOP_TURNS.due();
    const unaccounted = unaccountedContainers(runningIds, containers);
    const known = new Set<string>();
    const ids = [...new Set(unaccounted.flatMap((c) => (c.workspaceId ? [c.workspaceId] : [])))];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      for (const id of await workspaces.existingWorkspaceIds(this.#db, ids.slice(i, i + IDS_PER_QUERY)))
        known.add(id);
      await LOOP_TURNS.due();
    }
    const orphans = unaccounted.filter((c) => !c.workspaceId || !known.has(c.workspaceId));
    await forEachPaced(orphans, { concurrency: CONCURRENCY }, (c) =>
      this.#isolated(report, async () => {
        await runtime.removeContainer(c.id);
        report.orphansRemoved++;
        this.#log.info(
          { container: c.name, engine: engine.name },
          'removed a container of a workspace that no longer exists',
        );
      }),
    );
  }

  /** A workspace whose engine answers again (and whose container, if it runs, survived). */
  async #back(engine: EngineRow, ws: workspaces.WorkspaceRecord): Promise<void> {
    const next = ws.state === 'running' ? 'it kept running' : `start it with "hearth start ${ws.name}"`;
    await noteReason(
      this.#db,
      ws,
      { code: 'engine_reachable', message: `engine ${engine.name} answers again; ${next}`, actor: SYSTEM },
      this.#now(),
    );
  }

  /** A running workspace whose container is gone or dead: stopped (`runtime_lost`), its tokens revoked. */
  async #lost(
    engine: EngineRow,
    runtime: Runtime,
    ws: workspaces.WorkspaceRecord,
    container: string | undefined,
    report: ReconcileReport,
  ) {
    if (container && ws.container_id) await runtime.removeContainer(ws.container_id);
    const why = container ? `its container ${container}` : 'its container is gone from the engine';
    await applyTransition(
      this.#db,
      ws,
      'runtime_lost',
      {
        code: 'runtime_lost',
        message: `${why}; start it again with "hearth start ${ws.name}"`,
        actor: SYSTEM,
      },
      this.#now(),
      { container_id: null },
    );
    await revokeWorkspaceTokens(this.#db, this.#revocations, ws.id, this.#now());
    report.runtimeLost++;
    this.#log.warn(
      { workspaceId: ws.id, name: ws.name, owner: ws.owner, engine: engine.name },
      'workspace lost its container',
    );
  }

  async #isolated(report: ReconcileReport, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      report.errors++;
      this.#log.error({ err: error }, 'reconcile step failed');
    }
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

const emptyReport = (): ReconcileReport => ({
  interruptedBuilds: 0,
  requeuedBuilds: 0,
  runtimeLost: 0,
  orphansRemoved: 0,
  enginesUnreachable: 0,
  errors: 0,
});
