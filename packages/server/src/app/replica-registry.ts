/**
 * This server's entry in the database's `replicas` table: registered at start, heartbeated with
 * the installation guard's beat, removed at shutdown. Replicas of one installation share one
 * (PostgreSQL) database, so a live run on the engine that this database knows as a live replica
 * is no conflict; a copy of the data directory with its own (SQLite) database, or a second run of
 * this very data directory, is never one. Liveness is wall time (the system clock), whatever
 * clock the lifecycle runs on.
 */
import { hostname } from 'node:os';
import type { ReplicasOverview } from '@hearth/sdk';
import { dataDirOf } from '../core/build-claims.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import * as replicas from '../store/repositories/replicas.repository.js';
import type { ReplicaRow } from '../store/schema.js';

/** How often a replica heartbeats, and when a silent one stops counting as live. */
export const REPLICA_BEAT_MS = 15_000;
export const REPLICA_STALE_MS = 3 * REPLICA_BEAT_MS;

export class ReplicaRegistry {
  readonly id: string;
  readonly #db: Database;
  readonly #shared: boolean;
  readonly #clock: Clock;
  readonly #host = hostname();
  #address: string | null = null;

  /** `shared`: the database is one replicas may share (PostgreSQL); on SQLite no other run is a replica. */
  constructor(deps: { db: Database; replicaId: string; shared: boolean; clock?: Clock }) {
    this.id = deps.replicaId;
    this.#db = deps.db;
    this.#shared = deps.shared;
    this.#clock = deps.clock ?? systemClock;
  }

  /** Says this replica is alive (registering it the first time). */
  async beat(): Promise<void> {
    await replicas.beatReplica(this.#db, {
      id: this.id,
      host: this.#host,
      pid: process.pid,
      address: this.#address,
      heartbeat_at: this.#now(0),
    });
  }

  /** Records the URL this replica serves on. */
  async announce(address: string): Promise<void> {
    this.#address = address;
    await this.beat();
  }

  /** Whether run `id` on the engine is another live replica of this database (never this data directory's). */
  async isLiveReplica(id: string): Promise<boolean> {
    if (!this.#shared || id === this.id) return false;
    const own = dataDirOf(this.id);
    if (own !== undefined && dataDirOf(id) === own) return false;
    const row = await replicas.findReplica(this.#db, id);
    return row !== undefined && row.heartbeat_at >= this.#now(REPLICA_STALE_MS);
  }

  /** The live replicas, oldest first. */
  live(): Promise<ReplicaRow[]> {
    return replicas.listLiveReplicas(this.#db, this.#now(REPLICA_STALE_MS));
  }

  /** The live replicas with the builds each runs, and the queue's depth (`GET /admin/replicas`). */
  async overview(): Promise<ReplicasOverview> {
    const [live, running, queuedBuilds] = await Promise.all([
      this.live(),
      replicas.runningBuildsByReplica(this.#db),
      replicas.countQueuedBuilds(this.#db),
    ]);
    return {
      replicas: live.map((r) => ({
        id: r.id,
        host: r.host,
        pid: r.pid,
        address: r.address,
        startedAt: r.started_at,
        heartbeatAt: r.heartbeat_at,
        runningBuilds: running.get(r.id) ?? 0,
        self: r.id === this.id,
      })),
      queuedBuilds,
    };
  }

  /** Removes this replica's entry (and any long silent ones). */
  async leave(): Promise<void> {
    await replicas.removeReplicas(this.#db, this.id, this.#now(10 * REPLICA_STALE_MS));
  }

  #now(minusMs: number): string {
    return new Date(this.#clock.now().getTime() - minusMs).toISOString();
  }
}
