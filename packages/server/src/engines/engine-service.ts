/**
 * The pool of container engines: adding, draining and removing engines (site admin), what each
 * holds (placing a new workspace is engine-placement.ts). An engine's address is fixed once
 * added; a workspace never moves, because its home volume lives on its engine.
 */
import type { AddEngineRequest, Engine, EngineResources, SetEngineCapacityRequest } from '@hearth/sdk';
import { nameProblem } from '../core/names.js';
import { type EngineCandidate, freeOf, type Resources } from '../core/placement.js';
import { parseCpu, parseMemory } from '../core/units.js';
import { HearthError, invalidInput, unwrap } from '../errors.js';
import { type Actor, requireSiteAdmin } from '../identity/actor.js';
import type { Clock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import type { Runtime } from '../runtime/runtime.js';
import { DEFAULT_ENGINE, type Runtimes, whyUnreachable } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import * as engines from '../store/repositories/engines.repository.js';
import type { EngineRow, NewEngine } from '../store/schema.js';
import { candidateOf } from './engine-placement.js';

export interface EngineDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly runtimes: Runtimes & {
    /** A driver for an engine not registered yet; throws when its settings cannot work. */
    connect(row: EngineRow): Runtime;
    /** Drops a removed engine's driver. */
    forget(engineId: string): void;
  };
  /** What `default` is: the server's `--docker-host`. */
  readonly defaultHost: string;
}

const view = (r: Resources): EngineResources => ({
  cpu: r.cpuMillis / 1000,
  memory: r.memoryBytes,
  gpus: r.gpus,
});

export class EngineService {
  readonly #d: EngineDeps;

  constructor(deps: EngineDeps) {
    this.#d = deps;
  }

