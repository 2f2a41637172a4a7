/**
 * Use cases for people: first-time setup, sessions and API tokens, users, orgs and membership.
 */
import type { ApiToken, CreatedToken, Org, OrgMember, SessionResponse, User } from '@hearth/sdk';
import type { Caller } from '../core/authorization.js';
import { DEFAULT_LIMITS, type OrgLimits } from '../core/limits.js';
import { emailProblem, nameProblem, usernameProblem } from '../core/names.js';
import { LOGIN_BUDGETS, loginBudgets, recordFailure, retryAfterMs, type Window } from '../core/rate-limit.js';
import type { TokenWorkspace } from '../core/token-scope.js';
import { parseCpu, parseDuration, parseMemory, parseSize } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import type { Database } from '../store/database.js';
import * as orgs from '../store/repositories/orgs.repository.js';
import * as tokens from '../store/repositories/tokens.repository.js';
import * as users from '../store/repositories/users.repository.js';
import { findWorkspaceById } from '../store/repositories/workspaces.repository.js';
import type { NewOrg, OrgPatch, OrgRow, TokenRow, UserRow } from '../store/schema.js';
import { type Clock, hashToken, newId, newTokenSecret, type Passwords } from './ports.js';
import type { RevocationSink } from './revocations.js';

/** Who someone is, whatever proved it (a token, an SSH key). */
export interface Principal extends Caller {
  readonly username: string;
}

/** The authenticated caller of a request. */
export interface Actor extends Principal {
  readonly tokenId: string;
  readonly tokenKind: TokenRow['kind'];
  /** When the token stops being valid (ISO 8601): long-lived connections it opened end then. */
  readonly tokenExpiresAt: string;
  /** For a workspace token, the workspace it was issued to: it may do only what core/token-scope.ts allows. */
  readonly workspace: (TokenWorkspace & { readonly id: string }) | null;
}

export const DEFAULT_ORG = 'default';
const SESSION_MS = 7 * 864e5;
const MAX_TOKEN_MS = 365 * 864e5;

