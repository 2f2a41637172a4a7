/**
 * The PostgreSQL {@link BuildQueue}: the `builds` table is the queue. Each replica claims the
 * oldest waiting row with `FOR UPDATE SKIP LOCKED` (so no two replicas ever claim one build),
 * records its id and heartbeats its claims, and runs at most `concurrency` builds at once.
 * `enqueue` is only a wake-up; builds queued on other replicas are found by polling every
 * `pollMs`. A replica whose heartbeat is older than `staleMs` is gone: its claimed but unstarted
 * builds are claimable again, and its running ones are taken over by exactly one replica and
 * handed to `abandoned` (the reconciler fails them and queues a `resume` build; nothing touches
 * the home volume). The unstarted claims of an earlier run on this replica's data directory
 * (a kill -9 a moment ago: see app/replica-id.ts) wait again as soon as the queue starts, not a
 * staleness bound later. `settled` knows this replica's builds only.
 */

import { dataDirOf, staleBefore } from '../../core/build-claims.js';
import type { BuildQueue } from '../../ports/build-queue.js';
import type { Clock } from '../../ports/clock.js';
import type { Database } from '../../store/database.js';
import * as claims from '../../store/repositories/build-claims.repository.js';

export interface PostgresBuildQueueOptions {
  readonly db: Database;
  readonly clock: Clock;
  /** This server's id among the replicas, new at every start. */
  readonly replicaId: string;
  readonly concurrency: number;
  /** Runs a claimed build to its end (it records its own failures on the build). */
  readonly run: (buildId: string) => Promise<void>;
  /** A running build taken over from a replica that is gone. */
  readonly abandoned: (buildId: string) => Promise<void>;
  /** Nothing is claimed until {@link PostgresBuildQueue.release}. */
  readonly held?: boolean;
  /** How often builds queued elsewhere are looked for and claims heartbeat (default 1 s). */
  readonly pollMs?: number;
  /** A replica silent this long is gone (default 15 s). */
  readonly staleMs?: number;
  /** Hears a failed claim, heartbeat or takeover (the queue carries on at the next poll). */
  readonly onError: (error: Error) => void;
}

export const DEFAULT_POLL_MS = 1000;
export const DEFAULT_STALE_MS = 15_000;

export class PostgresBuildQueue implements BuildQueue {
  readonly #o: PostgresBuildQueueOptions;
  readonly #pollMs: number;
  readonly #staleMs: number;
  readonly #running = new Map<string, Promise<void>>();
  #held: boolean;
  #stopped = false;
  /** The claim loop in flight, and whether a wake-up came meanwhile. */
  #claiming: Promise<void> | undefined;
  #wokenMeanwhile = false;
  #timer: NodeJS.Timeout | undefined;
  /** The heartbeat and takeover in flight: idle() waits for it, so none reads a closed store. */
  #ticking: Promise<void> | undefined;

  constructor(options: PostgresBuildQueueOptions) {
    this.#o = options;
    this.#held = options.held ?? false;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#staleMs = options.staleMs ?? DEFAULT_STALE_MS;
    if (!this.#held) this.#start();
  }

  /** This replica's id (the builds it claims name it). */
  get replicaId(): string {
    return this.#o.replicaId;
  }

  release(): void {
    if (!this.#held || this.#stopped) return;
    this.#held = false;
    this.#start();
  }

  enqueue(_buildId: string): void {
    this.#pump();
  }

  async position(buildId: string): Promise<number | null> {
    if (this.#stopped) return null;
    return claims.waitingPosition(this.#o.db, buildId, this.#stale());
  }

  cancel(buildId: string): Promise<boolean> {
    return claims.cancelWaiting(this.#o.db, buildId, this.#now(), this.#stale());
  }

  settled(buildId: string): Promise<void> {
    return this.#running.get(buildId) ?? Promise.resolve();
  }

  async idle(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#ticking;
    await this.#claiming;
    await Promise.allSettled([...this.#running.values()]);
  }

  #start(): void {
    this.#timer = setInterval(() => {
      if (this.#ticking) return;
      this.#ticking = this.#tick().finally(() => {
        this.#ticking = undefined;
      });
    }, this.#pollMs);
    this.#timer.unref();
    // The first claim loop waits for the release, as any claim loop in flight is waited for.
    this.#claiming = this.#releaseEarlierRuns().finally(() => {
      this.#claiming = undefined;
      this.#wokenMeanwhile = false;
      this.#pump();
    });
  }

  async #releaseEarlierRuns(): Promise<void> {
    const dataDir = dataDirOf(this.#o.replicaId);
    if (dataDir === undefined) return;
    try {
      await claims.releaseEarlierRunClaims(this.#o.db, dataDir, this.#o.replicaId);
    } catch (error) {
      this.#o.onError(error as Error);
    }
  }

  /** Heartbeats this replica's claims, takes over abandoned running builds, claims what waits. */
  async #tick(): Promise<void> {
    try {
      await claims.heartbeatClaims(this.#o.db, this.#o.replicaId, this.#now());
      for (const seen of await claims.listAbandonedRunning(this.#o.db, this.#stale())) {
        if (this.#stopped) return;
        if (await claims.takeOverBuild(this.#o.db, seen, this.#o.replicaId, this.#now()))
          await this.#o.abandoned(seen.id);
      }
    } catch (error) {
      this.#o.onError(error as Error);
    }
    this.#pump();
  }

  /** Claims builds while there is room; one claim loop at a time, run again when woken meanwhile. */
  #pump(): void {
    if (this.#held || this.#stopped) return;
    if (this.#claiming) {
      this.#wokenMeanwhile = true;
      return;
    }
    this.#claiming = this.#claimWhileRoom().finally(() => {
      this.#claiming = undefined;
      if (this.#wokenMeanwhile) {
        this.#wokenMeanwhile = false;
        this.#pump();
      }
    });
  }

  async #claimWhileRoom(): Promise<void> {
    try {
      while (!this.#held && !this.#stopped && this.#running.size < this.#o.concurrency) {
        const id = await claims.claimNextBuild(this.#o.db, this.#o.replicaId, this.#now(), this.#stale());
        if (!id) return;
        this.#runClaimed(id);
      }
    } catch (error) {
      this.#o.onError(error as Error);
    }
  }

  #runClaimed(id: string): void {
    const done = this.#o
      .run(id)
      .catch(() => {
        // The runner records its own failures; nothing may escape and stall the queue.
      })
      .finally(() => {
        this.#running.delete(id);
        this.#pump();
      });
    this.#running.set(id, done);
  }

  #now(): string {
    return this.#o.clock.now().toISOString();
  }

  #stale(): string {
    return staleBefore(this.#now(), this.#staleMs);
  }
}
