/**
 * Workspace use cases: create, show, list, rebuild, start, stop, delete, and finding the container
 * to exec into. Builds go through the queue; stop and delete finish in the background (the
 * workspace shows `stopping`/`deleting` meanwhile, and the reconciler finishes them after a crash).
 */
import type {
  Build,
  BuildReason,
  CreateWorkspaceRequest,
  LogLine,
  ResourceRequestInput,
  Workspace,
} from '@hearth/sdk';
import { mayActOnWorkspace, type WorkspaceAction } from '../core/authorization.js';
import { parseAutoOff } from '../core/lifecycle.js';
import { checkLimits, type ResourceAmounts } from '../core/limits.js';
import { nameProblem } from '../core/names.js';
import { chooseOrgForImage } from '../core/org-choice.js';
import { parseCpu, parseMemory, parseSize } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import { LABELS, type Runtime } from '../runtime/runtime.js';
import type { Database } from '../store/database.js';
import * as builds from '../store/repositories/builds.repository.js';
import type { Executor } from '../store/repositories/executor.js';
import type { WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';
import type { BuildRow, ImageRow } from '../store/schema.js';
import type { ActivitySink } from './activity.js';
import { parseStoredLog } from './build-log.js';
import type { BuildQueue } from './build-queue.js';
import { homeOf } from './build-stage.js';
import { type BuildRunner, plannedStages, SYSTEM } from './builds.js';
import { DiskUsage } from './disk-usage.js';
import type { WorkspaceEvents } from './events.js';
import { type Actor, type IdentityService, orgLimits, type Principal } from './identity.js';
import { type ImageService, imageDefaults } from './images.js';
import { type Clock, type Logger, newId } from './ports.js';
import { type RevocationSink, revokeWorkspaceTokens } from './revocations.js';
import { applyTransition, type Reason } from './transition.js';
import { buildView, workspaceView } from './views.js';

export interface WorkspaceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: WorkspaceEvents;
  readonly runtime: Runtime;
  readonly identity: IdentityService;
  readonly images: ImageService;
  readonly queue: BuildQueue;
  readonly runner: BuildRunner;
  readonly logger: Logger;
  readonly stopGraceSeconds: number;
  readonly activity: ActivitySink;
  /** Where the revocation of a workspace's injected token is announced (its sessions end). */
  readonly revocations: RevocationSink;
}

/** What exec needs to enter a running workspace. */
export interface ExecTarget {
  readonly workspaceId: string;
  readonly containerId: string;
  readonly username: string;
  readonly home: string;
}

export class WorkspaceService {
  readonly #d: WorkspaceDeps;
  readonly #log: Logger;
  /** Stop and delete tasks in flight, by workspace id: one at a time per workspace. */
  readonly #tasks = new Map<string, Promise<void>>();
  readonly #disk: DiskUsage;

  constructor(deps: WorkspaceDeps) {
    this.#d = deps;
    this.#disk = new DiskUsage(deps.runtime, deps.clock);
    this.#log = deps.logger.child({ component: 'workspaces' });
  }

