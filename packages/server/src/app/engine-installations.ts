/**
 * This run's installation check on every engine of the pool: the reconciler removes nothing on an
 * engine while another live server of this installation is there (see installation-guard.ts).
 * `default` is start-up's guard; another engine gets its own on first use, renewed on the same beat,
 * and stopped (its marker removed) at shutdown.
 */

import type { InstallationCheck } from '../ports/installation-check.js';
import type { Logger } from '../ports/logger.js';
import { DEFAULT_ENGINE, type Runtimes } from '../runtime/runtimes.js';
import { InstallationGuard } from './installation-guard.js';

export class EngineInstallations {
  readonly #default: InstallationGuard;
  readonly #runtimes: Runtimes;
  readonly #instanceId: string;
  readonly #logger: Logger;
  readonly #guards = new Map<string, Promise<InstallationGuard>>();

  constructor(deps: {
    defaultGuard: InstallationGuard;
    runtimes: Runtimes;
    instanceId: string;
    logger: Logger;
  }) {
    this.#default = deps.defaultGuard;
    this.#runtimes = deps.runtimes;
    this.#instanceId = deps.instanceId;
    this.#logger = deps.logger;
  }

  /** The check on `engineId`. */
  of(engineId: string): InstallationCheck {
    if (engineId === DEFAULT_ENGINE) return this.#default;
    return { assertAlone: async () => (await this.#guard(engineId)).assertAlone() };
  }

  #guard(engineId: string): Promise<InstallationGuard> {
    let guard = this.#guards.get(engineId);
    if (!guard) {
      guard = this.#runtimes.of(engineId).then((runtime) => {
        const made = new InstallationGuard({
          runtime,
          instanceId: this.#instanceId,
          logger: this.#logger.child({ engine: engineId }),
        });
        made.start();
        return made;
      });
      this.#guards.set(engineId, guard);
      guard.catch(() => this.#guards.delete(engineId));
    }
    return guard;
  }

  /** Stops every engine's guard but `default`'s (start-up's, stopped by shutdown itself). */
  async stop(): Promise<void> {
    const guards = [...this.#guards.values()];
    this.#guards.clear();
    await Promise.all(
      guards.map((g) =>
        g.then(
          (guard) => guard.stop(),
          () => undefined,
        ),
      ),
    );
  }
}
