/**
 * The runtime registry of the engine pool: one driver per engine, made on first use from the
 * engine's row (its docker host and TLS files) and this server's driver settings (the workspace
 * network, which each engine's driver settles on its own engine; the host paths of server access).
 * `default` is the runtime start-up made from `--docker-host`. A row read once is kept: an engine's
 * address never changes, and one with workspaces cannot be removed.
 */
import type { DockerRuntimeOptions } from '../runtime/docker/docker-runtime.js';
import { type Runtime, RuntimeError } from '../runtime/runtime.js';
import { DEFAULT_ENGINE, type Runtimes } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import { findEngineById } from '../store/repositories/engines.repository.js';
import type { EngineRow } from '../store/schema.js';

/** The driver options of a registered engine: the server's settings on that engine's address. */
export function engineDriverOptions(base: DockerRuntimeOptions, row: EngineRow): DockerRuntimeOptions {
  return {
    ...base,
    host: row.docker_host,
    tls: {
      verify: row.tls_verify === 1,
      ca: row.tls_ca ?? undefined,
      cert: row.tls_cert ?? undefined,
      key: row.tls_key ?? undefined,
    },
  };
}

export class EngineRuntimes implements Runtimes {
  readonly #db: Database;
  readonly #default: Runtime;
  readonly #base: DockerRuntimeOptions;
  readonly #make: (options: DockerRuntimeOptions) => Runtime;
  readonly #made = new Map<string, Promise<Runtime>>();

  constructor(deps: {
    db: Database;
    /** The runtime of `--docker-host`: the engine `default`. */
    defaultRuntime: Runtime;
    /** The server's driver settings; each engine gets them with its own address. */
    base: DockerRuntimeOptions;
    make: (options: DockerRuntimeOptions) => Runtime;
  }) {
    this.#db = deps.db;
    this.#default = deps.defaultRuntime;
    this.#base = deps.base;
    this.#make = deps.make;
  }

  of(engineId: string): Promise<Runtime> {
    if (engineId === DEFAULT_ENGINE) return Promise.resolve(this.#default);
    let made = this.#made.get(engineId);
    if (!made) {
      made = this.#load(engineId);
      this.#made.set(engineId, made);
      // An unknown id is not remembered: it may be registered by another replica a moment later.
      made.catch(() => this.#made.delete(engineId));
    }
    return made;
  }

  /** A driver for `row`, not kept (an engine being added); throws when its settings cannot work. */
  connect(row: EngineRow): Runtime {
    return this.#make(engineDriverOptions(this.#base, row));
  }

  /** Drops a removed engine's driver. */
  forget(engineId: string): void {
    this.#made.delete(engineId);
  }

  async #load(engineId: string): Promise<Runtime> {
    const row = await findEngineById(this.#db, engineId);
    if (!row) throw new RuntimeError('engine_unreachable', `engine ${engineId} is not registered`);
    try {
      return this.connect(row);
    } catch (error) {
      throw new RuntimeError('engine_unreachable', `engine ${row.name}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
