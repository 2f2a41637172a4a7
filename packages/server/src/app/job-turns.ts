/**
 * Whose turn a periodic job is. One server (SQLite) runs every job at every interval. Replicas on
 * one database take turns: before a run, a replica records it in `job_runs` unless the job ran on
 * any replica within the interval (one conditional upsert, so exactly one of those racing wins),
 * so reconcile, image checks and the lifecycle executor run about once per interval across the
 * installation, not once per replica. A replica that dies leaves no lease behind: the next
 * replica whose timer fires after the interval runs the job. Wall time (the system clock).
 */
import { type Clock, systemClock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import { claimJobRun } from '../store/repositories/replicas.repository.js';

/** True when this server is to run job `name` (whose interval is `intervalMs`) now. */
export type JobTurn = (name: string, intervalMs: number) => Promise<boolean>;

/** One server: always its turn. */
export const alwaysMyTurn: JobTurn = async () => true;

/**
 * Timers fire a little late or early; a run counts for its interval less this much, so a timer
 * that fires a moment early is not refused its turn (at most a tenth of the interval, 1 s).
 */
export const turnSlackMs = (intervalMs: number): number => Math.min(1_000, Math.floor(intervalMs / 10));

/** Replicas on `db`: the job's turn is this replica's when it has not run within its interval. */
export function takeTurns(db: Database, replicaId: string, clock: Clock = systemClock): JobTurn {
  return (name, intervalMs) => {
    const now = clock.now().getTime();
    const dueBefore = new Date(now - intervalMs + turnSlackMs(intervalMs)).toISOString();
    return claimJobRun(db, name, replicaId, new Date(now).toISOString(), dueBefore);
  };
}
