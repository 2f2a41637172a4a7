/**
 * Sign-in on app origins. The main origin (where the user's login lives) issues a ticket for one
 * app host: random, single use, valid for a minute. The app host exchanges it for its own session,
 * kept in a cookie that only that host ever receives. The login itself never reaches an app
 * origin, and an app origin accepts nothing but its own session. A session ends with the
 * credential that opened it (expiry, revocation, suspension).
 *
 * Kept in this process's memory: a restart signs app origins out, and the next visit signs in
 * again through the main origin without asking for anything.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../identity/actor.js';
import type { Revocation } from '../identity/revocations.js';
import type { Clock } from '../ports/clock.js';

export const TICKET_TTL_MS = 60_000;
/** The cookie app hosts set; host-only (no Domain), so no other origin receives it. */
export const APP_COOKIE = 'hearth_app_session';

interface Grant {
  readonly actor: Actor;
  readonly host: string;
  readonly expiresAt: number;
}

export class AppSessions {
  readonly #clock: Clock;
  readonly #tickets = new Map<string, Grant>();
  readonly #sessions = new Map<string, Grant>();
  readonly #ended = new Set<(sessionId: string) => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** A ticket that `actor` can exchange on `host` within {@link TICKET_TTL_MS}. */
  issue(actor: Actor, host: string): string {
    const now = this.#clock.now().getTime();
    this.#sweep(now);
    const ticket = randomBytes(32).toString('base64url');
    this.#tickets.set(ticket, { actor, host, expiresAt: now + TICKET_TTL_MS });
    return ticket;
  }

  /** Exchanges a ticket (once) on the host it was issued for; the new session's id, or undefined. */
  redeem(ticket: string, host: string): string | undefined {
    const grant = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    const now = this.#clock.now().getTime();
    if (!grant || grant.host !== host || grant.expiresAt <= now) return undefined;
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(id, { ...grant, expiresAt: Date.parse(grant.actor.tokenExpiresAt) });
    return id;
  }

  /** Who a session cookie stands for on `host`, or undefined (unknown, expired, another host's). */
  viewer(sessionId: string | undefined, host: string): Actor | undefined {
    if (!sessionId) return undefined;
    const grant = this.#sessions.get(sessionId);
    if (!grant || grant.host !== host) return undefined;
    if (grant.expiresAt <= this.#clock.now().getTime()) {
      this.#end(sessionId);
      return undefined;
    }
    return grant.actor;
  }

  /** Ends every session the revoked credential opened. */
  revoked(revocation: Revocation): void {
    for (const [id, grant] of this.#sessions)
      if (
        (revocation.kind === 'token' && grant.actor.tokenId === revocation.tokenId) ||
        (revocation.kind === 'user' && grant.actor.id === revocation.userId)
      )
        this.#end(id);
  }

  /** Calls `listener` with the id of every session that ends (so its connections can close). */
  onEnded(listener: (sessionId: string) => void): void {
    this.#ended.add(listener);
  }

  #end(id: string): void {
    this.#sessions.delete(id);
    for (const listener of this.#ended) listener(id);
  }

  #sweep(now: number): void {
    for (const [ticket, grant] of this.#tickets) if (grant.expiresAt <= now) this.#tickets.delete(ticket);
    for (const [id, grant] of this.#sessions) if (grant.expiresAt <= now) this.#end(id);
  }
}
