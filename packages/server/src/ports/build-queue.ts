/**
 * The build queue port: which queued builds run, in what order, and how many at once.
 *
 * The store is the truth. A build is queued by inserting its row with status `queued` in the same
 * transaction as the workspace's transition that asks for it; {@link BuildQueue.enqueue} is
 * called only once that transaction has committed, and only tells the queue the row exists. So a
 * queue may lose what it holds (a crash, a restart, a replica gone) and nothing is lost: start-up
 * hands it every `queued` row again. An adapter that keeps its queue in the database claims rows
 * directly and may treat `enqueue` as a wake-up; the in-process adapter keeps the ids in memory,
 * which is why it is told only after the commit (never about a row a rollback took back).
 *
 * The contract (test/unit/coordination/build-queue.contract.ts, run against every adapter):
 * - Claiming: while released, the queue claims waiting builds in the order they were enqueued and
 *   hands each to the runner it was made with, at most `concurrency` at once. A held queue
 *   (start-up, before the server listens) claims nothing until {@link BuildQueue.release}.
 * - A build is claimed once per enqueue: enqueuing a build that is waiting or running changes
 *   nothing; a build that finished may be enqueued (and runs) again.
 * - Cancel and position answer about waiting builds only; a canceled build is never claimed.
 * - A runner that rejects never stalls the queue: the next build is claimed as if it had succeeded
 *   (the runner records its own failures on the build).
 */
export interface BuildQueue {
  /** Tells the queue a committed `queued` build row exists. Idempotent while it waits or runs. */
  enqueue(buildId: string): void;

  /** Lets a held queue start claiming (the server holds it until it listens). */
  release(): void;

  /** 1-based position among waiting builds; `null` when the build is running or unknown. */
  position(buildId: string): Promise<number | null>;

  /**
   * Takes a waiting build out of the queue (its workspace is stopped or deleted), so it never runs.
   * True if it was waiting; false, and nothing changes, when it is running or unknown.
   */
  cancel(buildId: string): Promise<boolean>;

  /** Resolves when the build is not running (at once when it is waiting or unknown). */
  settled(buildId: string): Promise<void>;

  /**
   * For shutdown: forgets the waiting builds (their rows stay `queued`: the next start-up takes them)
   * and resolves once every running build has finished.
   */
  idle(): Promise<void>;
}
