/**
 * Disk usage of home volumes, measured without asking the engine per request. The engine sizes
 * all of its volumes in one call (Docker's `/system/df`: 0.15–0.2 s and ~3 MB at 10,000 volumes)
 * and refuses a second call while one runs, so one measurement serves every volume for a minute
 * and concurrent requests share the one in flight. Cost: at most one engine call a minute (or,
 * after a failure, one every few seconds), whatever the number of requests or workspaces.
 *
 * A usage that is not known says why (never a bare null): not measured yet, no such volume at
 * the last measurement, or the engine's error. A volume missing from a measurement older than its
 * workspace's last state change is measured again (one more engine call per state change at most).
 */

import type { Clock } from '../ports/clock.js';
import type { Runtime } from '../runtime/runtime.js';

export interface DiskUsed {
  readonly bytes: number | null;
  /** When `bytes` was measured; null when it is unknown. */
  readonly measuredAt: string | null;
  /** Why `bytes` is null; null when it is known. */
  readonly unknownReason: string | null;
}

/** How long one measurement serves. */
const USAGE_TTL_MS = 60_000;
/** How long after a failed measurement the engine is left alone. */
const RETRY_AFTER_FAILURE_MS = 5_000;

export class DiskUsage {
  readonly #runtime: Pick<Runtime, 'volumeSizes'>;
  readonly #clock: Clock;
  #measured: { at: number; sizes: ReadonlyMap<string, number> } | undefined;
  #failed: { at: number; message: string } | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(runtime: Pick<Runtime, 'volumeSizes'>, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  /** What is known of `volume` now, without asking the engine. */
  known(volume: string): DiskUsed {
    const measured = this.#measured;
    const bytes = measured?.sizes.get(volume);
    if (measured && bytes !== undefined)
      return { bytes, measuredAt: new Date(measured.at).toISOString(), unknownReason: null };
    const unknown = (unknownReason: string): DiskUsed => ({ bytes: null, measuredAt: null, unknownReason });
    if (this.#failed && (!measured || this.#failed.at > measured.at))
      return unknown(
        `the engine could not report disk usage (${this.#failed.message}); it is asked again shortly`,
      );
    if (measured)
      return unknown(
        `the home volume did not exist when disk usage was last measured (${new Date(measured.at).toISOString()}; measured at most once a minute)`,
      );
    return unknown('disk usage is not measured yet: showing the workspace measures it');
  }

  /**
   * Measures unless a measurement is fresh (sharing one in flight), then answers {@link known}.
   * A measurement that lacks `volume` and was taken before `changedAt` (the workspace's last state
   * change: its build may have created the volume since) is not fresh for it.
   */
  async measure(volume: string, changedAt?: Date): Promise<DiskUsed> {
    if (this.#stale(volume, changedAt)) await this.#refresh();
    return this.known(volume);
  }

  #stale(volume: string, changedAt: Date | undefined): boolean {
    const now = this.#clock.now().getTime();
    if (this.#failed && now - this.#failed.at < RETRY_AFTER_FAILURE_MS) return false;
    const measured = this.#measured;
    if (!measured || now - measured.at >= USAGE_TTL_MS) return true;
    return changedAt !== undefined && measured.at < changedAt.getTime() && !measured.sizes.has(volume);
  }

  #refresh(): Promise<void> {
    this.#inFlight ??= this.#runtime
      .volumeSizes()
      .then(
        (sizes) => {
          this.#measured = { at: this.#clock.now().getTime(), sizes };
          this.#failed = undefined;
        },
        (error: unknown) => {
          this.#failed = { at: this.#clock.now().getTime(), message: (error as Error).message };
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}