  /** Every engine with its capacity, allocation, workspaces and whether it answers now (site admin). */
  async list(actor: Actor): Promise<Engine[]> {
    requireSiteAdmin(actor, 'see the container engines');
    const candidates = await this.#candidates(true);
    const rows = await engines.listEngines(this.#d.db);
    const allocations = await engines.engineAllocations(this.#d.db);
    return rows.map((row) => {
      const c = candidates.find((e) => e.id === row.id)!;
      const free = freeOf(c);
      return {
        name: row.name,
        dockerHost: row.id === DEFAULT_ENGINE ? this.#d.defaultHost : row.docker_host,
        tlsVerify: row.tls_verify === 1,
        capacity: c.capacity ? view(c.capacity) : null,
        allocated: view(c.allocated),
        free: c.capacity ? view(free) : null,
        workspaces: allocations.find((a) => a.engineId === row.id)?.workspaces ?? 0,
        drained: row.drained === 1,
        reachable: c.unreachable === undefined,
        error: c.unreachable ?? null,
        createdAt: row.created_at,
      };
    });
  }

  /** Registers an engine; it must answer now (a typo is caught here, not at the first build there). */
  async add(actor: Actor, req: AddEngineRequest): Promise<Engine> {
    requireSiteAdmin(actor, 'add container engines');
    const problem = nameProblem('engine', req.name);
    if (problem) throw invalidInput(problem, { field: 'name' });
    if (!/^(unix:\/\/\/|tcp:\/\/)./.test(req.dockerHost))
      throw invalidInput(
        `docker host "${req.dockerHost}" is not unix:///path/to/docker.sock or tcp://host:port`,
        { field: 'dockerHost' },
      );
    const row: NewEngine & EngineRow = {
      id: newId(),
      name: req.name,
      docker_host: req.dockerHost,
      tls_verify: req.tlsVerify ? 1 : 0,
      tls_ca: req.tlsCa ?? null,
      tls_cert: req.tlsCert ?? null,
      tls_key: req.tlsKey ?? null,
      cpu_millis: unwrap(parseCpu(req.cpu), 'cpu'),
      memory_bytes: unwrap(parseMemory('memory', req.memory), 'memory'),
      gpus: req.gpus ?? 0,
      drained: 0,
      created_at: this.#d.clock.now().toISOString(),
    };
    if (await engines.findEngineByName(this.#d.db, req.name))
      throw new HearthError(
        'engine_exists',
        `an engine named ${req.name} exists; see "hearth admin engines list"`,
      );
    let runtime: Runtime;
    try {
      runtime = this.#d.runtimes.connect(row);
    } catch (error) {
      throw invalidInput(`engine ${req.name}: ${(error as Error).message}`, { field: 'dockerHost' });
    }
    const why = await whyUnreachable(runtime);
    if (why)
      throw new HearthError(
        'engine_unreachable',
        `engine ${req.name} does not answer (${why}); check --docker-host and the TLS files, then add it again`,
      );
    try {
      await engines.insertEngine(this.#d.db, row);
    } catch (error) {
      if (await engines.findEngineByName(this.#d.db, req.name))
        throw new HearthError(
          'engine_exists',
          `an engine named ${req.name} exists; see "hearth admin engines list"`,
        );
      throw error;
    }
    return (await this.list(actor)).find((e) => e.name === req.name)!;
  }

  /**
   * Declares an engine's capacity; omitted parts keep their value. `default` starts without one
   * (no limit); once declared, placement counts against it like any engine's.
   */
  async setCapacity(actor: Actor, name: string, req: SetEngineCapacityRequest): Promise<Engine> {
    requireSiteAdmin(actor, 'change container engines');
    const row = await this.#require(name);
    const cpu = req.cpu === undefined ? row.cpu_millis : unwrap(parseCpu(req.cpu), 'cpu');
    const memory =
      req.memory === undefined
        ? Number(row.memory_bytes)
        : unwrap(parseMemory('memory', req.memory), 'memory');
    if (cpu === 0 || memory === 0)
      throw invalidInput(`engine ${name} has no declared capacity yet: give both --cpu and --memory`, {
        field: cpu === 0 ? 'cpu' : 'memory',
      });
    await engines.setEngineCapacity(this.#d.db, row.id, {
      cpu_millis: cpu,
      memory_bytes: memory,
      gpus: req.gpus ?? row.gpus,
    });
    return (await this.list(actor)).find((e) => e.name === name)!;
  }

  /** Stops (`drained`) or resumes placing new workspaces on an engine; those on it stay. */
  async setDrained(actor: Actor, name: string, drained: boolean): Promise<Engine> {
    requireSiteAdmin(actor, drained ? 'drain container engines' : 'undrain container engines');
    const row = await this.#require(name);
    await engines.setEngineDrained(this.#d.db, row.id, drained);
    return (await this.list(actor)).find((e) => e.name === name)!;
  }

  /** Forgets an engine without workspaces (`default` stays: it is the server's own --docker-host). */
  async remove(actor: Actor, name: string): Promise<void> {
    requireSiteAdmin(actor, 'remove container engines');
    const row = await this.#require(name);
    if (row.id === DEFAULT_ENGINE)
      throw new HearthError(
        'engine_in_use',
        'the engine default is the server’s own --docker-host and cannot be removed; drain it so no new workspace goes there',
      );
    const held =
      (await engines.engineAllocations(this.#d.db)).find((a) => a.engineId === row.id)?.workspaces ?? 0;
    if (held > 0)
      throw new HearthError(
        'engine_in_use',
        `engine ${name} still has ${held} workspace(s), whose home volumes live there: delete them first (drain it so no new one goes there)`,
        { workspaces: held },
      );
    await engines.deleteEngine(this.#d.db, row.id);
    this.#d.runtimes.forget(row.id);
  }

  /** Every engine as `list` shows it; drained ones are pinged only when `pingDrained`. */
  async #candidates(pingDrained: boolean): Promise<EngineCandidate[]> {
    const rows = await engines.listEngines(this.#d.db);
    const allocations = await engines.engineAllocations(this.#d.db);
    return Promise.all(
      rows.map(async (row) => {
        const why =
          row.drained === 1 && !pingDrained
            ? undefined
            : await this.#d.runtimes.of(row.id).then(whyUnreachable, (error: Error) => error.message);
        return candidateOf(row, allocations, why);
      }),
    );
  }

  async #require(name: string): Promise<EngineRow> {
    const row = await engines.findEngineByName(this.#d.db, name);
    if (!row)
      throw new HearthError('engine_not_found', `no engine named ${name}; see "hearth admin engines list"`);
    return row;
  }
}
