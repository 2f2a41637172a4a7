/**
 * Who a bearer token is, remembered for a few seconds: every request of the API turns its token
 * into an actor, and reading the token and its user (two queries, each built by Kysely) was a
 * good part of a small request's CPU (issue 15). Entries are keyed by the token's hash (a secret
 * is never kept) and dropped:
 * - when a revocation is announced (revocations.ts): the token's entry for a token, every entry of
 *   the user for a suspension; any announcement also voids answers read before it and not yet
 *   remembered (`generation`), so a read that raced a revocation is never cached;
 * - when the token expires, checked on every use;
 * - after `ttlMs` in any case, which bounds what a lost announcement can leave (another replica's
 *   announcements arrive through the shared pub/sub).
 */
import type { Actor } from './actor.js';
import type { Revocation } from './revocations.js';

/** How long an actor is remembered at most (ms). */
export const ACTOR_CACHE_TTL_MS = 5_000;
/** How many tokens are remembered at most: the least recently used go first. */
const CAPACITY = 10_000;

export interface CachedActor {
  readonly actor: Actor;
  /** When the token expires (ms since the epoch). */
  readonly expiresAtMs: number;
  /** When its last use was last recorded (ms since the epoch), to coalesce those writes. */
  lastUsedMs: number;
}

interface Entry extends CachedActor {
  readonly cachedAtMs: number;
}

export class ActorCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  #generation = 0;

  constructor(ttlMs = ACTOR_CACHE_TTL_MS) {
    this.#ttlMs = ttlMs;
  }

  /** Changes with every revocation: take it before reading a token, give it back to {@link remember}. */
  get generation(): number {
    return this.#generation;
  }

  /** The actor of the token with this hash, if remembered and still valid at `nowMs`. */
  get(tokenHash: string, nowMs: number): CachedActor | undefined {
    const entry = this.#entries.get(tokenHash);
    if (!entry) return undefined;
    if (nowMs >= entry.expiresAtMs || nowMs - entry.cachedAtMs >= this.#ttlMs || nowMs < entry.cachedAtMs) {
      this.#entries.delete(tokenHash);
      return undefined;
    }
    this.#entries.delete(tokenHash);
    this.#entries.set(tokenHash, entry);
    return entry;
  }

  /** Remembers an actor read when the generation was `generation`; ignored if a revocation came since. */
  remember(tokenHash: string, cached: CachedActor, generation: number, nowMs: number): void {
    if (generation !== this.#generation) return;
    this.#entries.delete(tokenHash);
    this.#entries.set(tokenHash, { ...cached, cachedAtMs: nowMs });
    if (this.#entries.size > CAPACITY) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Forgets what `revocation` ends (see the header). */
  revoked(revocation: Revocation): void {
    this.#generation++;
    if (revocation.kind !== 'token' && revocation.kind !== 'user') return;
    for (const [hash, entry] of this.#entries) {
      const ends =
        revocation.kind === 'token'
          ? entry.actor.tokenId === revocation.tokenId
          : entry.actor.id === revocation.userId;
      if (ends) this.#entries.delete(hash);
    }
  }
}
