/**
 * Workspace use cases: create, show, list, rebuild, start, stop, delete, and finding the container
 * to exec into. Built from four parts: who may act on which workspace (workspace-access.ts),
 * asking for builds within the org's limits (build-requests.ts), stopping and deleting in the
 * background (teardown.ts), and disk usage (disk-usage.ts).
 */
import type {
  Build,
  BuildReason,
  CreateWorkspaceRequest,
  LogLine,
  Page,
  ResourceRequestInput,
  Workspace,
} from '@hearth/sdk';
import { parseStoredLog } from '../builds/build-log.js';
import { type BuildRunner, SYSTEM } from '../builds/build-runner.js';
import type { WorkspaceAction } from '../core/authorization.js';
import { parseAutoOff } from '../core/lifecycle.js';
import { addressNameProblem } from '../core/names.js';
import { chooseOrgForImage } from '../core/org-choice.js';
import { pageOf } from '../core/paging.js';
import type { EnginePlacement } from '../engines/engine-placement.js';
import { HearthError, invalidInput, stopIfClientGone, unwrap } from '../errors.js';
import type { Actor, Principal } from '../identity/actor.js';
import type { OrgService } from '../identity/org-service.js';
import type { RevocationSink } from '../identity/revocations.js';
import type { UserService } from '../identity/user-service.js';
import { type ImageService, imageDefaults } from '../images/image-service.js';
import { pageRequest } from '../page-request.js';
import type { ActivitySink } from '../ports/activity.js';
import type { BuildQueue } from '../ports/build-queue.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Locks } from '../ports/locks.js';
import type { Logger } from '../ports/logger.js';
import type { Runtimes } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import type { BuildViewRow } from '../store/repositories/builds.repository.js';
import * as builds from '../store/repositories/builds.repository.js';
import type { WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';
import type { BuildRow } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import { BuildRequests, mergeResources, type RebuildOutcome } from './build-requests.js';
import { DiskUsage } from './disk-usage.js';
import type { WorkspaceEvents } from './events.js';
import { WorkspaceTeardown } from './teardown.js';
import type { Reason, TransitionItem, TransitionOutcome } from './transition.js';
import { BuildViewCache, WorkspaceViewCache } from './view-cache.js';
import { buildView, workspaceView } from './views.js';
import { type ExecTarget, WorkspaceAccess } from './workspace-access.js';

/** The names cursors of these lists carry. */
const WORKSPACE_LIST = 'workspaces';
const BUILD_LIST = 'builds';

/** What a workspace asks for now: what a system build (resume, auto-start, campaign) builds it with. */
const resourcesOf = (ws: WorkspaceRecord) => ({
  cpuMillis: ws.cpu_millis,
  memoryBytes: Number(ws.memory_bytes),
  diskBytes: Number(ws.disk_bytes),
  gpus: ws.gpus,
});

export interface WorkspaceDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: WorkspaceEvents;
  /** Each workspace's engine: its containers, volume and disk usage are there. */
  readonly runtimes: Runtimes;
  /** Picks a new workspace's engine, and checks a rebuild's room there (see engines/engine-placement.ts). */
  readonly placement: Pick<EnginePlacement, 'survey' | 'place' | 'checkGrowth' | 'machineOf'>;
  readonly users: Pick<UserService, 'findUser' | 'findUserById'>;
  readonly orgs: Pick<OrgService, 'memberships' | 'requireOrg' | 'requireRole' | 'roleIn'>;
  readonly images: Pick<ImageService, 'orgsOffering' | 'requireInCatalogue'>;
  readonly queue: BuildQueue;
  readonly runner: Pick<BuildRunner, 'stages'>;
  readonly logger: Logger;
  readonly stopGraceSeconds: number;
  readonly activity: ActivitySink;
  /** Where the revocation of a workspace's injected token is announced (its sessions end). */
  readonly revocations: RevocationSink;
  /** One stop or delete at a time per workspace. */
  readonly locks: Locks;
}

export class WorkspaceService {
  readonly #d: WorkspaceDeps;
  readonly #access: WorkspaceAccess;
  readonly #requests: BuildRequests;
  readonly #teardown: WorkspaceTeardown;
  /** Disk usage per engine: each sizes its own volumes. */
  readonly #usage = new Map<string, DiskUsage>();
  /** Lists' build and workspace views, reused while what they show is unchanged (view-cache.ts). */
  readonly #listedBuilds = new BuildViewCache();
  readonly #listedWorkspaces = new WorkspaceViewCache();

