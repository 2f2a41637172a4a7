/**
 * The log of one build: lines go live to watchers at once and to the store in batches
 * (each stage end, at most every second, and when the build ends). A line written just before a
 * stage goes quiet (a hook that hangs) reaches the store a second later, not at the stage's end.
 * Each batch is appended to the stored log as a part of its own, one flush after another, so a
 * flush costs what it adds, not the whole log again.
 */
import type { LogLine } from '@hearth/sdk';
import { admitLine, type CappedLog, truncationMarker } from '../core/log-cap.js';
import type { Clock } from '../ports/clock.js';
import type { Database } from '../store/database.js';
import { appendBuildLog, updateBuild } from '../store/repositories/builds.repository.js';
import type { WorkspaceEvents } from '../workspaces/events.js';

const FLUSH_MS = 1000;

export class BuildLog {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #events: WorkspaceEvents;
  readonly #buildId: string;
  readonly #workspaceId: string;
  readonly #number: number;
  #pending: string[] = [];
  #cap: CappedLog;
  #lastFlush = 0;
  /** The log was cut at its cap since the last flush: the build's row is told once. */
  #newlyTruncated = false;
  #timer: NodeJS.Timeout | undefined;
  /** The flush under way: the next waits for it, so parts are appended in order. */
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    deps: { db: Database; clock: Clock; events: WorkspaceEvents },
    build: { id: string; workspaceId: string; number: number; log: string },
  ) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#events = deps.events;
    this.#buildId = build.id;
    this.#workspaceId = build.workspaceId;
    this.#number = build.number;
    this.#cap = { bytes: Buffer.byteLength(build.log), dropped: 0 };
  }

  /** Records one line (without its newline) for `stage`. */
  write(stage: string, text: string): void {
    const line: LogLine = { ts: this.#clock.now().toISOString(), stage, text };
    const encoded = `${JSON.stringify(line)}\n`;
    const admitted = admitLine(this.#cap, Buffer.byteLength(encoded));
    this.#cap = admitted.log;
    if (admitted.marker) {
      this.#newlyTruncated = true;
      const marker: LogLine = { ...line, text: truncationMarker() };
      this.#pending.push(`${JSON.stringify(marker)}\n`);
      this.#events.log(this.#workspaceId, { ...marker, build: this.#number });
    }
    if (!admitted.keep) return;
    this.#pending.push(encoded);
    this.#events.log(this.#workspaceId, { ...line, build: this.#number });
    if (this.#clock.now().getTime() - this.#lastFlush >= FLUSH_MS) void this.flush().catch(() => undefined);
    else this.#timer ??= setTimeout(() => void this.flush().catch(() => undefined), FLUSH_MS).unref();
  }

  /** Writes what is pending to the store, after any flush still under way. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastFlush = this.#clock.now().getTime();
    const done = this.#flushing.then(() => this.#appendPending());
    // A failed flush fails its caller; the next one still runs.
    this.#flushing = done.catch(() => undefined);
    return done;
  }

  /**
   * Appends what is pending as the log's next part, then marks the build's row if the log was cut.
   * When the store fails, the part stays pending, ahead of what comes after it, and the mark stays
   * to do: the next flush writes them, in order.
   */
  async #appendPending(): Promise<void> {
    if (this.#pending.length > 0) {
      const part = this.#pending.join('');
      this.#pending = [];
      try {
        await appendBuildLog(this.#db, this.#buildId, part);
      } catch (error) {
        this.#pending.unshift(part);
        throw error;
      }
    }
    if (!this.#newlyTruncated) return;
    await updateBuild(this.#db, this.#buildId, { log_truncated: 1 });
    this.#newlyTruncated = false;
  }
}

/** Parses a stored log (JSON lines) back into lines. */
export function parseStoredLog(stored: string): LogLine[] {
  return stored
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as LogLine);
}
