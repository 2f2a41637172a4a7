/**
 * The bounded build queue: builds run in arrival order, at most `concurrency` at once. One
 * workspace never has two builds in it; the state machine refuses a second one.
 */
export class BuildQueue {
  readonly #concurrency: number;
  readonly #run: (buildId: string) => Promise<void>;
  readonly #waiting: string[] = [];
  readonly #running = new Map<string, Promise<void>>();
  #held: boolean;

  /** `held`: builds wait until {@link release} (the server holds them until it is listening). */
  constructor(
    concurrency: number,
    run: (buildId: string) => Promise<void>,
    options: { held?: boolean } = {},
  ) {
    this.#concurrency = concurrency;
    this.#run = run;
    this.#held = options.held ?? false;
  }

  /** Lets a held queue start its builds. */
  release(): void {
    this.#held = false;
    this.#pump();
  }

  enqueue(buildId: string): void {
    if (this.#waiting.includes(buildId) || this.#running.has(buildId)) return;
    this.#waiting.push(buildId);
    this.#pump();
  }

  /** 1-based position among waiting builds; `null` when running or unknown. */
  position(buildId: string): number | null {
    const i = this.#waiting.indexOf(buildId);
    return i < 0 ? null : i + 1;
  }

  /** Forgets a waiting build (its workspace is being deleted). True if it was waiting. */
  cancel(buildId: string): boolean {
    const i = this.#waiting.indexOf(buildId);
    if (i >= 0) this.#waiting.splice(i, 1);
    return i >= 0;
  }

  /** Resolves when the build is not running (immediately if it is not). */
  settled(buildId: string): Promise<void> {
    return this.#running.get(buildId) ?? Promise.resolve();
  }

  /** Resolves once every running build has finished; waiting builds stay queued (in the store). */
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
