/**
 * How long each step of a server's start took, for the log line that says it serves (and
 * bench/server-start.js, which prints them). The first, `modules`, is the time from the process's
 * start to the call of startServer: node's own start-up, loading the server and parsing the flags.
 * The others follow one another, except `engine` (its ping and driver settings) and `store`
 * (opening the database, checking its migrations, reading the installation id), which run at
 * once within `preflight`.
 */
export type StartupPhase =
  | 'modules'
  | 'lock'
  | 'engine'
  | 'store'
  | 'preflight'
  | 'installation'
  | 'secretKey'
  | 'wiring'
  | 'reconcile'
  | 'listen';

export class StartupPhases {
  readonly #ms: Partial<Record<StartupPhase, number>> = {};
  #last = performance.now();

  constructor() {
    this.#ms.modules = Math.round(this.#last);
  }

  /** Ends `phase`: the time since the previous phase ended. */
  end(phase: StartupPhase): void {
    const now = performance.now();
    this.#ms[phase] = Math.round(now - this.#last);
    this.#last = now;
  }

  /** Times `work`, a phase that runs beside others (it ends no phase of the sequence). */
  beside<T>(phase: StartupPhase, work: Promise<T>): Promise<T> {
    const started = performance.now();
    return work.finally(() => {
      this.#ms[phase] = Math.round(performance.now() - started);
    });
  }

  /** Every phase so far, in milliseconds, in the order they ran. */
  get ms(): Readonly<Partial<Record<StartupPhase, number>>> {
    return this.#ms;
  }
}
