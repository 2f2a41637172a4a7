/**
 * Home-volume disk usage, measured through the engine and remembered for a minute: the engine's
 * measure is slow, and a list shows what was last measured rather than measuring every volume.
 */
import type { Clock } from '../ports/clock.js';
import type { Runtime } from '../runtime/runtime.js';

const USAGE_TTL_MS = 60_000;

export class DiskUsage {
  readonly #runtime: Runtime;
  readonly #clock: Clock;
  readonly #known = new Map<string, { at: number; bytes: number | null }>();

  constructor(deps: { runtime: Runtime; clock: Clock }) {
    this.#runtime = deps.runtime;
    this.#clock = deps.clock;
  }

  /** The last measure of the volume, if any (never measures). */
  last(volume: string): number | null {
    return this.#known.get(volume)?.bytes ?? null;
  }

  /** A measure no older than a minute; `null` when the engine cannot tell. */
  async measure(volume: string): Promise<number | null> {
    const cached = this.#known.get(volume);
    const now = this.#clock.now().getTime();
    if (cached && now - cached.at < USAGE_TTL_MS) return cached.bytes;
    const bytes = (await this.#runtime.volumeUsage(volume).catch(() => undefined)) ?? null;
    // Unknown is not cached: the volume may simply not exist yet.
    if (bytes !== null) this.#known.set(volume, { at: now, bytes });
    return bytes;
  }
}
