/**
 * Orgs: creating, listing and deleting them, their resource limits, and the caller's role in one
 * (site admins count as admins of every org).
 */
import type { Org } from '@hearth/sdk';
import type { Caller } from '../core/authorization.js';
import { DEFAULT_LIMITS, type OrgLimits } from '../core/limits.js';
import { nameProblem } from '../core/names.js';
import { parseCpu, parseMemory, parseSize } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Database } from '../store/database.js';
import * as orgs from '../store/repositories/orgs.repository.js';
import type { NewOrg, OrgPatch, OrgRow } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import { type Actor, requireSiteAdmin } from './actor.js';

/** The org new users join, and the one `setup` creates; it is never deleted. */
export const DEFAULT_ORG = 'default';

export class OrgService {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { db: Database; clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async createOrg(actor: Actor, name: string): Promise<Org> {
    requireSiteAdmin(actor, 'create orgs');
    const problem = nameProblem('org', name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    if (await orgs.findOrgByName(this.#db, name))
      throw new HearthError('org_exists', `an org named ${name} already exists`);
    const id = newId();
    const now = this.#clock.now().toISOString();
    await inTransaction(this.#db, async (tx) => {
      await orgs.insertOrg(tx, orgRow(id, name, now));
      await orgs.upsertMember(tx, { org_id: id, user_id: actor.id, role: 'admin', added_at: now });
    });
    return orgView(await this.requireOrg(name));
  }

  /**
   * Deletes an org, its members, catalogue and policy. Refused while it has workspaces, in any
   * state, so that no home volume is ever orphaned or lost: they are deleted first, one by one.
   * The default org, where new users go, is never deleted.
   */
  async deleteOrg(actor: Actor, name: string): Promise<void> {
    requireSiteAdmin(actor, 'delete orgs');
    const org = await this.requireOrg(name);
    if (org.name === DEFAULT_ORG) {
      throw new HearthError('forbidden', `org ${DEFAULT_ORG} is where new users go; it cannot be deleted`);
    }
    await inTransaction(this.#db, async (tx) => {
      const left = await orgs.listOrgWorkspaces(tx, org.id);
      if (left.length > 0) {
        const shown = left.length > 10 ? [...left.slice(0, 10), `and ${left.length - 10} more`] : left;
        throw new HearthError(
          'org_not_empty',
          `org ${org.name} still has ${left.length} workspace${left.length === 1 ? '' : 's'} (${shown.join(', ')}); ` +
            `delete them first (hearth delete OWNER/NAME --yes removes a workspace and its home volume)`,
          { org: org.name, workspaces: left },
        );
      }
      await orgs.deleteOrg(tx, org.id);
    });
  }