  async create(actor: Actor, req: CreateWorkspaceRequest): Promise<Workspace> {
    const problem = nameProblem('workspace', req.name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    const org = await this.#chooseOrg(actor, req.org, req.image);
    const image = await this.#d.images.requireInCatalogue(org.id, org.name, req.image);
    const resources = mergeResources(imageDefaults(image), req);
    const autoOff = req.autoOff === undefined ? null : unwrap(parseAutoOff(req.autoOff), 'autoOff');
    const now = this.#now();
    const id = newId();
    const buildId = await this.#d.db.transaction().execute(async (tx) => {
      if (await workspaces.findWorkspace(tx, actor.id, req.name)) {
        throw new HearthError(
          'workspace_exists',
          `you already have a workspace named ${req.name}; pick another name or delete it first`,
        );
      }
      await this.#checkLimits(tx, org.id, actor.id, undefined, resources);
      await workspaces.insertWorkspace(tx, {
        id,
        org_id: org.id,
        owner_id: actor.id,
        name: req.name,
        image_ref: image.ref,
        image_digest: null,
        username: image.username,
        cpu_millis: resources.cpuMillis,
        memory_bytes: resources.memoryBytes,
        disk_bytes: resources.diskBytes,
        gpus: resources.gpus,
        state: 'pending',
        state_reason: 'created',
        state_message: `created by ${actor.username}; build #1 queued`,
        state_actor: actor.username,
        state_changed_at: now,
        container_id: null,
        volume_name: `hearth-home-${id}`,
        home_ready: 0,
        created_at: now,
        updated_at: now,
        autostart: req.autostart ? 1 : 0,
        auto_off_override_ms: autoOff,
      });
      return this.#insertBuild(tx, id, 1, 'create', actor.username, image, resources);
    });
    this.#d.queue.enqueue(buildId);
    return this.#view((await workspaces.findWorkspaceById(this.#d.db, id))!, false);
  }

  async list(actor: Actor, filter: { org?: string; owner?: string }): Promise<Workspace[]> {
    let rows: WorkspaceRecord[];
    if (filter.org) {
      const org = await this.#d.identity.requireOrg(filter.org);
      const role = await this.#d.identity.roleIn(actor, org.id);
      if (!role) throw new HearthError('org_not_found', `no org named ${filter.org}; see "hearth orgs list"`);
      rows = await workspaces.listWorkspaces(this.#d.db, {
        orgIds: [org.id],
        ...(role === 'admin' ? {} : { ownerId: actor.id }),
      });
    } else {
      rows = await workspaces.listWorkspaces(this.#d.db, { ownerId: actor.id });
    }
    const owner = filter.owner === 'me' ? actor.username : filter.owner;
    if (owner) rows = rows.filter((r) => r.owner === owner);
    const latest = await builds.latestBuilds(
      this.#d.db,
      rows.map((r) => r.id),
    );
    return rows.map((ws) =>
      workspaceView(ws, this.#buildOf(latest.get(ws.id)), this.#disk.known(ws.volume_name)),
    );
  }

  async get(actor: Actor, user: string, name: string): Promise<Workspace> {
    const ws = await this.#target(actor, user, name, 'view');
    return this.#view(ws, true);
  }

  async rebuild(
    actor: Actor,
    user: string,
    name: string,
    req: ResourceRequestInput = {},
  ): Promise<Workspace> {
    return this.#queueBuild(actor, user, name, 'rebuild', req);
  }

  async start(actor: Actor, user: string, name: string): Promise<Workspace> {
    return this.#queueBuild(actor, user, name, 'start', {});
  }

  async stop(actor: Actor, user: string, name: string): Promise<Workspace> {
    const ws = await this.#target(actor, user, name, 'stop');
    const code = ws.owner_id === actor.id ? 'user_stop' : 'admin_stop';
    const by = ws.owner_id === actor.id ? actor.username : `admin ${actor.username}`;
    await this.stopWorkspace(ws, { code, message: `stopped by ${by}`, actor: actor.username });
    return this.#view(ws, false);
  }

  /**
   * Moves a workspace to `stopping` and, in the background, removes its container (never its
   * volume), then `stopped`. Used by people, auto-off and the reconciler alike. A stop while a
   * build is queued or running cancels the build.
   */
  async stopWorkspace(ws: WorkspaceRecord, reason: Reason): Promise<void> {
    // The reason is the final one already; the state says the stop is under way.
    await applyTransition(this.#d.db, ws, 'stop', reason, this.#now());
    this.#d.events.changed(ws.id);
    this.#background(ws.id, () => this.finishStop(ws, reason));
  }

  /** Ends any build, removes the container of a `stopping` workspace and records it stopped. */
  async finishStop(ws: WorkspaceRecord, reason: Reason): Promise<void> {
    await this.#endBuildAndRemoveContainers(ws.id, 'the workspace was stopped');
    await applyTransition(this.#d.db, ws, 'stopped', reason, this.#now(), { container_id: null });
    this.#d.events.changed(ws.id);
  }

  async delete(actor: Actor, user: string, name: string): Promise<void> {
    const ws = await this.#target(actor, user, name, 'delete');
    await applyTransition(
      this.#d.db,
      ws,
      'delete',
      { code: 'delete_requested', message: `deletion requested by ${actor.username}`, actor: actor.username },
      this.#now(),
    );
    this.#d.events.changed(ws.id);
    this.#background(ws.id, () => this.finishDelete(ws));
  }

  /** Cancels any build, removes the container and — only here — the home volume, then the record. */
  async finishDelete(ws: WorkspaceRecord): Promise<void> {
    await this.#endBuildAndRemoveContainers(ws.id, 'the workspace was deleted');
    await this.#d.runtime.removeVolume(ws.volume_name);
    await workspaces.deleteWorkspaceRow(this.#d.db, ws.id);
    this.#d.activity.forget(ws.id);
    this.#log.info(
      { workspaceId: ws.id, name: ws.name, owner: ws.owner },
      'workspace deleted with its home volume',
    );
    this.#d.events.changed(ws.id);
  }

  async listBuilds(actor: Actor, user: string, name: string): Promise<Build[]> {
    const ws = await this.#target(actor, user, name, 'view');
    return (await builds.listBuilds(this.#d.db, ws.id)).map((b) => this.#buildOf(b)!);
  }

  async getBuild(actor: Actor, user: string, name: string, number: number): Promise<Build> {
    const ws = await this.#target(actor, user, name, 'view');
    return this.#buildOf(await this.#requireBuild(ws, number))!;
  }

  /** The stored lines of a build, and whether it has finished. */
  async buildLog(
    actor: Actor,
    user: string,
    name: string,
    number: number,
  ): Promise<{ workspaceId: string; lines: LogLine[]; build: Build }> {
    const ws = await this.#target(actor, user, name, 'view');
    const row = await this.#requireBuild(ws, number, { withLog: true });
    return { workspaceId: ws.id, lines: parseStoredLog(row.log), build: this.#buildOf(row)! };
  }

  /** The newest build's number, for `logs` without `--build`. */
  async latestBuildNumber(actor: Actor, user: string, name: string): Promise<number> {
    const ws = await this.#target(actor, user, name, 'view');
    return (await builds.nextBuildNumber(this.#d.db, ws.id)) - 1;
  }

  /** The workspace the actor may act on this way (for other services), or `workspace_not_found`. */
  resolve(actor: Actor, user: string, name: string, action: WorkspaceAction): Promise<WorkspaceRecord> {
    return this.#target(actor, user, name, action);
  }

  /**
   * Whether the user may still act on the workspace this way: long-lived streams ask again after a
   * membership change. A suspended or unknown user, or a gone workspace, may not.
   */
  async stillAllowed(userId: string, workspaceId: string, action: WorkspaceAction): Promise<boolean> {
    const ws = await workspaces.findWorkspaceById(this.#d.db, workspaceId);
    const user = ws && (await this.#d.identity.findUserById(userId));
    if (!ws || !user || user.suspended_at) return false;
    const principal = { id: user.id, username: user.username, siteAdmin: user.site_admin === 1 };
    return this.#target(principal, ws.owner, ws.name, action).then(
      () => true,
      () => false,
    );
  }

  /** For watch streams: the workspace's id after an access check, and a fresh snapshot by id. */
  async watchTarget(actor: Actor, user: string, name: string): Promise<string> {
    return (await this.#target(actor, user, name, 'view')).id;
  }

  async snapshot(workspaceId: string): Promise<Workspace | undefined> {
    const ws = await workspaces.findWorkspaceById(this.#d.db, workspaceId);
    return ws && this.#view(ws, false);
  }

  /** The running container to exec into; only the owner may, and only while it runs. */
  async execTarget(actor: Principal, user: string, name: string): Promise<ExecTarget> {
    const ws = await this.#target(actor, user, name, 'exec');
    if (ws.state === 'stopped' || ws.state === 'failed') {
      throw new HearthError(
        'workspace_stopped',
        `workspace ${ws.name} is ${ws.state}; start it with "hearth start ${ws.name}" (a rebuild) and try again`,
        { state: ws.state },
      );
    }
    if (ws.state !== 'running' || !ws.container_id || !ws.username) {
      throw new HearthError(
        'workspace_not_running',
        `workspace ${ws.name} is ${ws.state}, not running; wait for it ("hearth logs ${ws.name} --follow")`,
        { state: ws.state },
      );
    }
    return {
      workspaceId: ws.id,
      containerId: ws.container_id,
      username: ws.username,
      home: homeOf(ws.username),
    };
  }

  /** Waits for stop and delete tasks in flight (on shutdown, and in tests). */
  async settle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks.values()]);
  }

  async #queueBuild(
    actor: Actor,
    user: string,
    name: string,
    event: 'rebuild' | 'start',
    req: ResourceRequestInput,
  ): Promise<Workspace> {
    const ws = await this.#target(actor, user, name, event);
    const org = await this.#d.identity.requireOrg(ws.org);
    const image = await this.#d.images.requireInCatalogue(org.id, org.name, ws.image_ref);
    const resources = mergeResources(
      {
        cpuMillis: ws.cpu_millis,
        memoryBytes: Number(ws.memory_bytes),
        diskBytes: Number(ws.disk_bytes),
        gpus: ws.gpus,
      },
      req,
    );
    const buildId = await this.#d.db.transaction().execute(async (tx) => {
      await this.#checkLimits(tx, ws.org_id, ws.owner_id, ws.id, resources);
      const number = await builds.nextBuildNumber(tx, ws.id);
      const by = ws.owner_id === actor.id ? actor.username : `admin ${actor.username}`;
      await applyTransition(
        tx,
        ws,
        event,
        {
          code: 'build_queued',
          message: `${event} requested by ${by}; build #${number} queued`,
          actor: actor.username,
        },
        this.#now(),
        {
          cpu_millis: resources.cpuMillis,
          memory_bytes: resources.memoryBytes,
          disk_bytes: resources.diskBytes,
          gpus: resources.gpus,
        },
      );
      return this.#insertBuild(tx, ws.id, number, event, actor.username, image, resources);
    });
    this.#d.queue.enqueue(buildId);
    this.#d.events.changed(ws.id);
    return this.#view(ws, false);
  }

  /**
   * Queues a build for automation (reconciler resume, auto-start, admin campaigns), within the org's limits.
   * Returns the build's id; `initiator` is recorded on the build (default `system`).
   */
  async queueSystemBuild(
    ws: WorkspaceRecord,
    reason: BuildReason,
    message: string,
    initiator: string = SYSTEM,
  ): Promise<string> {
    const image = { ref: ws.image_ref };
    const resources = {
      cpuMillis: ws.cpu_millis,
      memoryBytes: Number(ws.memory_bytes),
      diskBytes: Number(ws.disk_bytes),
      gpus: ws.gpus,
    };
    const buildId = await this.#d.db.transaction().execute(async (tx) => {
      // Automation respects the org's limits like people do; a resumed build was already counted.
      if (reason !== 'resume') await this.#checkLimits(tx, ws.org_id, ws.owner_id, ws.id, resources);
      const number = await builds.nextBuildNumber(tx, ws.id);
      await applyTransition(
        tx,
        ws,
        'rebuild',
        { code: 'build_queued', message: `${message}; build #${number} queued`, actor: initiator },
        this.#now(),
      );
      return this.#insertBuild(tx, ws.id, number, reason, initiator, image, resources);
    });
    this.#d.queue.enqueue(buildId);
    this.#d.events.changed(ws.id);
    return buildId;
  }

  async #insertBuild(
    tx: Executor,
    workspaceId: string,
    number: number,
    reason: BuildReason,
    initiator: string,
    image: Pick<ImageRow, 'ref'>,
    r: ResourceAmounts,
  ): Promise<string> {
    const id = newId();
    await builds.insertBuild(tx, {
      id,
      workspace_id: workspaceId,
      number,
      reason,
      initiator,
      status: 'queued',
      image_ref: image.ref,
      image_digest: null,
      cpu_millis: r.cpuMillis,
      memory_bytes: r.memoryBytes,
      disk_bytes: r.diskBytes,
      gpus: r.gpus,
      stages: JSON.stringify(plannedStages(this.#d.runner.stages)),
      error: null,
      warnings: '[]',
      log: '',
      log_truncated: 0,
      queued_at: this.#now(),
      started_at: null,
      finished_at: null,
    });
    return id;
  }

  async #checkLimits(
    tx: Executor,
    orgId: string,
    ownerId: string,
    exceptId: string | undefined,
    request: ResourceAmounts,
  ): Promise<void> {
    const org = await tx.selectFrom('orgs').selectAll().where('id', '=', orgId).executeTakeFirstOrThrow();
    const others = await workspaces.sumActiveResources(tx, orgId, ownerId, exceptId);
    const violation = checkLimits(request, orgLimits(org), others);
    if (violation)
      throw new HearthError('limit_exceeded', violation.message, { limit: violation.limit, org: org.name });
  }

  /** The org named, else the only one the request can mean (see {@link chooseOrgForImage}). */
  async #chooseOrg(actor: Actor, name: string | undefined, image: string) {
    if (name) {
      const org = await this.#d.identity.requireOrg(name);
      await this.#d.identity.requireRole(actor, org, 'member');
      return org;
    }
    const mine = await this.#d.identity.memberships(actor);
    const offering = mine.length > 1 ? await this.#d.images.orgsOffering(mine, image) : [];
    const choice = chooseOrgForImage(
      mine.map((m) => m.name),
      offering.map((m) => m.name),
      image,
    );
    if (!choice.ok) {
      throw new HearthError(choice.code, choice.message, {
        field: 'org',
        candidates: (offering.length > 1 ? offering : mine).map((m) => m.name),
      });
    }
    return this.#d.identity.requireOrg(choice.org);
  }

  /** The workspace the actor may act on, or `workspace_not_found` (also when they may not). */
  async #target(
    actor: Principal,
    user: string,
    name: string,
    action: WorkspaceAction,
  ): Promise<WorkspaceRecord> {
    const ownerName = user === 'me' ? actor.username : user;
    const notFound = new HearthError(
      'workspace_not_found',
      `no workspace named ${user === 'me' ? name : `${ownerName}/${name}`}; see "hearth list"`,
    );
    const owner = await this.#d.identity.findUser(ownerName);
    const ws = owner && (await workspaces.findWorkspace(this.#d.db, owner.id, name));
    if (!ws) throw notFound;
    const role = await this.#d.identity.roleIn(actor, ws.org_id);
    if (!mayActOnWorkspace(actor, ws.owner_id, role, action)) {
      if (ws.owner_id === actor.id)
        throw new HearthError(
          'forbidden',
          `you are no longer a member of org ${ws.org}: ${ws.owner}/${ws.name} stays there, managed by its admins, but you can only look at it; ask an admin of ${ws.org} to add you back`,
        );
      // Those who may see it (admins) learn why; everyone else cannot tell it exists.
      if (action === 'exec' && mayActOnWorkspace(actor, ws.owner_id, role, 'view'))
        throw new HearthError('forbidden', `only ${ws.owner} can open a session in ${ws.owner}/${ws.name}`);
      throw notFound;
    }
    return ws;
  }

  async #requireBuild(
    ws: WorkspaceRecord,
    number: number,
    options: { withLog?: boolean } = {},
  ): Promise<BuildRow> {
    const row = await builds.findBuild(this.#d.db, ws.id, number, options);
    if (!row)
      throw new HearthError(
        'build_not_found',
        `workspace ${ws.name} has no build #${number}; see "hearth show ${ws.name}"`,
      );
    return row;
  }

  async #view(ws: WorkspaceRecord, withUsage: boolean): Promise<Workspace> {
    const latest = (await builds.latestBuilds(this.#d.db, [ws.id])).get(ws.id);
    return workspaceView(
      ws,
      this.#buildOf(latest),
      withUsage ? await this.#disk.measure(ws.volume_name) : this.#disk.known(ws.volume_name),
    );
  }

  #buildOf(row: BuildRow | undefined): Build | null {
    return row ? buildView(row, this.#d.queue.position(row.id)) : null;
  }

  /**
   * Ends the workspace's build, if it has one, and removes its containers. A queued build is
   * canceled. A running one sees the workspace's new state (stopping, deleting) between stages and
   * ends canceled; removing the container first ends a stage that runs in it (a long configure)
   * at once instead of when it finishes. The build may have created a container after that, so
   * the containers are removed again once it has settled.
   */
  async #endBuildAndRemoveContainers(workspaceId: string, why: string): Promise<void> {
    const live = (await builds.listBuilds(this.#d.db, workspaceId)).filter(
      (b) => b.status === 'queued' || b.status === 'running',
    );
    for (const build of live) {
      if (build.status === 'queued' && this.#d.queue.cancel(build.id))
        await builds.updateBuild(this.#d.db, build.id, {
          status: 'canceled',
          finished_at: this.#now(),
          error: why,
        });
    }
    await this.#removeContainers(workspaceId);
    if (live.length === 0) return;
    await Promise.all(live.map((b) => this.#d.queue.settled(b.id)));
    await this.#removeContainers(workspaceId);
  }

  async #removeContainers(workspaceId: string): Promise<void> {
    for (const c of await this.#d.runtime.listContainers({ [LABELS.workspaceId]: workspaceId })) {
      await this.#d.runtime.stopContainer(c.id, this.#d.stopGraceSeconds);
      await this.#d.runtime.removeContainer(c.id);
    }
    // The CLI token injected into the container dies with it (stop, delete).
    await revokeWorkspaceTokens(this.#d.db, this.#d.revocations, workspaceId, this.#now());
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

  /** Runs a workspace's stop or delete in the background; failures are logged and retried later. */
  #background(workspaceId: string, task: () => Promise<void>): void {
    if (this.#tasks.has(workspaceId)) return;
    const tracked = task()
      .catch((error) =>
        this.#log.error({ err: error, workspaceId }, 'stop or delete failed; the reconciler will retry'),
      )
      .finally(() => this.#tasks.delete(workspaceId));
    this.#tasks.set(workspaceId, tracked);
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }
}

/** Requested resources over a base (image defaults or the workspace's current ones). */
function mergeResources(base: ResourceAmounts, req: ResourceRequestInput): ResourceAmounts {
  if (req.gpus !== undefined && (!Number.isInteger(req.gpus) || req.gpus < 0))
    throw invalidInput(`gpus "${req.gpus}" must be a whole number, 0 or more`, { field: 'gpus' });
  return {
    cpuMillis: req.cpu === undefined ? base.cpuMillis : unwrap(parseCpu(req.cpu), 'cpu'),
    memoryBytes:
      req.memory === undefined ? base.memoryBytes : unwrap(parseMemory('memory', req.memory), 'memory'),
    diskBytes: req.disk === undefined ? base.diskBytes : unwrap(parseSize('disk', req.disk), 'disk'),
    gpus: req.gpus ?? base.gpus,
  };
}
