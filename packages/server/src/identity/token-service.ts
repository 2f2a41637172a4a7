/**
 * Bearer tokens: the caller's API tokens (created, listed, revoked), and issuing any kind of
 * token. Only a token's hash is stored; the secret is shown once.
 */
import type { ApiToken, CreatedToken } from '@hearth/sdk';
import { nameProblem } from '../core/names.js';
import { parseDuration } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Database } from '../store/database.js';
import * as tokens from '../store/repositories/tokens.repository.js';
import type { TokenRow } from '../store/schema.js';
import type { Actor } from './actor.js';
import type { RevocationSink } from './revocations.js';
import { newTokenSecret } from './token-secret.js';

const MAX_TOKEN_MS = 365 * 864e5;
const MIN_TOKEN_MS = 1000;

export class TokenService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #revocations: RevocationSink;

  constructor(deps: { db: Database; clock: Clock; revocations: RevocationSink }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#revocations = deps.revocations;
  }

  async createToken(actor: Actor, name: string, lifetime = '30d'): Promise<CreatedToken> {
    const problem = nameProblem('token', name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    const ms = unwrap(parseDuration('lifetime', lifetime, MAX_TOKEN_MS), 'lifetime');
    // Under a second (1ms, 500ms) is a unit mistaken, not a token anyone can use.
    if (ms < MIN_TOKEN_MS)
      throw invalidInput(`lifetime "${lifetime}" is too short: a token lives from 1s to 365d`, {
        field: 'lifetime',
      });
    const { token, row } = await this.issue(actor.id, 'api', name, ms, null);
    return { ...tokenView(row), token };
  }

  async listTokens(actor: Actor): Promise<ApiToken[]> {
    return (await tokens.listApiTokens(this.#db, actor.id)).map(tokenView);
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    if (!(await tokens.revokeToken(this.#db, id, actor.id, this.#clock.now().toISOString())))
      throw new HearthError(
        'token_not_found',
        `you have no live token with id ${id}; see "hearth tokens list"`,
      );
    this.#revocations.revoked({ kind: 'token', tokenId: id });
  }

  /** Stores a new token of any kind; returns its secret (never stored) and its row. */
  async issue(
    userId: string,
    kind: TokenRow['kind'],
    name: string,
    lifetimeMs: number,
    workspaceId: string | null,
  ): Promise<{ token: string; row: TokenRow }> {
    const { secret, hash } = newTokenSecret();
    const row = tokenRow({ userId, kind, name, hash, workspaceId }, this.#clock.now(), lifetimeMs);
    await tokens.insertToken(this.#db, row);
    return { token: secret, row };
  }
}

/** A new, live token's row: valid from `now` for `lifetimeMs`, stored by its hash only. */
export function tokenRow(
  t: { userId: string; kind: TokenRow['kind']; name: string; hash: string; workspaceId: string | null },
  now: Date,
  lifetimeMs: number,
): TokenRow {
  return {
    id: newId(),
    user_id: t.userId,
    kind: t.kind,
    name: t.name,
    token_hash: t.hash,
    workspace_id: t.workspaceId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + lifetimeMs).toISOString(),
    revoked_at: null,
    last_used_at: null,
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
