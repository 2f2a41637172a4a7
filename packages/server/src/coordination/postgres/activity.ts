/**
 * The {@link Activity} replicas share. Each replica keeps its own sessions and uses in memory (the
 * in-process adapter) and, through the store:
 * - every open session holds a lease row (`session_leases`) that its replica heartbeats every
 *   {@link LEASE_BEAT_MS} in one statement; `usage` counts the fresh leases of other replicas too,
 *   so auto-off decided on any replica sees a session open on another. A replica gone (kill -9)
 *   leaves leases that stop counting after {@link LEASE_STALE_MS};
 * - the latest use of every workspace used since the last flush is written every
 *   {@link FLUSH_MS} (the in-process adapter alone holds a coalesced use in memory up to 30 s,
 *   where only its own replica's executor sees it).
 * Written for PostgreSQL's replicas; the SQL is portable. Lease liveness is wall time (the system
 * clock); uses are on the injected clock, as on the in-process adapter.
 */
import type { Activity, RecordUse, SessionKind, Usage } from '../../ports/activity.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { newId } from '../../ports/ids.js';
import type { Logger } from '../../ports/logger.js';
import type { Database } from '../../store/database.js';
import * as leases from '../../store/repositories/session-leases.repository.js';
import { InProcessActivity } from '../in-process/activity.js';

export const FLUSH_MS = 5_000;
export const LEASE_BEAT_MS = 5_000;
export const LEASE_STALE_MS = 3 * LEASE_BEAT_MS;

export class SharedActivity implements Activity {
  readonly #db: Database;
  readonly #replicaId: string;
  readonly #local: InProcessActivity;
  readonly #log: Logger;
  readonly #wall: Clock;
  readonly #dirty = new Set<string>();
  readonly #writes = new Set<Promise<void>>();
  readonly #timer: NodeJS.Timeout;

  constructor(deps: {
    db: Database;
    replicaId: string;
    record: RecordUse;
    clock: Clock;
    logger: Logger;
    /** How often leases heartbeat and uses are flushed (default {@link FLUSH_MS}). */
    beatMs?: number;
    wallClock?: Clock;
  }) {
    this.#db = deps.db;
    this.#replicaId = deps.replicaId;
    this.#local = new InProcessActivity(deps);
    this.#log = deps.logger.child({ component: 'activity' });
    this.#wall = deps.wallClock ?? systemClock;
    this.#timer = setInterval(() => this.#beat(), deps.beatMs ?? Math.min(FLUSH_MS, LEASE_BEAT_MS));
    this.#timer.unref();
  }

  sessionOpened(workspaceId: string, kind: SessionKind): () => void {
    const close = this.#local.sessionOpened(workspaceId, kind);
    const id = newId();
    const opened = this.#track(
      leases.insertLease(this.#db, {
        id,
        workspace_id: workspaceId,
        replica_id: this.#replicaId,
        kind,
        heartbeat_at: this.#wallNow(0),
      }),
    );
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      close();
      this.#dirty.add(workspaceId);
      this.#track(opened.then(() => leases.deleteLease(this.#db, id)));
    };
  }

  touch(workspaceId: string, reason: string): void {
    this.#local.touch(workspaceId, reason);
    if (reason !== 'build') this.#dirty.add(workspaceId);
  }

  forget(workspaceId: string): void {
    this.#local.forget(workspaceId);
    this.#dirty.delete(workspaceId);
    this.#track(leases.deleteWorkspaceLeases(this.#db, workspaceId));
  }

  async usage(workspaceId: string): Promise<Usage> {
    return (await this.usages([workspaceId])).get(workspaceId)!;
  }

  /** Other replicas' fresh leases of all of them are counted in one query per 500 workspaces. */
  async usages(workspaceIds: readonly string[]): Promise<Map<string, Usage>> {
    const elsewhere = await this.#elsewhere(workspaceIds);
    return new Map(
      workspaceIds.map((id) => [
        id,
        {
          openSessions: this.#local.openSessions(id) + (elsewhere.get(id) ?? 0),
          lastSeen: this.#local.lastSeen(id),
        },
      ]),
    );
  }

  /** This replica's own open sessions (tests, as on the in-process adapter). */
  openSessions(workspaceId: string): number {
    return this.#local.openSessions(workspaceId);
  }

  /** The latest use this replica saw (possibly not yet written). */
  lastSeen(workspaceId: string): Date | undefined {
    return this.#local.lastSeen(workspaceId);
  }

  /** With a session open on any replica, now counts as use. */
  async persist(workspaceId: string): Promise<void> {
    this.#dirty.delete(workspaceId);
    if (
      this.#local.openSessions(workspaceId) === 0 &&
      (await this.#elsewhere([workspaceId])).has(workspaceId)
    )
      this.#local.touch(workspaceId, 'session on another replica');
    await this.#local.persist(workspaceId);
  }

  async settle(): Promise<void> {
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
    await this.#local.settle();
  }

  /** Stops the beat and removes this replica's leases (shutdown; after {@link settle}). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.settle();
    await leases.deleteReplicaLeases(this.#db, this.#replicaId).catch(() => undefined);
  }

  #beat(): void {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    for (const id of dirty) void this.#local.persist(id);
    this.#track(
      leases.heartbeatLeases(this.#db, this.#replicaId, this.#wallNow(0), this.#wallNow(10 * LEASE_STALE_MS)),
    );
  }

  /** Fresh leases other replicas hold, by workspace (those with none are absent). */
  #elsewhere(workspaceIds: readonly string[]): Promise<Map<string, number>> {
    return leases.countOthersLeases(this.#db, workspaceIds, this.#replicaId, this.#wallNow(LEASE_STALE_MS));
  }

  /** A lease write in flight: failures are logged, never thrown at the session. */
  #track(write: Promise<void>): Promise<void> {
    const tracked = write
      .catch((error) => this.#log.warn({ err: error }, 'session lease write failed'))
      .finally(() => this.#writes.delete(tracked));
    this.#writes.add(tracked);
    return tracked;
  }

  #wallNow(minusMs: number): string {
    return new Date(this.#wall.now().getTime() - minusMs).toISOString();
  }
}
