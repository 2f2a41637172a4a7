/**
 * Runs one build: its stages in order, each timed and logged, then the workspace's new state.
 * A failed critical stage fails the build; a failed non-critical stage leaves a warning.
 */
import type { Stage, StageName } from '@hearth/sdk';
import { HearthError } from '../errors.js';
import type { ActivitySink } from '../ports/activity.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Runtimes } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import { findBuildById, findBuildLog, updateBuild } from '../store/repositories/builds.repository.js';
import { findImage } from '../store/repositories/images.repository.js';
import { findWorkspaceById, type WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import type { BuildRow, ImageRow } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import type { WorkspaceEvents } from '../workspaces/events.js';
import { applyTransition } from '../workspaces/transition.js';
import { BuildLog } from './build-log.js';
import type { BuildContext, BuildStage } from './build-stage.js';
import { ContainerLost } from './container-lost.js';

export const SYSTEM = 'system';

/** The stage list every build starts with, before any stage runs. */
export function plannedStages(stages: readonly BuildStage[]): Stage[] {
  return [...stages.map((s) => s.name), 'ready' as StageName].map((name) => ({
    name,
    status: 'pending',
    durationMs: null,
  }));
}

export class BuildRunner {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #events: WorkspaceEvents;
  readonly #log: Logger;
  readonly #stages: readonly BuildStage[];
  readonly #activity: ActivitySink | undefined;
  readonly #runtimes: Runtimes;

  constructor(deps: {
    db: Database;
    clock: Clock;
    events: WorkspaceEvents;
    logger: Logger;
    stages: readonly BuildStage[];
    /** Each build runs on its workspace's engine. */
    runtimes: Runtimes;
    /** A finished build counts as use of the workspace. */
    activity?: ActivitySink;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#events = deps.events;
    this.#log = deps.logger.child({ component: 'builds' });
    this.#stages = deps.stages;
    this.#activity = deps.activity;
    this.#runtimes = deps.runtimes;
  }

  get stages(): readonly BuildStage[] {
    return this.#stages;
  }

  async run(buildId: string): Promise<void> {
    const build = await findBuildById(this.#db, buildId);
    const ws = build && (await findWorkspaceById(this.#db, build.workspace_id));
    if (build?.status !== 'queued') return;
    if (ws?.state !== 'pending') return this.#cancelUnstarted(build.id);
    const image = await findImage(this.#db, ws.org_id, build.image_ref);
    const stages = plannedStages(this.#stages);
    const startedAt = this.#now();
    if (!(await this.#start(build, ws, stages, startedAt))) return;
    // An engine removed from the pool fails the build below, like a missing image.
    const engine = await this.#runtimes.of(ws.engine_id).catch((error: Error) => error);
    // A build run again after a restart goes on with the log its first run stored.
    const storedLog = await findBuildLog(this.#db, build.id);
    const run = this.#newRun(
      build,
      storedLog,
      ws,
      image,
      engine instanceof Error ? undefined : engine,
      stages,
      startedAt,
    );
    run.log.info({ reason: build.reason }, 'build started');
    try {
      if (engine instanceof Error) throw engine;
      if (!image)
        throw new Error(
          `image ${build.image_ref} is no longer in the org's catalogue; an org admin can add it back`,
        );
      await this.#runStages(run);
      await this.#succeed(run);
    } catch (error) {
      const { warnings, buildLog, ctx } = run;
      const canceled = await this.#fail(
        ws,
        build.id,
        build.number,
        build.initiator,
        stages,
        warnings,
        buildLog,
        error,
        ctx,
      );
      if (canceled) run.log.info({ reason: canceled }, 'build canceled');
      else run.log.warn({ err: error }, 'build failed');
    } finally {
      this.#events.changed(ws.id);
    }
  }

  /** A queued build whose workspace left `pending` before it started (a stop or delete got there first). */
  async #cancelUnstarted(buildId: string): Promise<void> {
    await updateBuild(this.#db, buildId, {
      status: 'canceled',
      finished_at: this.#now(),
      error: 'the workspace left the pending state before the build started',
    });
  }

  /** Moves the workspace to `building` and the build to `running`; false when a stop or delete got there first. */
  async #start(build: BuildRow, ws: WorkspaceRecord, stages: Stage[], startedAt: string): Promise<boolean> {
    try {
      // One transaction: a crash between the two writes left a workspace building with its build
      // still queued, which no restart could recover.
      await inTransaction(this.#db, async (tx) => {
        await applyTransition(
          tx,
          ws,
          'build_started',
          {
            code: 'build_started',
            message: `build #${build.number} (${build.reason}) is running`,
            actor: build.initiator,
          },
          startedAt,
        );
        await updateBuild(tx, build.id, {
          status: 'running',
          started_at: startedAt,
          stages: JSON.stringify(stages),
        });
      });
    } catch (error) {
      if (error instanceof HearthError && error.code === 'invalid_transition') {
        await this.#cancelUnstarted(build.id);
        return false;
      }
      throw error;
    }
    this.#events.changed(ws.id);
    return true;
  }

  #newRun(
    build: BuildRow,
    storedLog: string,
    ws: WorkspaceRecord,
    image: ImageRow | undefined,
    runtime: Runtime | undefined,
    stages: Stage[],
    startedAt: string,
  ): Run {
    const buildLog = new BuildLog(
      { db: this.#db, clock: this.#clock, events: this.#events },
      { id: build.id, workspaceId: ws.id, number: build.number, log: storedLog },
    );
    const run: Run = {
      build,
      ws,
      stages,
      warnings: [],
      buildLog,
      startedAt,
      stageName: 'pull',
      log: this.#log.child({ workspaceId: ws.id, build: build.number }),
      ctx: {
        workspace: ws,
        build,
        image: image!,
        runtime: runtime!,
        log: (text) => buildLog.write(run.stageName, text),
      },
    };
    return run;
  }

  /** Each stage in order, between checks that the workspace is not being stopped or deleted. */
  async #runStages(run: Run): Promise<void> {
    const { ctx, stages, warnings } = run;
    for (const [i, stage] of this.#stages.entries()) {
      run.stageName = stage.name;
      const record = stages[i]!;
      const interrupted = await this.#interruption(run.ws.id);
      if (interrupted) throw new Canceled(interrupted);
      record.status = 'running';
      await this.#save(run);
      const t0 = performance.now();
      try {
        await stage.run(ctx);
        record.status = 'succeeded';
      } catch (error) {
        record.error = (error as Error).message;
        if (stage.critical || error instanceof ContainerLost) {
          record.status = 'failed';
          throw new StageFailed(stage.name, error);
        }
        record.status = 'warning';
        warnings.push(`${stage.name}: ${record.error}`);
        ctx.log(`warning: ${record.error}`);
      } finally {
        record.durationMs = Math.round(performance.now() - t0);
      }
    }
  }

  /** The stage records, the warnings and the log so far, for those watching. */
  async #save(run: Run): Promise<void> {
    await run.buildLog.flush();
    await updateBuild(this.#db, run.build.id, {
      stages: JSON.stringify(run.stages),
      warnings: JSON.stringify(run.warnings),
    });
    this.#events.changed(run.ws.id);
  }

  /** `ready`: the workspace runs what the build made, and the build succeeded, in one transaction. */
  async #succeed(run: Run): Promise<void> {
    const { build, ws, stages, warnings, ctx } = run;
    run.stageName = 'ready';
    // A stop during the last stage (which may have failed as a mere warning because of it)
    // cancels the build: it must not say it is ready.
    const interrupted = await this.#interruption(ws.id);
    if (interrupted) throw new Canceled(interrupted);
    const t0 = performance.now();
    const ready = stages[stages.length - 1]!;
    const resolved = ctx.resolved!;
    const finishedAt = this.#now();
    ready.status = 'succeeded';
    ready.durationMs = Math.round(performance.now() - t0);
    // Written before the commit, so that a client who sees `running` finds the whole log.
    ctx.log(`workspace ${ws.name} is running`);
    await run.buildLog.flush();
    await inTransaction(this.#db, async (tx) => {
      await applyTransition(
        tx,
        ws,
        'build_succeeded',
        {
          code: 'build_succeeded',
          message: `build #${build.number} succeeded${warnings.length ? ' with warnings' : ''}`,
          actor: build.initiator,
        },
        finishedAt,
        { image_digest: resolved.id, username: resolved.username, container_id: ctx.containerId ?? null },
      );
      await updateBuild(tx, build.id, {
        status: 'succeeded',
        finished_at: finishedAt,
        image_digest: resolved.id,
        stages: JSON.stringify(stages),
        warnings: JSON.stringify(warnings),
      });
    });
    this.#activity?.touch(ws.id, 'build');
    run.log.info({ ms: Date.parse(finishedAt) - Date.parse(run.startedAt) }, 'build succeeded');
  }

  /**
   * Records the build's end after `error`: canceled when the workspace is being stopped or deleted
   * (returns why), else failed, moving the workspace to `failed`.
   */
  async #fail(
    ws: BuildContext['workspace'],
    buildId: string,
    number: number,
    initiator: string,
    stages: Stage[],
    warnings: string[],
    buildLog: BuildLog,
    error: unknown,
    ctx: BuildContext,
  ): Promise<string | undefined> {
    // A stage that failed because a stop or delete removed its container was canceled too.
    const interrupted = error instanceof Canceled ? error.message : await this.#interruption(ws.id);
    const canceled = interrupted !== undefined;
    const message = canceled ? `canceled: ${interrupted}` : (error as Error).message;
    ctx.log(canceled ? message : `error: ${message}`);
    await buildLog.flush();
    const now = this.#now();
    for (const s of stages) {
      // `ready` may have been marked before the commit that a stop made impossible.
      if (s.status === 'pending' || (s.name === 'ready' && s.status === 'succeeded')) s.status = 'skipped';
      // The stage the stop or delete cut short: what its process said as it was killed (an exit
      // status, "killed: out of memory?") is not why it ended.
      else if (canceled && (s.status === 'failed' || s.status === 'running')) {
        s.status = 'canceled';
        s.error = interrupted;
      }
    }
    await updateBuild(this.#db, buildId, {
      status: canceled ? 'canceled' : 'failed',
      finished_at: now,
      error: message,
      stages: JSON.stringify(stages),
      warnings: JSON.stringify(warnings),
    });
    if (canceled) return interrupted;
    const current = await findWorkspaceById(this.#db, ws.id);
    if (current?.state !== 'building') return undefined;
    await applyTransition(
      this.#db,
      current,
      'build_failed',
      { code: 'build_failed', message: `build #${number} failed: ${message}`, actor: initiator },
      now,
      {
        container_id: ctx.containerId ?? current.container_id,
      },
    );
    return undefined;
  }

  /** Why the build must end now (the workspace is being stopped or deleted), or undefined. */
  async #interruption(workspaceId: string): Promise<string | undefined> {
    const ws = await findWorkspaceById(this.#db, workspaceId);
    if (!ws || ws.state === 'deleting') return 'the workspace is being deleted';
    if (ws.state === 'stopping') return 'the workspace is being stopped';
    return undefined;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** One build as it runs: what it builds, its stage records, warnings and log, and the stage writing now. */
interface Run {
  readonly build: BuildRow;
  readonly ws: WorkspaceRecord;
  readonly stages: Stage[];
  readonly warnings: string[];
  readonly buildLog: BuildLog;
  readonly ctx: BuildContext;
  readonly log: Logger;
  readonly startedAt: string;
  stageName: string;
}

class Canceled extends Error {}

class StageFailed extends Error {
  constructor(stage: string, cause: unknown) {
    super(`stage ${stage}: ${(cause as Error).message}`, { cause });
  }
}
