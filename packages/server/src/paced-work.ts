/**
 * Periodic work over many items (the lifecycle executor's transitions, the reconciler's checks)
 * that never holds the event loop for long and never has more than a few items in flight.
 *
 * SQLite answers synchronously, so a chain of awaits over 10,000 items can run for seconds
 * without giving a timer or a request a turn: every resolved promise continues at once. So the
 * workers give the loop a turn (`setImmediate`, after pending I/O) whenever the work since the
 * last turn has taken {@link SLICE_MS}. With an engine or PostgreSQL that answers later, up to
 * `concurrency` items wait for their answers at once instead of one after another.
 */

/**
 * Work between two turns of the event loop before the next is asked for. A turn holds the slice
 * and the step that crosses its end (a page of rows, a batch's transaction, a scavenge landing in
 * it): 5 ms leaves room for those under the 20 ms a stall may last (bench/executor.js); with 10 ms
 * a storm of 10,000 transitions held the loop for up to 16-20 ms of CPU.
 */
export const SLICE_MS = 5;

/**
 * Work since the last turn before a forecast may ask for another: a step longer than a slice by
 * itself then gets a turn of its own, never a run of empty turns.
 */
const FORECAST_AFTER_MS = 1;

/**
 * Gives the event loop a turn once `sliceMs` of work have passed since the last one. Shared by
 * the workers of one job: while a turn is pending every worker that asks waits for it, and the
 * slice starts again once for all of them (one slice of work between turns, not one per worker).
 * `now` is the clock in milliseconds (tests give their own).
 */
export class LoopTurns {
  readonly #sliceMs: number;
  readonly #now: () => number;
  #since: number;
  #turn: Promise<void> | undefined;

  constructor(sliceMs = SLICE_MS, now: () => number = () => performance.now()) {
    this.#sliceMs = sliceMs;
    this.#now = now;
    this.#since = now();
  }

  /** The clock slices are measured by, for a caller's forecast of its steps. */
  now(): number {
    return this.#now();
  }

  /**
   * The turn to await when one is due, else undefined: the caller goes on at once, with no await
   * (one would let every other worker start an item before the turn is asked for). `nextMs`
   * forecasts the caller's next step, one it cannot interrupt (a transaction, a page of rows):
   * when the step would end past the slice the turn comes before it, and the step starts a slice
   * of its own instead of lengthening this one (a turn then holds about a slice, not a slice and
   * a step).
   */
  due(nextMs = 0): Promise<void> | undefined {
    if (this.#turn) return this.#turn;
    const spent = this.#now() - this.#since;
    const overrun = spent >= FORECAST_AFTER_MS && spent + nextMs > this.#sliceMs;
    if (spent < this.#sliceMs && !overrun) return undefined;
    this.#turn = new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#since = this.#now();
        this.#turn = undefined;
        resolve();
      }),
    );
    return this.#turn;
  }
}

/**
 * The turns of this process's event loop, shared by every paced job (the executor's workers, the
 * reconciler's, stops and deletes in the background): they all stop for the same turn, so the
 * loop is held about one slice however many jobs run at once. The event loop is one per process;
 * so is this.
 */
export const LOOP_TURNS = new LoopTurns();

/**
 * Runs `work` for every item, at most `concurrency` at once, in the items' order of start, giving
 * the event loop a turn whenever a slice has passed (by `turns`, {@link LOOP_TURNS} by default).
 * `work` handles its own errors: one that throws stops its worker, and the call rejects once the
 * others have finished.
 */
export async function forEachPaced<T>(
  items: readonly T[],
  options: { readonly concurrency: number; readonly turns?: LoopTurns },
  work: (item: T) => Promise<void>,
): Promise<void> {
  const turns = options.turns ?? LOOP_TURNS;
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const turn = turns.due();
      if (turn) {
        await turn;
        continue;
      }
      await work(items[next++]!);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker);
  const results = await Promise.allSettled(workers);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Rows a paged read asks for at once: a statement of a few milliseconds on SQLite. */
export const PAGE_ROWS = 1000;

/**
 * A keyset-paged read, page by page, with a turn of the event loop between pages whenever a slice
 * has passed, or would pass during the next page (forecast by the last page and the caller's
 * work on it): thousands of rows never come back from one synchronous statement (SQLite), and the
 * caller works on each page before the next is read. `page(after, limit)` answers at most `limit`
 * rows whose key is greater than `after` (from the first when undefined), in key order; a page
 * shorter than `limit` is the last. The forecast is measured by the clock of `turns`.
 */
export async function* pagesOf<T>(
  page: (after: string | undefined, limit: number) => Promise<T[]>,
  key: (row: T) => string,
  options: { readonly limit?: number; readonly turns?: LoopTurns } = {},
): AsyncGenerator<T[]> {
  const limit = options.limit ?? PAGE_ROWS;
  const turns = options.turns ?? LOOP_TURNS;
  let after: string | undefined;
  let lastMs = 0;
  for (;;) {
    const turn = turns.due(lastMs);
    if (turn) await turn;
    const started = turns.now();
    const rows = await page(after, limit);
    if (rows.length > 0) yield rows;
    lastMs = turns.now() - started;
    if (rows.length < limit) return;
    after = key(rows.at(-1)!);
  }
}

/** At most `limit` tasks run at once; the others wait, first come first served, each starting only between turns. */
export class TaskLimit {
  readonly #limit: number;
  readonly #turns: LoopTurns;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number, turns: LoopTurns = LOOP_TURNS) {
    this.#limit = limit;
    this.#turns = turns;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      // A backlog of tasks that answer at once (a storm of stops on SQLite) never holds the loop.
      const turn = this.#turns.due();
      if (turn) await turn;
      return await task();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so #running stays at the limit meanwhile.
      if (next) next();
      else this.#running--;
    }
  }
}
