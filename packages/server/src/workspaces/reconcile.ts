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
 */

import { SYSTEM } from '../builds/build-runner.js';
import { ownerGone } from '../core/build-claims.js';
import { type RevocationSink, revokeWorkspaceTokens } from '../identity/revocations.js';
import type { BuildQueue } from '../ports/build-queue.js';
import type { Clock } from '../ports/clock.js';
import type { InstallationCheck } from '../ports/installation-check.js';
import type { Logger } from '../ports/logger.js';
import { LABELS, type Runtime } from '../runtime/runtime.js';
import type { Database } from '../store/database.js';
import * as builds from '../store/repositories/builds.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';
import type { BuildRow } from '../store/schema.js';
import { applyTransition } from './transition.js';
import type { WorkspaceService } from './workspace-service.js';

export interface ReconcileReport {
  interruptedBuilds: number;
  requeuedBuilds: number;
  runtimeLost: number;
  orphansRemoved: number;
  errors: number;
}

export class Reconciler {
  readonly #db: Database;
  readonly #runtime: Runtime;
  readonly #workspaces: Pick<WorkspaceService, 'finishUnfinished' | 'queueSystemBuild'>;
  readonly #queue: BuildQueue;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #instanceId: string;
  readonly #revocations: RevocationSink;
  readonly #installation: InstallationCheck;
  readonly #claimStaleMs: number;
  readonly #replicaId: string | undefined;

  constructor(deps: {
    instanceId: string;
    installation: InstallationCheck;
    db: Database;
    runtime: Runtime;
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
    this.#runtime = deps.runtime;
    this.#workspaces = deps.workspaces;
    this.#queue = deps.queue;
    this.#clock = deps.clock;
    this.#log = deps.logger.child({ component: 'reconcile' });
    this.#instanceId = deps.instanceId;
    this.#revocations = deps.revocations;
    this.#installation = deps.installation;
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
   * The periodic pass: unfinished stops and deletes, lost containers, orphans. Throws, having
   * changed nothing, while another server of this installation is live on the engine.
   */
  async check(): Promise<ReconcileReport> {
    await this.#installation.assertAlone();
    for (const ws of await workspaces.listWorkspacesInStates(this.#db, ['stopping', 'deleting'])) {
      this.#workspaces.finishUnfinished(ws);
    }
    const report = emptyReport();
    // Only this installation's containers: another Hearth server may share the engine.
    const containers = await this.#runtime.listContainers({
      [LABELS.managed]: '1',
      [LABELS.instance]: this.#instanceId,
    });
    const byId = new Map(containers.map((c) => [c.id, c]));
    for (const ws of await workspaces.listWorkspacesInStates(this.#db, ['running'])) {
      const listed = ws.container_id ? byId.get(ws.container_id) : undefined;
      if (listed?.status === 'running') continue;
      await this.#isolated(report, async () => {
        // The list is older than the workspace's row: a build (on this or another replica) may
        // have finished with a new container since. Only the engine's answer now counts.
        const container = ws.container_id ? await this.#runtime.inspectContainer(ws.container_id) : undefined;
        if (container?.status === 'running') return;
        if (container) await this.#runtime.removeContainer(container.id);
        const why = container ? `its container ${container.status}` : 'its container is gone from the engine';
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
          { workspaceId: ws.id, name: ws.name, owner: ws.owner },
          'workspace lost its container',
        );
      });
    }
    const known = new Set((await workspaces.listWorkspaces(this.#db, {})).map((ws) => ws.id));
    for (const c of containers) {
      const id = c.labels[LABELS.workspaceId];
      if (id && known.has(id)) continue;
      await this.#isolated(report, async () => {
        await this.#runtime.removeContainer(c.id);
        report.orphansRemoved++;
        this.#log.info({ container: c.name }, 'removed a container of a workspace that no longer exists');
      });
    }
    return report;
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
  errors: 0,
});
