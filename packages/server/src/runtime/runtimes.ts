/**
 * The pool of engines, as the rest of Hearth reaches it: the {@link Runtime} of one engine, by the
 * engine id a workspace records (`workspaces.engine_id`; `default` is the server's `--docker-host`).
 * A workspace lives on one engine for life, so everything done to it (builds, exec, terminals, SSH,
 * apps, disk usage, stop, delete, reconcile) asks for its engine's runtime here.
 */
import type { Runtime } from './runtime.js';

/** The engine of the server's own `--docker-host`. */
export const DEFAULT_ENGINE = 'default';

export interface Runtimes {
  /**
   * The runtime of `engineId`; the same object every time for one engine. Rejects with a
   * {@link RuntimeError} `engine_unreachable` when no such engine is registered (any more).
   */
  of(engineId: string): Promise<Runtime>;
}

/** A pool of one: every engine id is `runtime` (tools and benches on a single engine). */
export const singleRuntime = (runtime: Runtime): Runtimes => ({ of: async () => runtime });

/**
 * How long an engine may take to answer a ping before it counts as unreachable: generous, since a
 * busy engine on a loaded host can take seconds, and a false "unreachable" is worse than a wait.
 */
export const PING_TIMEOUT_MS = 10_000;

/** What `asked` settles with, or `late` when it takes longer than {@link PING_TIMEOUT_MS}. */
export async function withinPingTimeout<T, L>(asked: Promise<T>, late: L): Promise<T | L> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<L>((resolve) => {
    timer = setTimeout(() => resolve(late), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([asked, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Why the engine does not answer (its error, or no answer in time); undefined when it does. */
export async function whyUnreachable(runtime: Pick<Runtime, 'ping'>): Promise<string | undefined> {
  try {
    return await withinPingTimeout(
      runtime.ping().then(() => undefined),
      `no answer within ${PING_TIMEOUT_MS / 1000}s`,
    );
  } catch (error) {
    return (error as Error).message;
  }
}
