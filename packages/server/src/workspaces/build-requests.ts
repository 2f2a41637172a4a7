/**
 * Asking for a build: within the org's limits, the workspace's transition and the queued build
 * row are written in one transaction, and only after it commits is the build handed to the queue.
 */
import type { BuildReason, ResourceRequestInput } from '@hearth/sdk';
import { type BuildRunner, plannedStages } from '../builds/build-runner.js';
import {
  checkLimits,
  checkLimitsInOrder,
  type ImageDefaulted,
  type LimitViolation,
  type ResourceAmounts,
} from '../core/limits.js';
import type { WorkspaceEvent } from '../core/transitions.js';
import { parseCpu, parseMemory, parseSize } from '../core/units.js';
import { type EnginePlacement, refuseOverMachine } from '../engines/engine-placement.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import { orgLimits } from '../identity/org-service.js';
import type { BuildQueue } from '../ports/build-queue.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Database } from '../store/database.js';
import * as builds from '../store/repositories/builds.repository.js';
import type { Executor } from '../store/repositories/executor.js';
import { getOrgById, lockOrgRow } from '../store/repositories/orgs.repository.js';
import type { WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import * as workspaces from '../store/repositories/workspaces.repository.js';
import type { ImageRow, NewBuild } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import type { WorkspaceEvents } from './events.js';
import { applyTransition, applyTransitions, type TransitionItem } from './transition.js';

/** One workspace of {@link BuildRequests.rebuildMany} and its build (resources are never stored). */
export interface RebuildItem {
  readonly ws: WorkspaceRecord;
  readonly ask: Omit<Rebuild, 'storeResources'>;
}

/** What {@link BuildRequests.rebuildMany} did: each build queued, each item refused with its error. */
export interface RebuildOutcome {
  readonly queued: { readonly item: RebuildItem; readonly buildId: string }[];
  readonly refused: { readonly item: RebuildItem; readonly error: HearthError }[];
}

/** Who asked for a build, why, and with what. */
export interface BuildAsk {
  readonly reason: BuildReason;
  readonly initiator: string;
  readonly image: Pick<ImageRow, 'ref'>;
  readonly resources: ResourceAmounts;
}

/** A build of an existing workspace: its transition, and whether the org's limits are checked. */
export interface Rebuild extends BuildAsk {
  readonly event: Extract<WorkspaceEvent, 'rebuild' | 'start'>;
  /** The state message; "; build #N queued" is added. */
  readonly message: string;
  readonly checkLimits: boolean;
  /** New resource requests are stored on the workspace too. */
  readonly storeResources: boolean;
}

export interface BuildRequestDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly events: WorkspaceEvents;
  readonly queue: BuildQueue;
  readonly runner: Pick<BuildRunner, 'stages'>;
  /** Checks that larger requests fit on the workspace's engine. */
  readonly placement: Pick<EnginePlacement, 'checkGrowth' | 'machineOf'>;
}

export class BuildRequests {
  readonly #d: BuildRequestDeps;

  constructor(deps: BuildRequestDeps) {
    this.#d = deps;
  }

