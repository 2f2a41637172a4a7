/**
 * One API request started per turn of the event loop. SQLite answers synchronously, so a request
 * runs from its first byte to its answer without giving the loop a turn, and the requests that
 * arrived while one ran are all read in the same turn and run one after another in it: 20 org
 * pages at ~10 ms each held the loop for 200 ms, and every timer, stream and `/health` waited
 * (issue 15). Here each request of the API waits its turn in arrival order, and one starts per
 * turn of the loop (`setImmediate`, after pending I/O): the loop is held about one request's work
 * at a time, whatever the number waiting. The login, a public route, waits its turn too: it reads
 * the store before it hashes, and the logins of 200 connections, most of them quick 429s, all ran
 * in the turn they arrived in (bench/api-scale.js `login x200`: a p99 loop delay of 40–80 ms).
 *
 * A request that then waits for real I/O (the engine, PostgreSQL) goes on when its answer comes,
 * outside this queue. The process has one event loop; it has one queue, {@link REQUEST_TURNS}.
 */
export class RequestTurns {
  readonly #waiting: (() => void)[] = [];
  #head = 0;
  #scheduled = false;

  /** Resolves when it is this caller's turn: in arrival order, one per turn of the event loop. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const next = this.#waiting[this.#head++];
      if (this.#head === this.#waiting.length) {
        this.#waiting.length = 0;
        this.#head = 0;
      } else {
        if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
          this.#waiting.splice(0, this.#head);
          this.#head = 0;
        }
        // Scheduled from inside a turn, the next start comes in the loop's next turn.
        this.#schedule();
      }
      next?.();
    });
  }
}

/** The requests of this process's API (see the header). */
export const REQUEST_TURNS = new RequestTurns();
