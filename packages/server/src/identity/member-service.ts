/**
 * Org membership: who belongs to an org, with which role. Removing or demoting someone ends the
 * streams and sessions that membership let them keep open.
 */
import type { OrgMember, Page } from '@hearth/sdk';
import { pageOf } from '../core/paging.js';
import { HearthError } from '../errors.js';
import { pageRequest } from '../page-request.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import * as orgs from '../store/repositories/orgs.repository.js';
import * as users from '../store/repositories/users.repository.js';
import type { OrgRow, UserRow } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { OrgService } from './org-service.js';
import type { RevocationSink } from './revocations.js';

/** The name member-list cursors carry. */
const MEMBER_LIST = 'members';

export class MemberService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
  readonly #revocations: RevocationSink;

  constructor(deps: {
    db: Database;
    clock: Clock;
    orgs: Pick<OrgService, 'requireOrg' | 'requireRole'>;
    revocations: RevocationSink;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#orgs = deps.orgs;
    this.#revocations = deps.revocations;
  }

  /** One page of an org's members, by username. */
  async listMembers(
    actor: Actor,
    orgName: string,
    query: { limit?: number; cursor?: string } = {},
  ): Promise<Page<OrgMember>> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'member');
    const { limit, after } = pageRequest(MEMBER_LIST, query, 1);
    const rows = await orgs.listMembers(this.#db, org.id, { after: after?.[0], limit: limit + 1 });
    const page = pageOf(MEMBER_LIST, rows, limit, (m) => [m.username]);
    return {
      items: page.items.map((m) => ({
        username: m.username,
        email: m.email,
        role: m.role,
        addedAt: m.added_at,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * Adds a user to an org or changes their role. Only a site admin joins a user to an org: an org
   * admin changes the roles of the org's members, and is told about anyone else exactly as about a
   * name nobody has (no one can learn through this who else uses the installation).
   */
  async putMember(
    actor: Actor,
    orgName: string,
    username: string,
    role: 'admin' | 'member',
  ): Promise<OrgMember> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const user = await this.#requireMemberOrUser(actor, org, username);
    const before = await orgs.findMembership(this.#db, org.id, user.id);
    const addedAt = before?.added_at ?? this.#clock.now().toISOString();
    await orgs.upsertMember(this.#db, { org_id: org.id, user_id: user.id, role, added_at: addedAt });
    if (before?.role === 'admin' && role === 'member') this.#announce(user, org, 'demoted');
    return { username: user.username, email: user.email, role, addedAt };
  }

  /** Removes a member; their workspaces stay in the org, but they can no longer build or enter them. */
  async removeMember(actor: Actor, orgName: string, username: string): Promise<void> {
    const org = await this.#orgs.requireOrg(orgName);
    await this.#orgs.requireRole(actor, org, 'admin');
    const user = await users.findUserByName(this.#db, username);
    if (!user || !(await orgs.deleteMember(this.#db, org.id, user.id))) throw notAMember(username, org.name);
    this.#announce(user, org, 'removed');
  }

  #announce(user: UserRow, org: OrgRow, change: 'removed' | 'demoted'): void {
    this.#revocations.revoked({
      kind: 'membership',
      userId: user.id,
      username: user.username,
      orgId: org.id,
      org: org.name,
      change,
    });
  }

  /** The user to put into `org`: any user for a site admin, only a member for an org admin. */
  async #requireMemberOrUser(actor: Actor, org: OrgRow, username: string): Promise<UserRow> {
    const user = await users.findUserByName(this.#db, username);
    if (actor.siteAdmin) {
      if (!user) throw new HearthError('user_not_found', `no user named ${username}`);
      return user;
    }
    if (!user || !(await orgs.findMembership(this.#db, org.id, user.id)))
      throw notAMember(username, org.name);
    return user;
  }
}

function notAMember(username: string, org: string): HearthError {
  return new HearthError(
    'member_not_found',
    `${username} is not a member of org ${org}; only a site admin adds users to an org ("hearth orgs members add")`,
  );
}
