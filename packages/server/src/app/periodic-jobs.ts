/**
 * The server's periodic work once it listens: reconciling with the engine, checking images for
 * updates, and the lifecycle executor (auto-off, auto-start). An interval of 0 turns a job off.
 */
import type { Config } from './config.js';
import type { Foundation, Wired } from './wiring.js';

/** Starts every job; returns the function that stops them (the executor after its running tick). */
export function startPeriodicJobs(config: Config, f: Foundation, w: Wired): () => Promise<void> {
  const every = (ms: number, what: string, job: () => Promise<unknown>) => {
    if (ms <= 0) return undefined;
    const timer = setInterval(
      () => void job().catch((error) => f.logger.error({ err: error }, `${what} failed`)),
      ms,
    );
    timer.unref();
    return timer;
  };
  const reconcile = every(config.reconcileIntervalMs, 'reconcile', () => w.reconciler.check());
  w.executor.start(config.lifecycleIntervalMs);
  f.installation.start();
  const images = every(config.imageCheckIntervalMs, 'image check', () => w.imageChecker.checkAll());
  return async () => {
    clearInterval(reconcile);
    clearInterval(images);
    await w.executor.stop();
  };
}