  async listOrgs(actor: Actor): Promise<Org[]> {
    if (actor.siteAdmin) return (await orgs.listOrgs(this.#db)).map(orgView);
    const mine = await orgs.listMemberships(this.#db, actor.id);
    const rows = await Promise.all(mine.map((m) => orgs.findOrgById(this.#db, m.id)));
    return rows.filter((r): r is OrgRow => r !== undefined).map(orgView);
  }

  async getOrg(actor: Actor, name: string): Promise<Org> {
    const org = await this.requireOrg(name);
    await this.requireRole(actor, org, 'member');
    return orgView(org);
  }

  async updateLimits(
    actor: Actor,
    name: string,
    input: Record<string, string | number | undefined>,
  ): Promise<Org> {
    const org = await this.requireOrg(name);
    await this.requireRole(actor, org, 'admin');
    const patch = limitsPatch(input);
    if (Object.keys(patch).length === 0)
      throw invalidInput(
        'no limit given: pass at least one of maxCpu, maxMemory, maxDisk, maxGpus, memberCpuQuota, memberMemoryQuota, pidsLimit',
      );
    await orgs.updateOrg(this.#db, org.id, patch);
    return orgView(await this.requireOrg(name));
  }

  /** The org by name, or `org_not_found`. */
  async requireOrg(name: string): Promise<OrgRow> {
    const org = await orgs.findOrgByName(this.#db, name);
    if (!org) throw new HearthError('org_not_found', `no org named ${name}; see "hearth orgs list"`);
    return org;
  }

  /** The org by name if there is one (no error). */
  findOrg(name: string): Promise<OrgRow | undefined> {
    return orgs.findOrgByName(this.#db, name);
  }

  /** The caller's role in an org (site admins count as admins), or undefined. */
  async roleIn(actor: Caller, orgId: string): Promise<'admin' | 'member' | undefined> {
    if (actor.siteAdmin) return 'admin';
    return (await orgs.findMembership(this.#db, orgId, actor.id))?.role;
  }

  async requireRole(actor: Caller, org: OrgRow, role: 'admin' | 'member'): Promise<void> {
    const have = await this.roleIn(actor, org.id);
    if (!have) throw new HearthError('org_not_found', `no org named ${org.name}; see "hearth orgs list"`);
    if (role === 'admin' && have !== 'admin')
      throw new HearthError('forbidden', `only an admin of org ${org.name} can do that`);
  }

  /** The orgs the caller belongs to (names), for choosing a default. */
  memberships(actor: Caller) {
    return orgs.listMemberships(this.#db, actor.id);
  }
}

function limitsPatch(input: Record<string, string | number | undefined>): OrgPatch {
  const patch: OrgPatch = {};
  const cpu = (key: string, v: string | number) => unwrap(parseCpu(v), key);
  const size = (key: string, v: string | number) => unwrap(parseSize(key, v), key);
  const memory = (key: string, v: string | number) => unwrap(parseMemory(key, v), key);
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === 'maxCpu') patch.max_cpu_millis = cpu(key, value);
    else if (key === 'maxMemory') patch.max_memory_bytes = memory(key, value);
    else if (key === 'maxDisk') patch.max_disk_bytes = size(key, value);
    else if (key === 'maxGpus') patch.max_gpus = Number(value);
    else if (key === 'memberCpuQuota') patch.member_cpu_quota_millis = cpu(key, value);
    else if (key === 'memberMemoryQuota') patch.member_memory_quota_bytes = memory(key, value);
    else if (key === 'pidsLimit') patch.pids_limit = Number(value);
  }
  return patch;
}

/** A new org's row, with the default limits. */
export function orgRow(id: string, name: string, now: string): NewOrg {
  const l: OrgLimits = DEFAULT_LIMITS;
  return {
    id,
    name,
    created_at: now,
    max_cpu_millis: l.maxCpuMillis,
    max_memory_bytes: l.maxMemoryBytes,
    max_disk_bytes: l.maxDiskBytes,
    max_gpus: l.maxGpus,
    member_cpu_quota_millis: l.memberCpuQuotaMillis,
    member_memory_quota_bytes: l.memberMemoryQuotaBytes,
    pids_limit: l.pidsLimit,
  };
}

/** The org's limits in core's terms. */
export function orgLimits(org: OrgRow): OrgLimits {
  return {
    maxCpuMillis: org.max_cpu_millis,
    maxMemoryBytes: Number(org.max_memory_bytes),
    maxDiskBytes: Number(org.max_disk_bytes),
    maxGpus: org.max_gpus,
    memberCpuQuotaMillis: org.member_cpu_quota_millis,
    memberMemoryQuotaBytes: Number(org.member_memory_quota_bytes),
    pidsLimit: org.pids_limit,
  };
}

function orgView(org: OrgRow): Org {
  const l = orgLimits(org);
  return {
    id: org.id,
    name: org.name,
    createdAt: org.created_at,
    limits: {
      maxCpu: l.maxCpuMillis / 1000,
      maxMemory: l.maxMemoryBytes,
      maxDisk: l.maxDiskBytes,
      maxGpus: l.maxGpus,
      memberCpuQuota: l.memberCpuQuotaMillis / 1000,
      memberMemoryQuota: l.memberMemoryQuotaBytes,
      pidsLimit: l.pidsLimit,
    },
  };
}
