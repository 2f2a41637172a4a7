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

/** True when no live replica owns the build: never claimed (SQLite, a fresh row) or its replica's heartbeat is stale. */
export function ownerGone(claim: BuildClaim, now: string, staleMs: number): boolean {
  return (
    claim.claimed_by === null || claim.heartbeat_at === null || claim.heartbeat_at < staleBefore(now, staleMs)
  );
}
