/**
 * Users: creating and listing them (site admins), suspending and activating, and the caller's own
 * account. Suspending someone ends their sessions and streams at once.
 */
import type { Page, User } from '@hearth/sdk';
import { emailProblem, usernameProblem } from '../core/names.js';
import { pageOf } from '../core/paging.js';
import { HearthError, invalidInput } from '../errors.js';
import { pageRequest } from '../page-request.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/repositories/executor.js';
import * as orgs from '../store/repositories/orgs.repository.js';
import * as users from '../store/repositories/users.repository.js';
import type { UserRow } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import { type Actor, requireSiteAdmin } from './actor.js';
import { DEFAULT_ORG, type OrgService } from './org-service.js';
import type { Passwords } from './passwords.js';
import type { RevocationSink } from './revocations.js';

/** The name user-list cursors carry. */
const USER_LIST = 'users';

export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly password: string;
}

export class UserService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #passwords: Passwords;
  readonly #orgs: Pick<OrgService, 'requireOrg' | 'findOrg'>;
  readonly #revocations: RevocationSink;

  constructor(deps: {
    db: Database;
    clock: Clock;
    passwords: Passwords;
    orgs: Pick<OrgService, 'requireOrg' | 'findOrg'>;
    revocations: RevocationSink;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#passwords = deps.passwords;
    this.#orgs = deps.orgs;
    this.#revocations = deps.revocations;
  }

  async setupRequired(): Promise<boolean> {
    return (await users.countUsers(this.#db)) === 0;
  }

  async createUser(actor: Actor, input: NewUser & { siteAdmin?: boolean; org?: string }): Promise<User> {
    requireSiteAdmin(actor, 'create users');
    validateNewUser(input);
    const org = input.org ? await this.#orgs.requireOrg(input.org) : await this.#orgs.findOrg(DEFAULT_ORG);
    const hash = await this.#passwords.hash(input.password);
    const now = this.#clock.now().toISOString();
    const id = newId();
    await inTransaction(this.#db, async (tx) => {
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
    return userView(this.#db, await this.#requireUser(input.username));
  }

  /** One page of the users, by username. */
  async listUsers(actor: Actor, query: { limit?: number; cursor?: string } = {}): Promise<Page<User>> {
    requireSiteAdmin(actor, 'list users');
    const { limit, after } = pageRequest(USER_LIST, query, 1);
    const rows = await users.listUsers(this.#db, { after: after?.[0], limit: limit + 1 });
    const page = pageOf(USER_LIST, rows, limit, (u) => [u.username]);
    return {
      items: await Promise.all(page.items.map((u) => userView(this.#db, u))),
      nextCursor: page.nextCursor,
    };
  }

  async setSuspended(actor: Actor, username: string, suspended: boolean): Promise<User> {
    requireSiteAdmin(actor, suspended ? 'suspend users' : 'activate users');
    const user = await this.#requireUser(username);
    if (suspended && user.id === actor.id) throw invalidInput('you cannot suspend yourself');
    await users.setSuspended(this.#db, user.id, suspended ? this.#clock.now().toISOString() : null);
    if (suspended) this.#revocations.revoked({ kind: 'user', userId: user.id, username: user.username });
    return userView(this.#db, await this.#requireUser(username));
  }

  async me(actor: Actor): Promise<User> {
    return userView(this.#db, await this.#requireUser(actor.username));
  }

  async findUser(username: string): Promise<UserRow | undefined> {
    return users.findUserByName(this.#db, username);
  }

  async findUserById(id: string): Promise<UserRow | undefined> {
    return users.findUserById(this.#db, id);
  }

  async #requireUser(username: string): Promise<UserRow> {
    const user = await users.findUserByName(this.#db, username);
    if (!user) throw new HearthError('user_not_found', `no user named ${username}`);
    return user;
  }
}

/** A user as the API shows them, with their orgs and roles. */
export async function userView(db: Executor, user: UserRow): Promise<User> {
  const memberships = await orgs.listMemberships(db, user.id);
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

/** Refuses a username, email or password a new account may not have, naming the field. */
export function validateNewUser(input: NewUser): void {
  const problem = usernameProblem(input.username);
  if (problem) throw invalidInput(problem, { field: 'username' });
  const email = emailProblem(input.email);
  if (email) throw invalidInput(email, { field: 'email' });
  if (input.password.length < 8)
    throw invalidInput('password is too short: use at least 8 characters', { field: 'password' });
}
