/**
 * How long each step of a server's start took, for the log line that says it serves (and
 * bench/server-start.js, which prints them): wall time, and the process's CPU time (user + system),
 * which a loaded machine stretches much less. The first, `modules`, is the time from the process's
 * start to the call of startServer: node's own start-up, loading the server and parsing the flags.
 * The others follow one another, except `engine` (its ping and driver settings) and `store`
 * (opening the database, checking its migrations, reading the installation id), which run at
 * once within `preflight` (and have no CPU time of their own).
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

type Times = Partial<Record<StartupPhase, number>>;

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export class StartupPhases {
  readonly #ms: Times = {};
  readonly #cpuMs: Times = {};
  #last = performance.now();
  #lastCpu = cpuNow();

  constructor() {
    this.#ms.modules = Math.round(this.#last);
    this.#cpuMs.modules = Math.round(this.#lastCpu);
  }

  /** Ends `phase`: the time since the previous phase ended. */
  end(phase: StartupPhase): void {
    const now = performance.now();
    const cpu = cpuNow();
    this.#ms[phase] = Math.round(now - this.#last);
    this.#cpuMs[phase] = Math.round(cpu - this.#lastCpu);
    this.#last = now;
    this.#lastCpu = cpu;
  }

  /** Times `work`, a phase that runs beside others (it ends no phase of the sequence). */
  beside<T>(phase: StartupPhase, work: Promise<T>): Promise<T> {
    const started = performance.now();
    return work.finally(() => {
      this.#ms[phase] = Math.round(performance.now() - started);
    });
  }

  /** Every phase's wall time so far, in milliseconds, in the order they ran. */
  get ms(): Readonly<Times> {
    return this.#ms;
  }

  /** Every phase's CPU time so far, in milliseconds (none for those that ran beside others). */
  get cpuMs(): Readonly<Times> {
    return this.#cpuMs;
  }
}
