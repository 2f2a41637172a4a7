/**
 * Use cases for people: first-time setup, sessions and API tokens, users, orgs and membership.
 */
import type { ApiToken, CreatedToken, Org, OrgMember, SessionResponse, User } from '@hearth/sdk';
import type { Caller } from '../core/authorization.js';
import { DEFAULT_LIMITS, type OrgLimits } from '../core/limits.js';
import { nameProblem } from '../core/names.js';
import { LOGIN_POLICY, recordFailure, retryAfterMs, type Window } from '../core/rate-limit.js';
import { parseCpu, parseDuration, parseSize } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import type { Database } from '../store/database.js';
import * as orgs from '../store/repositories/orgs.repository.js';
import * as tokens from '../store/repositories/tokens.repository.js';
import * as users from '../store/repositories/users.repository.js';
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
}

export const DEFAULT_ORG = 'default';
const SESSION_MS = 7 * 864e5;
const MAX_TOKEN_MS = 365 * 864e5;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

export class IdentityService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #passwords: Passwords;
  readonly #revocations: RevocationSink;
  readonly #loginWindows = new Map<string, Window>();

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

  /** Checks a password and opens a session. Repeated failures for a name or client are slowed down. */
  async login(username: string, password: string, client: string): Promise<SessionResponse> {
    const keys = [`user:${username}`, `client:${client}`];
    const nowMs = this.#clock.now().getTime();
    const wait = Math.max(...keys.map((k) => retryAfterMs(this.#loginWindows.get(k), LOGIN_POLICY, nowMs)));
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
      for (const k of keys)
        this.#loginWindows.set(k, recordFailure(this.#loginWindows.get(k), LOGIN_POLICY, nowMs));
      throw new HearthError('invalid_credentials', 'wrong username or password');
    }
    if (user.suspended_at)
      throw new HearthError(
        'user_suspended',
        `user ${username} is suspended; ask a site admin to activate the account`,
      );
    for (const k of keys) this.#loginWindows.delete(k);
    return this.#startSession(user.id);
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
    // Coalesce last-used writes: at most one a minute per token.
    if (!token.last_used_at || Date.parse(now) - Date.parse(token.last_used_at) > 60_000) {
      await tokens.touchToken(this.#db, token.id, now);
    }
    return {
      id: user.id,
      username: user.username,
      siteAdmin: user.site_admin === 1,
      tokenId: token.id,
      tokenKind: token.kind,
      tokenExpiresAt: token.expires_at,
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
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (key === 'maxCpu') patch.max_cpu_millis = cpu(key, value);
      else if (key === 'maxMemory') patch.max_memory_bytes = size(key, value);
      else if (key === 'maxDisk') patch.max_disk_bytes = size(key, value);
      else if (key === 'maxGpus') patch.max_gpus = Number(value);
      else if (key === 'memberCpuQuota') patch.member_cpu_quota_millis = cpu(key, value);
      else if (key === 'memberMemoryQuota') patch.member_memory_quota_bytes = size(key, value);
    }
    if (Object.keys(patch).length === 0)
      throw invalidInput(
        'no limit given: pass at least one of maxCpu, maxMemory, maxDisk, maxGpus, memberCpuQuota, memberMemoryQuota',
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

  async putMember(
    actor: Actor,
    orgName: string,
    username: string,
    role: 'admin' | 'member',
  ): Promise<OrgMember> {
    const org = await this.requireOrg(orgName);
    await this.requireRole(actor, org, 'admin');
    const user = await this.#requireUser(username);
    await orgs.upsertMember(this.#db, { org_id: org.id, user_id: user.id, role, added_at: this.#now() });
    const members = await this.listMembers(actor, orgName);
    return members.find((m) => m.username === username)!;
  }

  async removeMember(actor: Actor, orgName: string, username: string): Promise<void> {
    const org = await this.requireOrg(orgName);
    await this.requireRole(actor, org, 'admin');
    const user = await this.#requireUser(username);
    const result = await orgs.deleteMember(this.#db, org.id, user.id);
    if (Number(result.numDeletedRows) === 0)
      throw new HearthError('member_not_found', `${username} is not a member of org ${orgName}`);
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

// An argon2id hash of a random string, verified against when the user does not exist.
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,p=4,t=3$98H/f2SPbNJsFIT4Ebd+zQ$t1QMhBm2r0uxCBk/ylnX6YvwPCSF3roalUKOxk7w3A8';

function validateNewUser(input: { username: string; email: string; password: string }): void {
  const problem = nameProblem('user', input.username);
  if (problem) throw invalidInput(problem, { field: 'username' });
  if (!EMAIL.test(input.email))
    throw invalidInput(`email "${input.email}" is not an email address`, { field: 'email' });
  if (input.password.length < 8)
    throw invalidInput('password is too short: use at least 8 characters', { field: 'password' });
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
