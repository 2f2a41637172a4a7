/**
 * Build logs are kept, but capped: past the cap, lines are dropped and one marker says how much.
 */
export const LOG_CAP_BYTES = 1024 * 1024;

export interface CappedLog {
  readonly bytes: number;
  readonly dropped: number;
}

/**
 * Decides whether a line of `size` bytes fits. Returns the new accounting and whether to keep it;
 * `marker` is true exactly once, for the first dropped line, so the caller can write the marker.
 */
export function admitLine(
  log: CappedLog,
  size: number,
  cap = LOG_CAP_BYTES,
): { log: CappedLog; keep: boolean; marker: boolean } {
  if (log.dropped === 0 && log.bytes + size <= cap)
    return { log: { bytes: log.bytes + size, dropped: 0 }, keep: true, marker: false };
  return { log: { bytes: log.bytes, dropped: log.dropped + size }, keep: false, marker: log.dropped === 0 };
}

export const truncationMarker = (cap = LOG_CAP_BYTES): string =>
  `[hearth: this build's log reached ${Math.round(cap / 1024)} KiB; further lines are not kept]`;
