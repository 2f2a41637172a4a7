/**
 * Lifecycle use cases people call: an org's policy, a user's auto-start schedule, a workspace's
 * opt-in and own auto-off, and keepalives. Every input is validated before anything is written,
 * so bad input changes nothing.
 */
import type {
  AutostartSchedule,
  OrgPolicy,
  PutAutostartRequest,
  UpdateOrgPolicyRequest,
  UpdateWorkspaceLifecycleRequest,
  Workspace,
} from '@hearth/sdk';
import type { SessionEntry } from '../access/session-entry.js';
import { maxShareLevel } from '../apps/apps-service.js';
import { formatDurationMs, parseAutoOff } from '../core/lifecycle.js';
import { nextFire, parseDays, parseSchedule, type Weekday } from '../core/schedule.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { OrgService } from '../identity/org-service.js';
import type { UserService } from '../identity/user-service.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import * as lifecycle from '../store/repositories/lifecycle.repository.js';
import { updateOrg } from '../store/repositories/orgs.repository.js';
import type { AutostartScheduleRow, OrgPatch, OrgRow } from '../store/schema.js';
import type { WorkspaceEvents } from '../workspaces/events.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import { policyOf, refreshAutoOff } from './policy.js';

export interface LifecycleDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly users: Pick<UserService, 'findUser'>;
  readonly orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
  readonly workspaces: Pick<WorkspaceService, 'get' | 'resolve'>;
  /** Keepalives go through the session entry, as sessions do. */
  readonly sessions: Pick<SessionEntry, 'keepalive'>;
  readonly events: WorkspaceEvents;
  /** Told after an org's policy changed (the app proxy forgets what it cached). */
  readonly policyChanged?: () => void;
}

export class LifecycleService {
  readonly #d: LifecycleDeps;

  constructor(deps: LifecycleDeps) {
    this.#d = deps;
  }

  async getPolicy(actor: Actor, orgName: string): Promise<OrgPolicy> {
    const org = await this.#d.orgs.requireOrg(orgName);
    await this.#d.orgs.requireRole(actor, org, 'member');
    return policyView(org);
  }

  async updatePolicy(actor: Actor, orgName: string, req: UpdateOrgPolicyRequest): Promise<OrgPolicy> {
    const org = await this.#d.orgs.requireOrg(orgName);
    await this.#d.orgs.requireRole(actor, org, 'admin');
    const patch: OrgPatch = {};
    if (req.autoOff !== undefined) patch.auto_off_ms = unwrap(parseAutoOff(req.autoOff), 'autoOff');
    if (req.userOverride !== undefined) patch.auto_off_user_override = req.userOverride ? 1 : 0;
    if (req.autostartDays !== undefined)
      patch.autostart_days = unwrap(parseDays(req.autostartDays), 'autostartDays').join(',');
    if (req.skipUnusedDays !== undefined) patch.autostart_skip_unused_days = req.skipUnusedDays;
    if (req.maxShareLevel !== undefined) patch.max_share_level = req.maxShareLevel;
    if (Object.keys(patch).length === 0)
      throw invalidInput(
        'no policy given: pass at least one of autoOff, userOverride, autostartDays, skipUnusedDays, maxShareLevel',
      );
    await updateOrg(this.#d.db, org.id, patch);
    this.#d.policyChanged?.();
    // Deadlines of running workspaces follow the new policy at once.
    for (const ws of await lifecycle.runningInOrg(this.#d.db, org.id))
      await refreshAutoOff(this.#d.db, ws.id);
    return policyView(await this.#d.orgs.requireOrg(orgName));
  }

  async getSchedule(actor: Actor, user: string): Promise<AutostartSchedule | null> {
    const row = await lifecycle.findSchedule(this.#d.db, (await this.#scheduleOwner(actor, user)).id);
    return row ? scheduleView(row) : null;
  }

  async putSchedule(actor: Actor, user: string, req: PutAutostartRequest): Promise<AutostartSchedule> {
    const owner = await this.#scheduleOwner(actor, user);
    const schedule = unwrap(
      parseSchedule({
        time: req.time,
        timezone: req.timezone,
        ...(req.days === undefined ? {} : { days: req.days }),
      }),
      'schedule',
    );
    const now = this.#d.clock.now();
    const row: AutostartScheduleRow = {
      user_id: owner.id,
      time: schedule.time,
      timezone: schedule.timezone,
      days: schedule.days.join(','),
      next_fire_at: nextFire(schedule, now).toISOString(),
      updated_at: now.toISOString(),
    };
    await lifecycle.putSchedule(this.#d.db, row);
    return scheduleView(row);
  }

  async deleteSchedule(actor: Actor, user: string): Promise<void> {
    await lifecycle.deleteSchedule(this.#d.db, (await this.#scheduleOwner(actor, user)).id);
  }

  /** Opt in or out of auto-start, choose or clear the workspace's own auto-off. Owner only. */
  async updateWorkspace(
    actor: Actor,
    user: string,
    name: string,
    req: UpdateWorkspaceLifecycleRequest,
  ): Promise<Workspace> {
    const ws = await this.#d.workspaces.resolve(actor, user, name, 'exec');
    let override: number | null | undefined;
    if (req.autoOff === null) override = null;
    else if (req.autoOff !== undefined) override = unwrap(parseAutoOff(req.autoOff), 'autoOff');
    if (req.autostart === undefined && override === undefined)
      throw invalidInput('nothing to change: pass autostart and/or autoOff');
    await lifecycle.updateLifecycle(this.#d.db, ws.id, {
      ...(req.autostart === undefined ? {} : { autostart: req.autostart ? 1 : 0 }),
      ...(override === undefined ? {} : { auto_off_override_ms: override }),
    });
    await refreshAutoOff(this.#d.db, ws.id);
    this.#d.events.changed(ws.id);
    return this.#d.workspaces.get(actor, user, name);
  }

  /** `hearth keepalive`: the workspace counts as used now. Owner only, while it runs. */
  async keepalive(actor: Actor, user: string, name: string): Promise<Workspace> {
    await this.#d.sessions.keepalive(actor, user, name);
    return this.#d.workspaces.get(actor, user, name);
  }

  /** Schedules are personal: `me` (or one's own name); a site admin may manage anyone's. */
  async #scheduleOwner(actor: Actor, user: string) {
    const name = user === 'me' ? actor.username : user;
    if (name !== actor.username && !actor.siteAdmin)
      throw new HearthError('forbidden', 'you can only manage your own auto-start schedule');
    const owner = await this.#d.users.findUser(name);
    if (!owner) throw new HearthError('user_not_found', `no user named ${name}`);
    return owner;
  }
}

function policyView(org: OrgRow): OrgPolicy {
  const p = policyOf(org);
  return {
    org: org.name,
    autoOff: formatDurationMs(p.autoOffMs),
    autoOffMs: p.autoOffMs,
    userOverride: p.userOverride,
    autostartDays: [...p.autostartDays],
    skipUnusedDays: p.skipUnusedDays,
    maxShareLevel: maxShareLevel(org),
  };
}

function scheduleView(row: AutostartScheduleRow): AutostartSchedule {
  return {
    time: row.time,
    timezone: row.timezone,
    days: row.days.split(',') as Weekday[],
    nextFireAt: row.next_fire_at,
  };
}
