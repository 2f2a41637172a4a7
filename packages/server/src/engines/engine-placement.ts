/**
 * Placing a new workspace on an engine, and checking the room a rebuild's larger requests need on
 * its own engine, as a reservation: the decision is made inside the transaction that writes the
 * workspace's row (or its new requests), counting the workspaces the store has on each engine,
 * with the rows of the engines it counts locked until that transaction ends. Two requests thus
 * never both count the same room, on one server or across replicas. Whether the engines answer is
 * asked before that transaction (see {@link EnginePlacement.survey}): a ping must hold no lock.
 */
import {
  type EngineCandidate,
  growthProblem,
  machineProblem,
  placeWorkspace,
  type Resources,
} from '../core/placement.js';
import { HearthError } from '../errors.js';
import { type Runtimes, whyUnreachable, withinPingTimeout } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import * as engines from '../store/repositories/engines.repository.js';
import type { Executor } from '../store/repositories/executor.js';
import type { EngineRow } from '../store/schema.js';

/** Which open engines did not answer just now, and why; and the CPUs of the others' machines. */
export interface EngineSurvey {
  readonly unreachable: ReadonlyMap<string, string>;
  /** CPU millis by engine id, for the engines that said. */
  readonly machines?: ReadonlyMap<string, number>;
}

/** An engine's declared capacity; `undefined` when none is declared (no limit). */
export const capacityOf = (row: EngineRow): Resources | undefined =>
  row.cpu_millis === 0 && Number(row.memory_bytes) === 0 && row.gpus === 0
    ? undefined
    : { cpuMillis: row.cpu_millis, memoryBytes: Number(row.memory_bytes), gpus: row.gpus };

/** An engine as placement sees it, from its row, the store's allocations and whether it answered. */
export function candidateOf(
  row: EngineRow,
  allocations: readonly engines.EngineAllocation[],
  unreachable: string | undefined,
  machineCpuMillis?: number,
): EngineCandidate {
  const a = allocations.find((x) => x.engineId === row.id);
  return {
    id: row.id,
    name: row.name,
    drained: row.drained === 1,
    unreachable,
    capacity: capacityOf(row),
    allocated: a ?? { cpuMillis: 0, memoryBytes: 0, gpus: 0 },
    machineCpuMillis,
  };
}

/** An engine's name and its machine's CPUs in millis (`undefined`: unknown), from {@link EnginePlacement.machineOf}. */
export interface EngineMachineOf {
  readonly name: string;
  readonly machineCpuMillis: number | undefined;
}

/**
 * Refuses (`no_engine_capacity`) a `request` that `engine` cannot run at all, however empty: more
 * CPUs than its machine has (the engine would refuse the container only after the build has
 * removed the one running).
 */
export function refuseOverMachine(engine: EngineMachineOf, request: Resources): void {
  const problem = machineProblem(engine, request);
  if (problem) throw new HearthError('no_engine_capacity', problem);
}

export class EnginePlacement {
  readonly #db: Database;
  readonly #runtimes: Runtimes;

  constructor(deps: { db: Database; runtimes: Runtimes }) {
    this.#db = deps.db;
    this.#runtimes = deps.runtimes;
  }

  /**
   * Asks the undrained engines whether they answer, and what their machines have; call it before
   * the transaction that places.
   */
  async survey(): Promise<EngineSurvey> {
    const open = (await engines.listEngines(this.#db)).filter((r) => r.drained === 0);
    // A pool of one is not pinged: there, whether it answers decides nothing (its build says so if
    // it does not). Its machine is still asked, once: no container may ask for more CPUs than it has.
    const answers = await Promise.all(
      open.map(async (row) => {
        const why =
          open.length <= 1
            ? undefined
            : await this.#runtimes.of(row.id).then(whyUnreachable, (error: Error) => error.message);
        return [row.id, why, why === undefined ? await this.machineCpuMillis(row.id) : undefined] as const;
      }),
    );
    return {
      unreachable: new Map(answers.flatMap(([id, why]) => (why === undefined ? [] : [[id, why] as const]))),
      machines: new Map(answers.flatMap(([id, , cpu]) => (cpu === undefined ? [] : [[id, cpu] as const]))),
    };
  }

  /**
   * The CPUs, in millis, of the machine engine `engineId` runs containers on (read once per
   * engine); `undefined` when the engine does not say in time: the build then finds out.
   */
  async machineCpuMillis(engineId: string): Promise<number | undefined> {
    try {
      const runtime = await this.#runtimes.of(engineId);
      const machine = await withinPingTimeout(runtime.machine(), undefined);
      return machine && Math.round(machine.cpus * 1000);
    } catch {
      return undefined;
    }
  }

  /**
   * The workspace's engine as {@link refuseOverMachine} judges a request: its name and its
   * machine's CPUs. Asks the engine, so call it outside a transaction.
   */
  async machineOf(ws: { engine_id: string }): Promise<EngineMachineOf> {
    const row = await engines.findEngineById(this.#db, ws.engine_id);
    return { name: row?.name ?? ws.engine_id, machineCpuMillis: await this.machineCpuMillis(ws.engine_id) };
  }

  /**
   * The engine for a new workspace's request, decided inside `tx`, which must then write the
   * workspace's row with it: the engines with a declared capacity stay locked until `tx` ends.
   * Call it after the org's quota check (which locks the org's row): locks are always taken org
   * first, then engines by id, so two placements never wait for each other in a circle.
   */
  async place(tx: Executor, survey: EngineSurvey, request: Resources): Promise<string> {
    const rows = await engines.listEngines(tx);
    const limited = rows
      .filter((r) => r.drained === 0 && capacityOf(r) && !survey.unreachable.has(r.id))
      .map((r) => r.id)
      .sort();
    for (const id of limited) await engines.lockEngineRow(tx, id);
    const allocations = await engines.engineAllocations(tx);
    const placement = placeWorkspace(
      rows.map((row) =>
        candidateOf(row, allocations, survey.unreachable.get(row.id), survey.machines?.get(row.id)),
      ),
      request,
    );
    if (!placement.ok) throw new HearthError('no_engine_capacity', placement.message);
    return placement.engineId;
  }

  /**
   * Refuses (`no_engine_capacity`) a rebuild's `request` that the workspace's engine cannot hold
   * beside its other workspaces, inside `tx`, which must then store the new requests (the engine's
   * row stays locked until it ends). An engine without a declared capacity holds anything.
   */
  async checkGrowth(tx: Executor, ws: { id: string; engine_id: string }, request: Resources): Promise<void> {
    const row = await engines.findEngineById(tx, ws.engine_id);
    if (!row || !capacityOf(row)) return;
    await engines.lockEngineRow(tx, row.id);
    const problem = growthProblem(
      candidateOf(row, await engines.engineAllocations(tx, ws.id), undefined),
      request,
    );
    if (problem) throw new HearthError('no_engine_capacity', problem);
  }
}
