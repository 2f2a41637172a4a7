/**
 * The server's periodic work once it listens: reconciling with the engine, checking images for
 * updates, and the lifecycle executor (auto-off, auto-start). An interval of 0 turns a job off.
 * Replicas on one database take turns (job-turns.ts): each job runs on one of them per interval.
 */
import type { Config } from './config.js';
import { alwaysMyTurn, type JobTurn, takeTurns } from './job-turns.js';
import type { Foundation, Wired } from './wiring.js';

/** Starts every job; returns the function that stops them (the executor after its running tick). */
export function startPeriodicJobs(config: Config, f: Foundation, w: Wired): () => Promise<void> {
  const turn: JobTurn = config.postgres ? takeTurns(f.db, f.replicas.id) : alwaysMyTurn;
  const every = (ms: number, what: string, job: () => Promise<unknown>) => {
    if (ms <= 0) return undefined;
    const timer = setInterval(
      () =>
        void turn(what, ms)
          .then((mine) => (mine ? job() : undefined))
          .catch((error) => f.logger.error({ err: error }, `${what} failed`)),
      ms,
    );
    timer.unref();
    return timer;
  };
  const reconcile = every(config.reconcileIntervalMs, 'reconcile', () => w.reconciler.check());
  w.executor.start(config.lifecycleIntervalMs, () => turn('lifecycle', config.lifecycleIntervalMs));
  f.installation.start();
  const images = every(config.imageCheckIntervalMs, 'image check', () => w.imageChecker.checkAll());
  return async () => {
    clearInterval(reconcile);
    clearInterval(images);
    await w.executor.stop();
  };
}
