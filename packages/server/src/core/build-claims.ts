/**
 * Build claims across server replicas: a build claimed by a replica belongs to it while the
 * replica heartbeats; once its heartbeat is older than the staleness bound, the replica counts as
 * gone and another may take the build over. Pure: `now` and the bound are given.
 */

export interface BuildClaim {
  readonly claimed_by: string | null;
  readonly heartbeat_at: string | null;
}

/** The oldest heartbeat a live replica can have at `now` (ISO text, compared as text like every timestamp). */
export function staleBefore(now: string, staleMs: number): string {
  return new Date(Date.parse(now) - staleMs).toISOString();
}

/**
 * True when no live replica owns the build: never claimed (SQLite, a fresh row), its replica's
 * heartbeat is stale, or its replica was an earlier run on the data directory of `self` (replica
 * ids are `<data dir's id>.<run>`: see app/replica-id.ts), which a restart ended.
 */
export function ownerGone(claim: BuildClaim, now: string, staleMs: number, self?: string): boolean {
  if (claim.claimed_by === null || claim.heartbeat_at === null) return true;
  if (self && claim.claimed_by !== self && dataDirOf(claim.claimed_by) === dataDirOf(self)) return true;
  return claim.heartbeat_at < staleBefore(now, staleMs);
}

/** The data directory's part of a replica id (none for an id without one). */
export function dataDirOf(replicaId: string): string | undefined {
  const dot = replicaId.indexOf('.');
  return dot > 0 ? replicaId.slice(0, dot) : undefined;
}
