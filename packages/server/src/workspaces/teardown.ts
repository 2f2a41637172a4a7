/**
 * Stopping and deleting, which finish in the background: the workspace shows `stopping` or
 * `deleting` at once, its build ends, its containers go (and with them the injected CLI token),
 * and only a delete removes the home volume. One task at a time per workspace; what a crash left
 * unfinished the reconciler hands back here.
 */
import type { RevocationSink } from '../identity/revocations.js';
import { revokeWorkspaceTokens, revokeWorkspaceTokensOf } from '../identity/revocations.js';
import { TaskLimit } from '../paced-work.js';
import type { ActivitySink } from '../ports/activity.js';
import type { BuildQueue } from '../ports/build-queue.js';
import type { Clock } from '../ports/clock.js';
import type { Locks } from '../ports/locks.js';
import type { Logger } from '../ports/logger.js';
import { LABELS, type Runtime } from '../runtime/runtime.js';
import type { Runtimes } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import * as builds from '../store/repositories/builds.repository.js';
import type { WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';
import type { WorkspaceEvents } from './events.js';
import {
  applyTransition,
  applyTransitions,
  type Reason,
  type TransitionItem,
  type TransitionOutcome,
} from './transition.js';

/** Stops and deletes under way at once; each holds a lock (on PostgreSQL a lock pool connection). */
const TASKS_AT_ONCE = 8;

export interface TeardownDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: WorkspaceEvents;
  /** A workspace's containers and volume are on its engine. */
  readonly runtimes: Runtimes;
  readonly queue: BuildQueue;
  readonly logger: Logger;
  readonly stopGraceSeconds: number;
  readonly activity: ActivitySink;
  /** Where the revocation of a workspace's injected token is announced (its sessions end). */
  readonly revocations: RevocationSink;
  /** One stop or delete at a time per workspace. */
  readonly locks: Locks;
}

export class WorkspaceTeardown {
  readonly #d: TeardownDeps;
  /** Stop and delete tasks in flight (one at a time per workspace: see {@link #background}). */
  readonly #tasks = new Set<Promise<unknown>>();
  /** Per workspace, the task waiting for a turn under {@link #limit}. */
  readonly #waiting = new Map<string, () => Promise<void>>();
  /** Workspaces whose task has its turn now. */
  readonly #running = new Set<string>();
  readonly #limit = new TaskLimit(TASKS_AT_ONCE);

  constructor(deps: TeardownDeps) {
    this.#d = deps;
  }