  /** Queues a build of an existing workspace; returns the build's id. */
  async rebuild(ws: WorkspaceRecord, ask: Rebuild): Promise<string> {
    const { resources: r } = ask;
    // Asked before the transaction: a person's rebuild or start that no container on the engine's
    // machine could have is refused now, not by its build once the running container is gone.
    const engine = ask.storeResources ? await this.#d.placement.machineOf(ws) : undefined;
    const buildId = await inTransaction(this.#d.db, async (tx) => {
      if (ask.checkLimits) await this.checkLimits(tx, ws.org_id, ws.owner_id, ws.id, r);
      if (engine) refuseOverMachine(engine, r);
      // After the org's lock (the order placement takes them in); only when asking for more, so a
      // workspace on an engine whose capacity was lowered still starts as it was.
      if (ask.storeResources && grows(ws, r)) await this.#d.placement.checkGrowth(tx, ws, r);
      const number = await builds.nextBuildNumber(tx, ws.id);
      const stored = {
        cpu_millis: r.cpuMillis,
        memory_bytes: r.memoryBytes,
        disk_bytes: r.diskBytes,
        gpus: r.gpus,
      };
      await applyTransition(
        tx,
        ws,
        ask.event,
        { code: 'build_queued', message: `${ask.message}; build #${number} queued`, actor: ask.initiator },
        this.#d.clock.now().toISOString(),
        ask.storeResources ? stored : undefined,
      );
      return this.insert(tx, ws.id, number, ask);
    });
    this.#d.queue.enqueue(buildId);
    this.#d.events.changed(ws.id);
    return buildId;
  }

  /**
   * {@link rebuild} for many workspaces (a storm of auto-starts) in one transaction: per org its
   * row is held and its limits checked for all of them in order (core's `checkLimitsInOrder`),
   * their transitions are compare-and-set statements (see {@link applyTransitions}) and their
   * build rows multi-row inserts. Only after the commit are the builds handed to the queue. An
   * item over a limit, or whose workspace someone else changed meanwhile, is refused; the others
   * go on. Up to 500 items at once.
   */
  async rebuildMany(items: readonly RebuildItem[]): Promise<RebuildOutcome> {
    const now = this.#d.clock.now().toISOString();
    const outcome = await inTransaction(this.#d.db, async (tx) => {
      const result: RebuildOutcome = { queued: [], refused: [] };
      const admitted: RebuildItem[] = items.filter((item) => !item.ask.checkLimits);
      const byOrg = new Map<string, RebuildItem[]>();
      for (const item of items)
        if (item.ask.checkLimits) byOrg.set(item.ws.org_id, [...(byOrg.get(item.ws.org_id) ?? []), item]);
      for (const [orgId, list] of byOrg) {
        await lockOrgRow(tx, orgId);
        const org = await getOrgById(tx, orgId);
        const running = await workspaces.sumActiveResourcesOf(
          tx,
          orgId,
          [...new Set(list.map((i) => i.ws.owner_id))],
          list.map((i) => i.ws.id),
        );
        const requests = list.map((i) => ({ ownerId: i.ws.owner_id, request: i.ask.resources }));
        const violations = checkLimitsInOrder(requests, orgLimits(org), running);
        for (const [i, item] of list.entries()) {
          const violation = violations[i];
          if (!violation) admitted.push(item);
          else result.refused.push({ item, error: limitExceeded(violation, org.name) });
        }
      }
      const numbers = await builds.nextBuildNumbers(
        tx,
        admitted.map((i) => i.ws.id),
      );
      const asked = new Map<TransitionItem, RebuildItem>();
      for (const event of ['rebuild', 'start'] as const) {
        const transitions = admitted
          .filter((i) => i.ask.event === event)
          .map((item) => {
            const number = numbers.get(item.ws.id)!;
            const message = `${item.ask.message}; build #${number} queued`;
            const t = { ws: item.ws, reason: { code: 'build_queued', message, actor: item.ask.initiator } };
            asked.set(t, item);
            return t;
          });
        const moved = await applyTransitions(tx, transitions, event, now);
        for (const { item: t, error } of moved.refused) result.refused.push({ item: asked.get(t)!, error });
        const rows = moved.moved.map((t) => {
          const item = asked.get(t)!;
          return { item, row: this.#row(newId(), item.ws.id, numbers.get(item.ws.id)!, item.ask, now) };
        });
        await builds.insertBuilds(
          tx,
          rows.map((r) => r.row),
        );
        for (const { item, row } of rows) result.queued.push({ item, buildId: row.id });
      }
      return result;
    });
    for (const { item, buildId } of outcome.queued) {
      this.#d.queue.enqueue(buildId);
      this.#d.events.changed(item.ws.id);
    }
    return outcome;
  }

  /** Writes the queued build row inside the caller's transaction; the caller enqueues after commit. */
  async insert(tx: Executor, workspaceId: string, number: number, ask: BuildAsk): Promise<string> {
    const id = newId();
    await builds.insertBuild(tx, this.#row(id, workspaceId, number, ask, this.#d.clock.now().toISOString()));
    return id;
  }

  /** The row of a queued build. */
  #row(id: string, workspaceId: string, number: number, ask: BuildAsk, now: string): NewBuild {
    const r = ask.resources;
    return {
      id,
      workspace_id: workspaceId,
      number,
      reason: ask.reason,
      initiator: ask.initiator,
      status: 'queued',
      image_ref: ask.image.ref,
      image_digest: null,
      cpu_millis: r.cpuMillis,
      memory_bytes: r.memoryBytes,
      disk_bytes: r.diskBytes,
      gpus: r.gpus,
      stages: JSON.stringify(plannedStages(this.#d.runner.stages)),
      error: null,
      warnings: '[]',
      log_truncated: 0,
      queued_at: now,
      started_at: null,
      finished_at: null,
    };
  }

  /**
   * Refuses (`limit_exceeded`) a request that would take the owner or org over the org's limits
   * (`defaulted`: the amounts its image chose, which the refusal then names). Holds the org's row until `tx` ends: on PostgreSQL (READ COMMITTED) two replicas' checks
   * could otherwise both pass before either inserts.
   */
  async checkLimits(
    tx: Executor,
    orgId: string,
    ownerId: string,
    exceptId: string | undefined,
    request: ResourceAmounts,
    defaulted?: ImageDefaulted,
  ): Promise<void> {
    await lockOrgRow(tx, orgId);
    const org = await getOrgById(tx, orgId);
    const others = await workspaces.sumActiveResources(tx, orgId, ownerId, exceptId);
    const violation = checkLimits(request, orgLimits(org), others, defaulted);
    if (violation) throw limitExceeded(violation, org.name);
  }
}

/** The refusal of a request over one of an org's limits (core's `checkLimits`). */
const limitExceeded = (violation: LimitViolation, org: string): HearthError =>
  new HearthError('limit_exceeded', violation.message, { limit: violation.limit, org });

/** Whether `r` asks for more CPU, memory or GPUs than the workspace has now. */
const grows = (ws: WorkspaceRecord, r: ResourceAmounts): boolean =>
  r.cpuMillis > ws.cpu_millis || r.memoryBytes > Number(ws.memory_bytes) || r.gpus > ws.gpus;

/** Requested resources over a base (image defaults or the workspace's current ones). */
export function mergeResources(base: ResourceAmounts, req: ResourceRequestInput): ResourceAmounts {
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