export class IdentityService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #passwords: Passwords;
  readonly #revocations: RevocationSink;
  readonly #loginWindows = new Map<string, Window>();
  /** Account and source pairs that logged in successfully: exempt from the account-wide budget. */
  readonly #knownSources = new Set<string>();

  constructor(deps: { db: Database; clock: Clock; passwords: Passwords; revocations: RevocationSink }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#passwords = deps.passwords;
    this.#revocations = deps.revocations;
  }

  async setupRequired(): Promise<boolean> {
    return (await users.countUsers(this.#db)) === 0;
  }

  /** Creates the first user as site admin and admin of org `default`; refused once anyone exists. */
  async setup(input: { username: string; email: string; password: string }): Promise<SessionResponse> {
    validateNewUser(input);
    const hash = await this.#passwords.hash(input.password);
    const now = this.#now();
    const userId = newId();
    await this.#db.transaction().execute(async (tx) => {
      if ((await users.countUsers(tx)) > 0) {
        throw new HearthError(
          'setup_done',
          'this Hearth server is already set up; log in with "hearth login"',
        );
      }
      await users.insertUser(tx, {
        id: userId,
        username: input.username,
        email: input.email,
        password_hash: hash,
        site_admin: 1,
        suspended_at: null,
        created_at: now,
      });
      const orgId = newId();
      await orgs.insertOrg(tx, orgRow(orgId, DEFAULT_ORG, now));
      await orgs.upsertMember(tx, { org_id: orgId, user_id: userId, role: 'admin', added_at: now });
    });
    return this.#startSession(userId);
  }

  /**
   * Checks a password and opens a session. Failures are slowed down per account and source, per
   * source, and per account from sources it never logged in from (core/rate-limit.ts).
   */
  async login(username: string, password: string, source: string): Promise<SessionResponse> {
    const known = this.#knownSources.has(knownKey(username, source));
    const budgets = loginBudgets(username, source, known);
    const nowMs = this.#clock.now().getTime();
    const wait = Math.max(
      ...budgets.map((b) => retryAfterMs(this.#loginWindows.get(b.key), b.policy, nowMs)),
    );
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new HearthError('rate_limited', `too many failed logins; try again in ${seconds}s`, {
        retryAfterSeconds: seconds,
      });
    }
    const user = await users.findUserByName(this.#db, username);
    // Verify against a real hash even for unknown users, so timing does not reveal who exists.
    const ok = user
      ? await this.#passwords.verify(user.password_hash, password)
      : await this.#passwords.verify(DUMMY_HASH, password);
    if (!user || !ok) {
      this.#forgetOldWindows(nowMs);
      for (const b of budgets)
        this.#loginWindows.set(b.key, recordFailure(this.#loginWindows.get(b.key), b.policy, nowMs));
      throw new HearthError('invalid_credentials', 'wrong username or password');
    }
    if (user.suspended_at)
      throw new HearthError(
        'user_suspended',
        `user ${username} is suspended; ask a site admin to activate the account`,
      );
    this.#loginWindows.delete(budgets[0]!.key);
    this.#rememberSource(username, source);
    // A hash made with older parameters is replaced while the password is at hand.
    if (this.#passwords.needsRehash(user.password_hash))
      await users.setPasswordHash(this.#db, user.id, await this.#passwords.hash(password));
    return this.#startSession(user.id);
  }

  /** Windows live in memory: once many have piled up, the ones that ended are dropped. */
  #forgetOldWindows(nowMs: number): void {
    if (this.#loginWindows.size < MAX_TRACKED) return;
    for (const [key, window] of this.#loginWindows)
      if (nowMs - window.startedAt >= LONGEST_WINDOW_MS) this.#loginWindows.delete(key);
  }

  #rememberSource(username: string, source: string): void {
    const key = knownKey(username, source);
    this.#knownSources.delete(key);
    this.#knownSources.add(key);
    // The oldest go first (a Set keeps insertion order).
    if (this.#knownSources.size > MAX_TRACKED)
      this.#knownSources.delete(this.#knownSources.values().next().value!);
  }

  /** Replaces the caller's password once the current one is proven; sessions stay as they are. */
  async changePassword(actor: Actor, current: string, next: string): Promise<void> {
    const user = await users.findUserById(this.#db, actor.id);
    if (!user || !(await this.#passwords.verify(user.password_hash, current))) {
      throw new HearthError('invalid_credentials', 'the current password is wrong; nothing was changed');
    }
    if (next === current) throw invalidInput('the new password is the current one: choose another');
    await users.setPasswordHash(this.#db, user.id, await this.#passwords.hash(next));
  }

  async logout(actor: Actor): Promise<void> {
    await tokens.revokeToken(this.#db, actor.tokenId, actor.id, this.#now());
    this.#revocations.revoked({ kind: 'token', tokenId: actor.tokenId });
  }

  /** The actor behind a bearer token, or an `unauthenticated` error that says why not. */
  async authenticate(secret: string | undefined): Promise<Actor> {
    if (!secret)
      throw new HearthError('unauthenticated', 'not logged in: run "hearth login URL" or set HEARTH_TOKEN');
    const now = this.#now();
    const token = await tokens.findLiveToken(this.#db, hashToken(secret), now);
    if (!token)
      throw new HearthError(
        'unauthenticated',
        'your token is invalid, expired or revoked: log in again with "hearth login"',
      );
    const user = await users.findUserById(this.#db, token.user_id);
    if (!user) throw new HearthError('unauthenticated', 'the user of this token no longer exists');
    if (user.suspended_at) throw new HearthError('user_suspended', `user ${user.username} is suspended`);
    const workspace = token.workspace_id ? await findWorkspaceById(this.#db, token.workspace_id) : undefined;
    if (token.kind === 'workspace' && !workspace)
      throw new HearthError('unauthenticated', 'the workspace of this token no longer exists');
    // Coalesce last-used writes: at most one a minute per token.
    if (!token.last_used_at || Date.parse(now) - Date.parse(token.last_used_at) > 60_000) {
      await tokens.touchToken(this.#db, token.id, now);
    }
    return {
      id: user.id,
      username: user.username,
      // A workspace token never carries its owner's admin rights.
      siteAdmin: user.site_admin === 1 && token.kind !== 'workspace',
      tokenId: token.id,
      tokenKind: token.kind,
      tokenExpiresAt: token.expires_at,
      workspace:
        token.kind === 'workspace' && workspace
          ? { id: workspace.id, name: workspace.name, owner: user.username }
          : null,
    };
  }

  async me(actor: Actor): Promise<User> {
    return this.#userView(await this.#requireUser(actor.username));
  }

  async createUser(
    actor: Actor,
    input: { username: string; email: string; password: string; siteAdmin?: boolean; org?: string },
  ): Promise<User> {
    requireSiteAdmin(actor, 'create users');
    validateNewUser(input);
    const org = await this.#findOrgForNewUser(input.org);
    const hash = await this.#passwords.hash(input.password);
    const now = this.#now();
    const id = newId();
    await this.#db.transaction().execute(async (tx) => {
      if (await users.findUserByName(tx, input.username)) {
        throw new HearthError('user_exists', `a user named ${input.username} already exists`);
      }
      await users.insertUser(tx, {
        id,
        username: input.username,
        email: input.email,
        password_hash: hash,
        site_admin: input.siteAdmin ? 1 : 0,
        suspended_at: null,
        created_at: now,
      });
      if (org) await orgs.upsertMember(tx, { org_id: org.id, user_id: id, role: 'member', added_at: now });
    });
    return this.#userView(await this.#requireUser(input.username));
  }

  async listUsers(actor: Actor): Promise<User[]> {
    requireSiteAdmin(actor, 'list users');
    return Promise.all((await users.listUsers(this.#db)).map((u) => this.#userView(u)));
  }

  async setSuspended(actor: Actor, username: string, suspended: boolean): Promise<User> {
    requireSiteAdmin(actor, suspended ? 'suspend users' : 'activate users');
    const user = await this.#requireUser(username);
    if (suspended && user.id === actor.id) throw invalidInput('you cannot suspend yourself');
    await users.setSuspended(this.#db, user.id, suspended ? this.#now() : null);
    if (suspended) this.#revocations.revoked({ kind: 'user', userId: user.id, username: user.username });
    return this.#userView(await this.#requireUser(username));
  }

  async createOrg(actor: Actor, name: string): Promise<Org> {
    requireSiteAdmin(actor, 'create orgs');
    const problem = nameProblem('org', name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    if (await orgs.findOrgByName(this.#db, name))
      throw new HearthError('org_exists', `an org named ${name} already exists`);
    const id = newId();
    const now = this.#now();
    await this.#db.transaction().execute(async (tx) => {
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
    await this.#db.transaction().execute(async (tx) => {
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
    if (Object.keys(patch).length === 0)
      throw invalidInput(
        'no limit given: pass at least one of maxCpu, maxMemory, maxDisk, maxGpus, memberCpuQuota, memberMemoryQuota, pidsLimit',
      );
    await orgs.updateOrg(this.#db, org.id, patch);
    return orgView(await this.requireOrg(name));
  }

  async listMembers(actor: Actor, orgName: string): Promise<OrgMember[]> {
    const org = await this.requireOrg(orgName);
    await this.requireRole(actor, org, 'member');
    return (await orgs.listMembers(this.#db, org.id)).map((m) => ({
      username: m.username,
      email: m.email,
      role: m.role,
      addedAt: m.added_at,
    }));
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
    const org = await this.requireOrg(orgName);
    await this.requireRole(actor, org, 'admin');
    const user = await this.#requireMemberOrUser(actor, org, username);
    const before = await orgs.findMembership(this.#db, org.id, user.id);
    await orgs.upsertMember(this.#db, {
      org_id: org.id,
      user_id: user.id,
      role,
      added_at: before?.added_at ?? this.#now(),
    });
    if (before?.role === 'admin' && role === 'member') this.#announceMembership(user, org, 'demoted');
    const members = await this.listMembers(actor, orgName);
    return members.find((m) => m.username === username)!;
  }

  /** Removes a member; their workspaces stay in the org, but they can no longer build or enter them. */
  async removeMember(actor: Actor, orgName: string, username: string): Promise<void> {
    const org = await this.requireOrg(orgName);
    await this.requireRole(actor, org, 'admin');
    const user = await users.findUserByName(this.#db, username);
    const result = user && (await orgs.deleteMember(this.#db, org.id, user.id));
    if (!user || !result || Number(result.numDeletedRows) === 0) throw notAMember(username, org.name);
    this.#announceMembership(user, org, 'removed');
  }

  #announceMembership(user: UserRow, org: OrgRow, change: 'removed' | 'demoted'): void {
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

  async createToken(actor: Actor, name: string, lifetime = '30d'): Promise<CreatedToken> {
    const problem = nameProblem('token', name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    const ms = unwrap(parseDuration('lifetime', lifetime), 'lifetime');
    if (ms <= 0 || ms > MAX_TOKEN_MS)
      throw invalidInput(`lifetime "${lifetime}" must be more than zero and at most 365d`, {
        field: 'lifetime',
      });
    const { token, row } = await this.#issueToken(actor.id, 'api', name, ms, null);
    return { ...tokenView(row), token };
  }

  async listTokens(actor: Actor): Promise<ApiToken[]> {
    return (await tokens.listApiTokens(this.#db, actor.id)).map(tokenView);
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    const result = await tokens.revokeToken(this.#db, id, actor.id, this.#now());
    if (Number(result.numUpdatedRows) === 0)
      throw new HearthError(
        'token_not_found',
        `you have no live token with id ${id}; see "hearth tokens list"`,
      );
    this.#revocations.revoked({ kind: 'token', tokenId: id });
  }

  /** The org by name, or `org_not_found`. */
  async requireOrg(name: string): Promise<OrgRow> {
    const org = await orgs.findOrgByName(this.#db, name);
    if (!org) throw new HearthError('org_not_found', `no org named ${name}; see "hearth orgs list"`);
    return org;
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

  async findUser(username: string): Promise<UserRow | undefined> {
    return users.findUserByName(this.#db, username);
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    return users.findUserById(this.#db, id);
  }

  async #findOrgForNewUser(name: string | undefined): Promise<OrgRow | undefined> {
    if (name) return this.requireOrg(name);
    return orgs.findOrgByName(this.#db, DEFAULT_ORG);
  }

  async #requireUser(username: string): Promise<UserRow> {
    const user = await users.findUserByName(this.#db, username);
    if (!user) throw new HearthError('user_not_found', `no user named ${username}`);
    return user;
  }

  async #startSession(userId: string): Promise<SessionResponse> {
    const { token, row } = await this.#issueToken(userId, 'session', 'session', SESSION_MS, null);
    const user = await users.findUserById(this.#db, userId);
    return { token, expiresAt: row.expires_at, user: await this.#userView(user!) };
  }

  async #issueToken(
    userId: string,
    kind: TokenRow['kind'],
    name: string,
    lifetimeMs: number,
    workspaceId: string | null,
  ) {
    const { secret, hash } = newTokenSecret();
    const now = this.#clock.now();
    const row: TokenRow = {
      id: newId(),
      user_id: userId,
      kind,
      name,
      token_hash: hash,
      workspace_id: workspaceId,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + lifetimeMs).toISOString(),
      revoked_at: null,
      last_used_at: null,
    };
    await tokens.insertToken(this.#db, row);
    return { token: secret, row };
  }

  async #userView(user: UserRow): Promise<User> {
    const memberships = await orgs.listMemberships(this.#db, user.id);
    return {
      id: user.id,
      username: user.username,
      email: user.email,
      siteAdmin: user.site_admin === 1,
      suspended: user.suspended_at !== null,
      createdAt: user.created_at,
      orgs: memberships.map((m) => ({ name: m.name, role: m.role })),
    };
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** How many login windows and known sources are kept in memory at most (roughly). */
const MAX_TRACKED = 10_000;
const LONGEST_WINDOW_MS = Math.max(...Object.values(LOGIN_BUDGETS).map((b) => b.windowMs));
const knownKey = (username: string, source: string) => `${username}\u0000${source}`;

// An argon2id hash of a random string, verified against when the user does not exist; made with
// the parameters of today's hashes (ARGON2_PARAMS), so the time taken does not tell who exists.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,p=1,t=2$ZfAs+D4qjNHd1rFVQ107gw$6fgodPLrXV7z9AfbHh51Kx2AC9fhajOn3JD7r7udohY';

function validateNewUser(input: { username: string; email: string; password: string }): void {
  const problem = usernameProblem(input.username);
  if (problem) throw invalidInput(problem, { field: 'username' });
  const email = emailProblem(input.email);
  if (email) throw invalidInput(email, { field: 'email' });
  if (input.password.length < 8)
    throw invalidInput('password is too short: use at least 8 characters', { field: 'password' });
}

function notAMember(username: string, org: string): HearthError {
  return new HearthError(
    'member_not_found',
    `${username} is not a member of org ${org}; only a site admin adds users to an org ("hearth orgs members add")`,
  );
}

function requireSiteAdmin(actor: Actor, what: string): void {
  if (!actor.siteAdmin) throw new HearthError('forbidden', `only a site admin can ${what}`);
}

function orgRow(id: string, name: string, now: string): NewOrg {
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

function tokenView(row: TokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}
