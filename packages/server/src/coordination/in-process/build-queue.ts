/**
 * The in-process {@link BuildQueue}: waiting ids in an array, running builds in a map, both in this
 * process's memory. It honours "the row is the truth" by being told only after the commit, and by
 * losing nothing that matters when it dies: the rows stay `queued` and start-up enqueues them again.
 */
import type { BuildQueue } from '../../ports/build-queue.js';

export class InProcessBuildQueue implements BuildQueue {
  readonly #concurrency: number;
  readonly #run: (buildId: string) => Promise<void>;
  readonly #waiting: string[] = [];
  readonly #running = new Map<string, Promise<void>>();
  #held: boolean;

  /** `run` claims a build (runs it to its end); `held`: nothing is claimed until {@link release}. */
  constructor(
    concurrency: number,
    run: (buildId: string) => Promise<void>,
    options: { held?: boolean } = {},
  ) {
    this.#concurrency = concurrency;
    this.#run = run;
    this.#held = options.held ?? false;
  }

  release(): void {
    this.#held = false;
    this.#pump();
  }

  enqueue(buildId: string): void {
    if (this.#waiting.includes(buildId) || this.#running.has(buildId)) return;
    this.#waiting.push(buildId);
    this.#pump();
  }

  async position(buildId: string): Promise<number | null> {
    const i = this.#waiting.indexOf(buildId);
    return i < 0 ? null : i + 1;
  }

  async cancel(buildId: string): Promise<boolean> {
    const i = this.#waiting.indexOf(buildId);
    if (i >= 0) this.#waiting.splice(i, 1);
    return i >= 0;
  }

  settled(buildId: string): Promise<void> {
    return this.#running.get(buildId) ?? Promise.resolve();
  }

  async idle(): Promise<void> {
    this.#waiting.length = 0;
    await Promise.allSettled([...this.#running.values()]);
  }

  #pump(): void {
    while (!this.#held && this.#running.size < this.#concurrency && this.#waiting.length > 0) {
      const id = this.#waiting.shift()!;
      const done = this.#run(id)
        .catch(() => {
          // The runner records its own failures; nothing may escape and stall the queue.
        })
        .finally(() => {
          this.#running.delete(id);
          this.#pump();
        });
      this.#running.set(id, done);
    }
  }
}
