/**
 * Signing in and out: first-time setup, password login (slowed down after failures, see
 * core/rate-limit.ts), password changes, logout, and turning a bearer token back into its actor.
 */
import type { SessionResponse } from '@hearth/sdk';
import { loginBudgets } from '../core/rate-limit.js';
import { HearthError, invalidInput } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { LoginWindows } from '../ports/login-windows.js';
import type { Database } from '../store/database.js';
import * as orgs from '../store/repositories/orgs.repository.js';
import * as tokens from '../store/repositories/tokens.repository.js';
import * as users from '../store/repositories/users.repository.js';
import { findWorkspaceById } from '../store/repositories/workspaces.repository.js';
import { inTransaction } from '../store/transaction.js';
import type { Actor } from './actor.js';
import { ActorCache } from './actor-cache.js';
import { DEFAULT_ORG, orgRow } from './org-service.js';
import type { Passwords } from './passwords.js';
import type { RevocationSink, Revocations } from './revocations.js';
import { hashToken } from './token-secret.js';
import type { TokenService } from './token-service.js';
import { type NewUser, userView, validateNewUser } from './user-service.js';

const SESSION_MS = 7 * 864e5;

export class SessionService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #passwords: Passwords;
  readonly #tokens: Pick<TokenService, 'issue'>;
  readonly #revocations: RevocationSink;
  readonly #loginWindows: LoginWindows;
  /** Account and source pairs that logged in successfully: exempt from the account-wide budget. */
  readonly #knownSources = new Set<string>();
  /** Actors of recently used tokens (actor-cache.ts): most requests then read no token. */
  readonly #actors = new ActorCache();

  constructor(deps: {
    db: Database;
    clock: Clock;
    passwords: Passwords;
    tokens: Pick<TokenService, 'issue'>;
    /** Where revocations are announced, and heard: they drop remembered actors at once. */
    revocations: RevocationSink & Pick<Revocations, 'subscribe'>;
    loginWindows: LoginWindows;
  }) {
    this.#loginWindows = deps.loginWindows;
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#passwords = deps.passwords;
    this.#tokens = deps.tokens;
    this.#revocations = deps.revocations;
    deps.revocations.subscribe((revocation) => this.#actors.revoked(revocation));
  }

  /** Creates the first user as site admin and admin of org `default`; refused once anyone exists. */
  async setup(input: NewUser): Promise<SessionResponse> {
    validateNewUser(input);
    const hash = await this.#passwords.hash(input.password);
    const now = this.#now();
    const userId = newId();
    await inTransaction(this.#db, async (tx) => {
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
   * The refusal a login asked now would meet at the password gate (every hash busy, the queue
   * full: `server_busy`), or undefined. Asked before a login request's body is read, so that a rush
   * of logins is refused at the cost of its headers, not of a parse, a validation and two queries
   * each, which held the event loop for tens of milliseconds at 200 connections (issue 15).
   */
  loginRefusal(): HearthError | undefined {
    return this.#passwords.refusal();
  }

  /**
   * Checks a password and opens a session. Failures are slowed down per account and source, per
   * source, and per account from sources it never logged in from (core/rate-limit.ts).
   */
  async login(
    username: string,
    password: string,
    source: string,
    /** Aborts when the client has gone: a password not yet checked then never is. */
    signal?: AbortSignal,
  ): Promise<SessionResponse> {
    const known = this.#knownSources.has(knownKey(username, source));
    const budgets = loginBudgets(username, source, known);
    const nowMs = this.#clock.now().getTime();
    const wait = await this.#loginWindows.retryAfterMs(budgets, nowMs);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new HearthError('rate_limited', `too many failed logins; try again in ${seconds}s`, {
        retryAfterSeconds: seconds,
      });
    }
    const user = await users.findUserByName(this.#db, username);
    // Verify against a real hash even for unknown users, so timing does not reveal who exists.
    const ok = user
      ? await this.#passwords.verify(user.password_hash, password, signal)
      : await this.#passwords.verify(DUMMY_HASH, password, signal);
    if (!user || !ok) {
      await this.#loginWindows.recordFailure(budgets, nowMs);
      throw new HearthError('invalid_credentials', 'wrong username or password');
    }
    if (user.suspended_at)
      throw new HearthError(
        'user_suspended',
        `user ${username} is suspended; ask a site admin to activate the account`,
      );
    await this.#loginWindows.clear(budgets[0]!.key);
    this.#rememberSource(username, source);
    // A hash made with older parameters is replaced while the password is at hand.
    if (this.#passwords.needsRehash(user.password_hash))
      await users.setPasswordHash(this.#db, user.id, await this.#passwords.hash(password));
    return this.#startSession(user.id);
  }

  /**
   * Replaces the caller's password once the current one is proven, and ends the user's other login
   * sessions (CLI logins and dashboard cookies alike): whoever knew the old password and logged in
   * with it is out. The session that made the change stays. API tokens and workspace tokens stay
   * too: they were not obtained with the password but created on purpose (listed and revoked with
   * `hearth tokens`), and a workspace token is a machine credential scoped to its workspace.
   */
  async changePassword(actor: Actor, current: string, next: string): Promise<void> {
    const user = await users.findUserById(this.#db, actor.id);
    if (!user || !(await this.#passwords.verify(user.password_hash, current))) {
      throw new HearthError('invalid_credentials', 'the current password is wrong; nothing was changed');
    }
    if (next === current) throw invalidInput('the new password is the current one: choose another');
    const hash = await this.#passwords.hash(next);
    const ended = await inTransaction(this.#db, async (tx) => {
      await users.setPasswordHash(tx, user.id, hash);
      return tokens.revokeOtherSessions(tx, user.id, actor.tokenId, this.#now());
    });
    for (const tokenId of ended) this.#revocations.revoked({ kind: 'token', tokenId });
  }

  async logout(actor: Actor): Promise<void> {
    await tokens.revokeToken(this.#db, actor.tokenId, actor.id, this.#now());
    this.#revocations.revoked({ kind: 'token', tokenId: actor.tokenId });
  }

  /** The actor behind a bearer token, or an `unauthenticated` error that says why not. */
  async authenticate(secret: string | undefined): Promise<Actor> {
    if (!secret)
      throw new HearthError('unauthenticated', 'not logged in: run "hearth login URL" or set HEARTH_TOKEN');
    const hash = hashToken(secret);
    const nowMs = this.#clock.now().getTime();
    const cached = this.#actors.get(hash, nowMs);
    if (cached) {
      if (nowMs - cached.lastUsedMs > LAST_USED_EVERY_MS) {
        cached.lastUsedMs = nowMs;
        await tokens.touchToken(this.#db, cached.actor.tokenId, new Date(nowMs).toISOString());
      }
      return cached.actor;
    }
    const generation = this.#actors.generation;
    const now = new Date(nowMs).toISOString();
    const token = await tokens.findLiveToken(this.#db, hash, now);
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
    let lastUsedMs = token.last_used_at ? Date.parse(token.last_used_at) : Number.NEGATIVE_INFINITY;
    if (nowMs - lastUsedMs > LAST_USED_EVERY_MS) {
      await tokens.touchToken(this.#db, token.id, now);
      lastUsedMs = nowMs;
    }
    const actor: Actor = {
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
    this.#actors.remember(
      hash,
      { actor, expiresAtMs: Date.parse(token.expires_at), lastUsedMs },
      generation,
      nowMs,
    );
    return actor;
  }

  async #startSession(userId: string): Promise<SessionResponse> {
    const { token, row } = await this.#tokens.issue(userId, 'session', 'session', SESSION_MS, null);
    const user = await users.findUserById(this.#db, userId);
    return { token, expiresAt: row.expires_at, user: await userView(this.#db, user!) };
  }

  #rememberSource(username: string, source: string): void {
    const key = knownKey(username, source);
    this.#knownSources.delete(key);
    this.#knownSources.add(key);
    // The oldest go first (a Set keeps insertion order).
    if (this.#knownSources.size > MAX_TRACKED)
      this.#knownSources.delete(this.#knownSources.values().next().value!);
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

/** A token's last use is written at most this often (ms). */
const LAST_USED_EVERY_MS = 60_000;

/** How many known sources are kept in memory at most. */
const MAX_TRACKED = 10_000;
const knownKey = (username: string, source: string) => `${username}\u0000${source}`;

// An argon2id hash of a random string, verified against when the user does not exist; made with
// the parameters of today's hashes (ARGON2_PARAMS), so the time taken does not tell who exists.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,p=1,t=2$ZfAs+D4qjNHd1rFVQ107gw$6fgodPLrXV7z9AfbHh51Kx2AC9fhajOn3JD7r7udohY';
