/**
 * Whether another server of this installation is live on a shared engine. A data directory copied
 * beside the original (a restored backup) keeps its installation id, and each server would take
 * the other's containers for its own orphans. So every server keeps a run marker on the engine,
 * made anew every beat, and looks at the markers of its installation before removing anything.
 *
 * A marker is fresh while it is younger than `staleAfterMs` on the engine's own clock: ages are
 * measured against the newest marker (the one this server just made), so the clocks of two hosts
 * never meet. A marker whose run is known to be dead (same host, no such process) is stale at once,
 * so a server restarted after a crash does not wait for its predecessor's marker to age.
 */
export interface RunMarker {
  readonly name: string;
  readonly run: string;
  readonly host: string;
  readonly pid: number;
  /** The engine's creation time (RFC 3339). */
  readonly createdAt: string;
}

export interface RunsVerdict {
  /** Markers of other runs that are live: while there is one, nothing may be removed. */
  readonly live: readonly RunMarker[];
  /** Markers nobody needs: this run's older ones and dead runs'. */
  readonly stale: readonly RunMarker[];
}

export function judgeRuns(
  markers: readonly RunMarker[],
  self: { readonly run: string; readonly marker: string },
  staleAfterMs: number,
  isDead: (marker: RunMarker) => boolean,
): RunsVerdict {
  const times = markers.map((m) => Date.parse(m.createdAt)).filter((t) => !Number.isNaN(t));
  const engineNow = times.length > 0 ? Math.max(...times) : Number.NaN;
  const live: RunMarker[] = [];
  const stale: RunMarker[] = [];
  for (const marker of markers) {
    if (marker.run === self.run) {
      if (marker.name !== self.marker) stale.push(marker);
      continue;
    }
    const age = engineNow - Date.parse(marker.createdAt);
    // A time that cannot be read counts as fresh: in doubt, remove nothing.
    if (isDead(marker) || age >= staleAfterMs) stale.push(marker);
    else live.push(marker);
  }
  return { live, stale };
}

/** One live run, as a refusal names it. */
export const describeRun = (m: RunMarker): string =>
  `the hearth server with pid ${m.pid} on ${m.host} (run ${m.run}, seen ${m.createdAt})`;