  /**
   * Moves a workspace to `stopping` and, in the background, removes its container (never its
   * volume), then `stopped`. Used by people, auto-off and the reconciler alike. A stop while a
   * build is queued or running cancels the build.
   */
  async stop(ws: WorkspaceRecord, reason: Reason): Promise<void> {
    // The reason is the final one already; the state says the stop is under way.
    await applyTransition(this.#d.db, ws, 'stop', reason, this.#now());
    this.#d.events.changed(ws.id);
    this.#background(ws.id, () => this.finishStop(ws, reason));
  }

  /**
   * {@link stop} for many workspaces (a storm of auto-offs): their moves to `stopping` are written
   * in as few statements as their states and reasons allow (see {@link applyTransitions}), and
   * they finish in the background together (see {@link #finishStops}). Answers what moved and
   * what was refused.
   */
  async stopMany(items: readonly TransitionItem[]): Promise<TransitionOutcome> {
    const outcome = await applyTransitions(this.#d.db, items, 'stop', this.#now());
    for (const { ws } of outcome.moved) this.#d.events.changed(ws.id);
    // A workspace with a task of its own under way or waiting is left to it, as one stop would be.
    const busy = (id: string) => this.#running.has(id) || this.#waiting.has(id);
    const together = outcome.moved.filter(({ ws }) => !busy(ws.id));
    for (const { ws, reason } of outcome.moved)
      if (busy(ws.id)) this.#background(ws.id, () => this.finishStop(ws, reason));
    for (const { ws } of together) this.#running.add(ws.id);
    const tracked = this.#finishStops(together)
      .catch((error) =>
        this.#d.logger.error(
          { err: error },
          'stops failed; the reconciler will retry the workspaces left stopping',
        ),
      )
      .finally(() => {
        for (const { ws } of together) this.#running.delete(ws.id);
        this.#tasks.delete(tracked);
      });
    this.#tasks.add(tracked);
    return outcome;
  }

  /**
   * {@link finishStop} for a batch of `stopping` workspaces: those without a build in flight have
   * their recorded container removed (at most {@link TASKS_AT_ONCE} at once, each under its task
   * lock; one held elsewhere is left to its holder), and then their tokens are revoked and their
   * moves to `stopped` written in a few statements for all of them. The others, and those with no
   * recorded container, go through {@link finishStop} one by one.
   */
  async #finishStops(items: readonly TransitionItem[]): Promise<void> {
    const live = await builds.workspacesWithLiveBuilds(
      this.#d.db,
      items.map(({ ws }) => ws.id),
    );
    const removed: TransitionItem[] = [];
    await Promise.all(
      items.map(async (item) => {
        const { ws, reason } = item;
        if (live.has(ws.id) || !ws.container_id) {
          this.#running.delete(ws.id);
          return this.#background(ws.id, () => this.finishStop(ws, reason));
        }
        try {
          await this.#limit.run(() =>
            this.#d.locks.tryWithLock(`workspace-task:${ws.id}`, async () => {
              await this.#removeContainer(await this.#d.runtimes.of(ws.engine_id), ws.container_id!);
              removed.push(item);
            }),
          );
        } catch (error) {
          this.#d.logger.error({ err: error, workspaceId: ws.id }, 'stop failed; the reconciler will retry');
        }
      }),
    );
    const ids = removed.map(({ ws }) => ws.id);
    await revokeWorkspaceTokensOf(this.#d.db, this.#d.revocations, ids, this.#now());
    // Grouped by reason: the reason of the stop is the one `stopped` keeps.
    const outcome = await applyTransitions(this.#d.db, removed, 'stopped', this.#now(), {
      container_id: null,
    });
    for (const { ws } of outcome.moved) this.#d.events.changed(ws.id);
  }

  /** Ends any build, removes the container of a `stopping` workspace and records it stopped. */
  async finishStop(ws: WorkspaceRecord, reason: Reason): Promise<void> {
    await this.#endBuildAndRemoveContainers(ws, 'the workspace was stopped');
    await applyTransition(this.#d.db, ws, 'stopped', reason, this.#now(), { container_id: null });
    this.#d.events.changed(ws.id);
  }

  /** Moves a workspace to `deleting` and, in the background, removes it with its home volume. */
  async delete(ws: WorkspaceRecord, reason: Reason): Promise<void> {
    await applyTransition(this.#d.db, ws, 'delete', reason, this.#now());
    this.#d.events.changed(ws.id);
    this.#background(ws.id, () => this.finishDelete(ws));
  }

  /** Cancels any build, removes the container and — only here — the home volume, then the record. */
  async finishDelete(ws: WorkspaceRecord): Promise<void> {
    await this.#endBuildAndRemoveContainers(ws, 'the workspace was deleted');
    await (await this.#d.runtimes.of(ws.engine_id)).removeVolume(ws.volume_name);
    await workspaces.deleteWorkspaceRow(this.#d.db, ws.id);
    this.#d.activity.forget(ws.id);
    this.#d.logger.info(
      { workspaceId: ws.id, name: ws.name, owner: ws.owner },
      'workspace deleted with its home volume',
    );
    this.#d.events.changed(ws.id);
  }

  /**
   * Finishes a stop or delete that did not complete (the server died, or the engine failed),
   * unless one is already under way for this workspace.
   */
  finishUnfinished(ws: WorkspaceRecord): void {
    if (ws.state === 'deleting') this.#background(ws.id, () => this.finishDelete(ws));
    else if (ws.state === 'stopping') {
      const reason = { code: ws.state_reason, message: ws.state_message, actor: ws.state_actor };
      this.#background(ws.id, () => this.finishStop(ws, reason));
    }
  }

  /** Waits for stop and delete tasks in flight (on shutdown, and in tests). */
  async settle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  /**
   * Ends the workspace's build, if it has one, and removes its containers. A queued build is
   * canceled. A running one sees the workspace's new state (stopping, deleting) between stages and
   * ends canceled; removing the container first ends a stage that runs in it (a long configure)
   * at once instead of when it finishes. The build may have created a container after that, so
   * the containers are found by their label and removed again once it has settled. Without a
   * build, the workspace's one container is its recorded one (each build's container stage
   * removes the ones before): it is removed by id, with no listing of the engine's containers.
   */
  async #endBuildAndRemoveContainers(ws: WorkspaceRecord, why: string): Promise<void> {
    const live = await builds.liveBuilds(this.#d.db, ws.id);
    for (const build of live) {
      if (build.status === 'queued' && (await this.#d.queue.cancel(build.id)))
        await builds.updateBuild(this.#d.db, build.id, {
          status: 'canceled',
          finished_at: this.#now(),
          error: why,
        });
    }
    if (live.length === 0 && ws.container_id) {
      await this.#removeContainer(await this.#d.runtimes.of(ws.engine_id), ws.container_id);
      await this.#revokeTokens(ws.id);
      return;
    }
    await this.#removeContainers(ws);
    if (live.length === 0) return;
    await Promise.all(live.map((b) => this.#d.queue.settled(b.id)));
    await this.#removeContainers(ws);
  }

  async #removeContainers(ws: WorkspaceRecord): Promise<void> {
    const runtime = await this.#d.runtimes.of(ws.engine_id);
    for (const c of await runtime.listContainers({ [LABELS.workspaceId]: ws.id }))
      await this.#removeContainer(runtime, c.id);
    await this.#revokeTokens(ws.id);
  }

  async #removeContainer(runtime: Runtime, id: string): Promise<void> {
    await runtime.stopContainer(id, this.#d.stopGraceSeconds);
    await runtime.removeContainer(id);
  }

  /** The CLI token injected into the container dies with it (stop, delete). */
  #revokeTokens(workspaceId: string): Promise<void> {
    return revokeWorkspaceTokens(this.#d.db, this.#d.revocations, workspaceId, this.#now());
  }

  /**
   * Runs a workspace's stop or delete in the background, unless one is under way already (here, or
   * elsewhere: it holds the workspace's task lock); failures are logged and retried later. At most {@link TASKS_AT_ONCE}
   * run at once (a storm of auto-off stops must not ask the engine for thousands at once); a task
   * waiting for its turn is replaced by a newer one for the same workspace (a delete after a stop).
   */
  #background(workspaceId: string, task: () => Promise<void>): void {
    if (this.#running.has(workspaceId)) return;
    const waiting = this.#waiting.has(workspaceId);
    this.#waiting.set(workspaceId, task);
    if (waiting) return;
    const tracked = this.#limit
      .run(async () => {
        const latest = this.#waiting.get(workspaceId)!;
        this.#waiting.delete(workspaceId);
        this.#running.add(workspaceId);
        try {
          await this.#d.locks.tryWithLock(`workspace-task:${workspaceId}`, latest);
        } finally {
          this.#running.delete(workspaceId);
        }
      })
      .catch((error) =>
        this.#d.logger.error({ err: error, workspaceId }, 'stop or delete failed; the reconciler will retry'),
      )
      .finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }
}