  constructor(deps: WorkspaceDeps) {
    this.#d = deps;
    this.#access = new WorkspaceAccess(deps);
    this.#requests = new BuildRequests(deps);
    this.#teardown = new WorkspaceTeardown({
      ...deps,
      logger: deps.logger.child({ component: 'workspaces' }),
    });
  }

  #usageOf(engineId: string): DiskUsage {
    let usage = this.#usage.get(engineId);
    if (!usage) {
      const runtimes = this.#d.runtimes;
      usage = new DiskUsage(
        { volumeSizes: async () => (await runtimes.of(engineId)).volumeSizes() },
        this.#d.clock,
      );
      this.#usage.set(engineId, usage);
    }
    return usage;
  }

  async create(actor: Actor, req: CreateWorkspaceRequest): Promise<Workspace> {
    const problem = addressNameProblem('workspace', req.name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    const org = await this.#chooseOrg(actor, req.org, req.image);
    const image = await this.#d.images.requireInCatalogue(org.id, org.name, req.image);
    const resources = mergeResources(imageDefaults(image), req);
    const autoOff = req.autoOff === undefined ? null : unwrap(parseAutoOff(req.autoOff), 'autoOff');
    // Before the transaction: placement asks every engine whether it answers.
    const survey = await this.#d.placement.survey();
    const now = this.#now();
    const id = newId();
    const buildId = await inTransaction(this.#d.db, async (tx) => {
      if (await workspaces.findWorkspace(tx, actor.id, req.name)) {
        throw new HearthError(
          'workspace_exists',
          `you already have a workspace named ${req.name}; pick another name or delete it first`,
        );
      }
      await this.#requests.checkLimits(tx, org.id, actor.id, undefined, resources, {
        image: image.ref,
        fields: new Set((['cpu', 'memory', 'disk', 'gpus'] as const).filter((f) => req[f] === undefined)),
      });
      // Decided in this transaction, which writes the row that reserves the room.
      const engineId = await this.#d.placement.place(tx, survey, resources);
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
        engine_id: engineId,
      });
      return this.#requests.insert(tx, id, 1, {
        reason: 'create',
        initiator: actor.username,
        image,
        resources,
      });
    });
    // Read before the build is handed on: the answer is the workspace as created (pending), not
    // whatever the build has made of it by the time a second query returns (a pooled database).
    const created = (await workspaces.findWorkspaceById(this.#d.db, id))!;
    this.#d.queue.enqueue(buildId);
    return this.#view(created, false);
  }

  /**
   * One page of the caller's workspaces, or with `org` of the org's (every member's for its admins),
   * by owner, name and id; `owner` (`me` for the caller) narrows it. Filters and paging are the
   * store's query of the workspaces' stamps; the whole rows, each with its latest build, are read
   * only for the views that are not kept (view-cache.ts).
   */
  async list(
    actor: Actor,
    filter: { org?: string; owner?: string; limit?: number; cursor?: string },
    /** Aborts when the client has gone: the page is then not built further. */
    signal?: AbortSignal,
  ): Promise<Page<Workspace>> {
    const { limit, after } = pageRequest(WORKSPACE_LIST, filter, 3);
    const owner = filter.owner === 'me' ? actor.username : filter.owner;
    let scope: { ownerId?: string; orgIds?: readonly string[] } = { ownerId: actor.id };
    if (filter.org) {
      const org = await this.#d.orgs.requireOrg(filter.org);
      const role = await this.#d.orgs.roleIn(actor, org.id);
      if (!role) throw new HearthError('org_not_found', `no org named ${filter.org}; see "hearth orgs list"`);
      scope = { orgIds: [org.id], ...(role === 'admin' ? {} : { ownerId: actor.id }) };
    }
    const stamps = await workspaces.listWorkspaceStamps(
      this.#d.db,
      { ...scope, ...(owner === undefined ? {} : { ownerName: owner }) },
      { after, limit: limit + 1 },
    );
    const page = pageOf(WORKSPACE_LIST, stamps, limit, workspaces.workspaceSortKey);
    const diskOf = (ws: workspaces.ListedWorkspace) => this.#usageOf(ws.engine_id).known(ws.volume_name);
    const kept = page.items.map((stamp) => this.#listedWorkspaces.find(stamp, diskOf));
    const stale = page.items.filter((_, i) => kept[i] === undefined).map((stamp) => stamp.id);
    stopIfClientGone(signal);
    // The whole rows only of the workspaces whose kept view is out of date.
    const rows = new Map(
      (await workspaces.listedWorkspacesByIds(this.#d.db, stale)).map((ws) => [ws.id, ws] as const),
    );
    stopIfClientGone(signal);
    // Only queued builds wait on the queue; the others' views are made (or reused) in one pass.
    const queued = new Map(
      await Promise.all(
        [...rows.values()].flatMap(({ lastBuild: b }) =>
          b?.status === 'queued' ? [this.#buildView(b).then((view) => [b.id, view] as const)] : [],
        ),
      ),
    );
    const items = page.items.flatMap((stamp, i) => {
      const view = kept[i];
      if (view) return [view];
      // A workspace deleted since its stamp was read drops out of the page.
      const ws = rows.get(stamp.id);
      if (!ws) return [];
      const lastBuild =
        ws.lastBuild === null
          ? null
          : (queued.get(ws.lastBuild.id) ?? this.#listedBuilds.viewOf(ws.lastBuild));
      return [this.#listedWorkspaces.viewOf(ws, lastBuild, diskOf(ws))];
    });
    return { items, nextCursor: page.nextCursor };
  }

  /** The ids of the caller's own workspaces, all of them. */
  async ownIds(actor: Actor): Promise<Set<string>> {
    return new Set((await workspaces.listWorkspaces(this.#d.db, { ownerId: actor.id })).map((ws) => ws.id));
  }

  async get(actor: Actor, user: string, name: string): Promise<Workspace> {
    const ws = await this.#access.target(actor, user, name, 'view');
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
    const ws = await this.#access.target(actor, user, name, 'stop');
    const code = ws.owner_id === actor.id ? 'user_stop' : 'admin_stop';
    const by = ws.owner_id === actor.id ? actor.username : `admin ${actor.username}`;
    await this.stopWorkspace(ws, { code, message: `stopped by ${by}`, actor: actor.username });
    return this.#view(ws, false);
  }

  /** Stops a workspace in the background (see {@link WorkspaceTeardown.stop}): people, auto-off, the reconciler. */
  stopWorkspace(ws: WorkspaceRecord, reason: Reason): Promise<void> {
    return this.#teardown.stop(ws, reason);
  }

  async delete(actor: Actor, user: string, name: string): Promise<void> {
    const ws = await this.#access.target(actor, user, name, 'delete');
    await this.#teardown.delete(ws, {
      code: 'delete_requested',
      message: `deletion requested by ${actor.username}`,
      actor: actor.username,
    });
  }

  /** Stops many workspaces at once (auto-off's storm): see {@link WorkspaceTeardown.stopMany}. */
  stopWorkspaces(items: readonly TransitionItem[]): Promise<TransitionOutcome> {
    return this.#teardown.stopMany(items);
  }

  /** Finishes a stop or delete a crash or an engine failure left unfinished (the reconciler asks). */
  finishUnfinished(ws: WorkspaceRecord): void {
    this.#teardown.finishUnfinished(ws);
  }

  /** Waits for stop and delete tasks in flight (on shutdown, and in tests). */
  settle(): Promise<void> {
    return this.#teardown.settle();
  }

  /** One page of a workspace's builds, newest first. */
  async listBuilds(
    actor: Actor,
    user: string,
    name: string,
    query: { limit?: number; cursor?: string } = {},
  ): Promise<Page<Build>> {
    const ws = await this.#access.target(actor, user, name, 'view');
    const { limit, after } = pageRequest(BUILD_LIST, query, 1);
    const before = after === undefined ? undefined : Number(after[0]);
    if (before !== undefined && !Number.isSafeInteger(before)) {
      throw new HearthError(
        'invalid_cursor',
        "cursor is not one of this list's: pass the X-Next-Cursor of the builds page before, unchanged",
        { field: 'cursor' },
      );
    }
    const rows = await builds.listBuilds(this.#d.db, ws.id, { before, limit: limit + 1 });
    const page = pageOf(BUILD_LIST, rows, limit, (b) => [String(b.number)]);
    return {
      items: await Promise.all(page.items.map((b) => this.#buildView(b))),
      nextCursor: page.nextCursor,
    };
  }

  async getBuild(actor: Actor, user: string, name: string, number: number): Promise<Build> {
    const ws = await this.#access.target(actor, user, name, 'view');
    return this.#buildView(await this.#requireBuild(ws, number));
  }

  /** The stored lines of a build, and whether it has finished. */
  async buildLog(
    actor: Actor,
    user: string,
    name: string,
    number: number,
  ): Promise<{ workspaceId: string; lines: LogLine[]; build: Build }> {
    const ws = await this.#access.target(actor, user, name, 'view');
    const row = await this.#requireBuild(ws, number);
    const log = await builds.findBuildLog(this.#d.db, row.id);
    return { workspaceId: ws.id, lines: parseStoredLog(log), build: await this.#buildView(row) };
  }

  /** The newest build's number, for `logs` without `--build`. */
  async latestBuildNumber(actor: Actor, user: string, name: string): Promise<number> {
    const ws = await this.#access.target(actor, user, name, 'view');
    return (await builds.nextBuildNumber(this.#d.db, ws.id)) - 1;
  }

  /** The workspace the actor may act on this way (for other services), or `workspace_not_found`. */
  resolve(actor: Actor, user: string, name: string, action: WorkspaceAction): Promise<WorkspaceRecord> {
    return this.#access.target(actor, user, name, action);
  }

  /** See {@link WorkspaceAccess.stillAllowed}: long-lived streams ask again after a membership change. */
  stillAllowed(userId: string, workspaceId: string, action: WorkspaceAction): Promise<boolean> {
    return this.#access.stillAllowed(userId, workspaceId, action);
  }

  /** For watch streams: the workspace's id after an access check, and a fresh snapshot by id. */
  async watchTarget(actor: Actor, user: string, name: string): Promise<string> {
    return (await this.#access.target(actor, user, name, 'view')).id;
  }

  /** The workspace's state from its row alone (no view made); undefined once it is gone. */
  async stateOf(workspaceId: string): Promise<string | undefined> {
    return (await workspaces.findWorkspaceById(this.#d.db, workspaceId))?.state;
  }

  async snapshot(workspaceId: string): Promise<Workspace | undefined> {
    const ws = await workspaces.findWorkspaceById(this.#d.db, workspaceId);
    return ws && this.#view(ws, false);
  }

  /** The running container to exec into; only the owner may, and only while it runs. */
  execTarget(actor: Principal, user: string, name: string): Promise<ExecTarget> {
    return this.#access.execTarget(actor, user, name);
  }

  async #queueBuild(
    actor: Actor,
    user: string,
    name: string,
    event: 'rebuild' | 'start',
    req: ResourceRequestInput,
  ): Promise<Workspace> {
    const ws = await this.#access.target(actor, user, name, event);
    const org = await this.#d.orgs.requireOrg(ws.org);
    const image = await this.#d.images.requireInCatalogue(org.id, org.name, ws.image_ref);
    const current = {
      cpuMillis: ws.cpu_millis,
      memoryBytes: Number(ws.memory_bytes),
      diskBytes: Number(ws.disk_bytes),
      gpus: ws.gpus,
    };
    const by = ws.owner_id === actor.id ? actor.username : `admin ${actor.username}`;
    await this.#requests.rebuild(ws, {
      event,
      reason: event,
      message: `${event} requested by ${by}`,
      initiator: actor.username,
      image,
      resources: mergeResources(current, req),
      checkLimits: true,
      storeResources: true,
    });
    return this.#view(ws, false);
  }

  /**
   * Queues a build for automation (reconciler resume, auto-start, admin campaigns), within the org's limits.
   * Returns the build's id; `initiator` is recorded on the build (default `system`).
   */
  queueSystemBuild(
    ws: WorkspaceRecord,
    reason: BuildReason,
    message: string,
    initiator: string = SYSTEM,
  ): Promise<string> {
    return this.#requests.rebuild(ws, {
      event: 'rebuild',
      reason,
      message,
      initiator,
      image: { ref: ws.image_ref },
      resources: resourcesOf(ws),
      // Automation respects the org's limits like people do; a resumed build was already counted.
      checkLimits: reason !== 'resume',
      storeResources: false,
    });
  }

  /**
   * {@link queueSystemBuild} for many workspaces at once (auto-start's storm), within the org's
   * limits, in one transaction: see {@link BuildRequests.rebuildMany}.
   */
  queueSystemBuilds(
    items: readonly { ws: WorkspaceRecord; message: string }[],
    reason: Exclude<BuildReason, 'resume'>,
  ): Promise<RebuildOutcome> {
    return this.#requests.rebuildMany(
      items.map(({ ws, message }) => ({
        ws,
        ask: {
          event: 'rebuild',
          reason,
          message,
          initiator: SYSTEM,
          image: { ref: ws.image_ref },
          resources: resourcesOf(ws),
          checkLimits: true,
        },
      })),
    );
  }

  /** The org named, else the only one the request can mean (see {@link chooseOrgForImage}). */
  async #chooseOrg(actor: Actor, name: string | undefined, image: string) {
    if (name) {
      const org = await this.#d.orgs.requireOrg(name);
      await this.#d.orgs.requireRole(actor, org, 'member');
      return org;
    }
    const mine = await this.#d.orgs.memberships(actor);
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
    return this.#d.orgs.requireOrg(choice.org);
  }

  async #requireBuild(ws: WorkspaceRecord, number: number): Promise<BuildRow> {
    const row = await builds.findBuild(this.#d.db, ws.id, number);
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
      await this.#buildOf(latest),
      withUsage
        ? await this.#usageOf(ws.engine_id).measure(ws.volume_name, new Date(ws.state_changed_at))
        : this.#usageOf(ws.engine_id).known(ws.volume_name),
    );
  }

  async #buildOf(row: BuildViewRow | null | undefined): Promise<Build | null> {
    return row ? this.#buildView(row) : null;
  }

  /** Only a queued build has a position; the queue is not asked about the others. */
  async #buildView(row: BuildViewRow): Promise<Build> {
    return buildView(row, row.status === 'queued' ? await this.#d.queue.position(row.id) : null);
  }

  #now(): string {
    return this.#d.clock.now().toISOString();
  }
}
