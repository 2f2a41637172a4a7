/**
 * Where a new workspace goes: the reachable, undrained engine with the most free capacity for its
 * request. Free = declared capacity minus what the engine's workspaces request; an engine without a
 * declared capacity (the engine `default` of a pool of one) limits nothing, but no engine runs a
 * container asking for more CPUs than its machine has. Pure: the caller says which engines
 * answered, what their machines have and what is allocated.
 */
import { formatSize } from '@hearth/sdk/sizes';
import { formatCpu } from './units.js';

export interface Resources {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly gpus: number;
}

export interface EngineCandidate {
  readonly id: string;
  readonly name: string;
  readonly drained: boolean;
  /** `undefined` when the engine answered; else why it did not. */
  readonly unreachable?: string | undefined;
  /** `undefined`: not declared, no limit. */
  readonly capacity: Resources | undefined;
  readonly allocated: Resources;
  /** The CPUs of the machine it runs containers on, in millis; `undefined` when unknown. */
  readonly machineCpuMillis?: number | undefined;
}

export type Placement =
  | { readonly ok: true; readonly engineId: string; readonly engineName: string }
  | { readonly ok: false; readonly message: string };

const RESOURCES = ['cpuMillis', 'memoryBytes', 'gpus'] as const;

const UNLIMITED: Resources = {
  cpuMillis: Number.POSITIVE_INFINITY,
  memoryBytes: Number.POSITIVE_INFINITY,
  gpus: Number.POSITIVE_INFINITY,
};

/** What is left of each resource (never below 0); Infinity when the capacity is not declared. */
export function freeOf(engine: Pick<EngineCandidate, 'capacity' | 'allocated'>): Resources {
  const { capacity, allocated } = engine;
  if (!capacity) return UNLIMITED;
  const left = (k: (typeof RESOURCES)[number]) => Math.max(0, capacity[k] - allocated[k]);
  return { cpuMillis: left('cpuMillis'), memoryBytes: left('memoryBytes'), gpus: left('gpus') };
}

const fits = (free: Resources, request: Resources) => RESOURCES.every((k) => request[k] <= free[k]);

/** Whether the engine's machine has the CPUs `request` asks for (an unknown machine is not judged). */
const machineHolds = (engine: Pick<EngineCandidate, 'machineCpuMillis'>, request: Resources) =>
  engine.machineCpuMillis === undefined || request.cpuMillis <= engine.machineCpuMillis;

/**
 * The share of the engine still free after placing `request`, the scarcest resource counting (a
 * resource the engine has none of, like GPUs on most, does not): engines of different sizes
 * compare fairly, and an engine without a declared capacity ranks first.
 */
function headroom(engine: EngineCandidate, request: Resources): number {
  const { capacity } = engine;
  if (!capacity) return 1;
  const free = freeOf(engine);
  const shares = RESOURCES.filter((k) => capacity[k] > 0).map((k) => (free[k] - request[k]) / capacity[k]);
  return Math.min(1, ...shares);
}

/** Picks the engine for `request`, or says why none fits, naming every engine and what it has free. */
export function placeWorkspace(engines: readonly EngineCandidate[], request: Resources): Placement {
  const candidates = engines.filter(
    (e) => !e.drained && !e.unreachable && machineHolds(e, request) && fits(freeOf(e), request),
  );
  if (candidates.length > 0) {
    const best = candidates.reduce((a, b) => {
      const d = headroom(b, request) - headroom(a, request);
      return d > 0 || (d === 0 && b.name < a.name) ? b : a;
    });
    return { ok: true, engineId: best.id, engineName: best.name };
  }
  if (engines.length === 0)
    return {
      ok: false,
      message: 'no container engine is registered; a site admin adds one with `hearth admin engines add`',
    };
  const open = engines.filter((e) => !e.drained && !e.unreachable);
  const machines = open.map((e) => e.machineCpuMillis);
  if (open.length > 0 && machines.every((m) => m !== undefined && request.cpuMillis > m)) {
    const most = Math.max(...(machines as number[]));
    return {
      ok: false,
      message: `cpu ${formatCpu(request.cpuMillis)} is more than any engine's machine has: ${open.map((e) => describe(e)).join('; ')}. Ask for at most ${formatCpu(most)}`,
    };
  }
  return {
    ok: false,
    message: `no engine has room for ${wantedOf(request)}: ${engines.map((e) => describe(e, request)).join('; ')}. Ask for less, or a site admin adds an engine or undrains one`,
  };
}

/**
 * Why the workspace's own engine cannot run `request` at all, whatever else it holds: its machine
 * has fewer CPUs than it asks for. `undefined` when it can, or when the machine is unknown.
 */
export function machineProblem(
  engine: Pick<EngineCandidate, 'name' | 'machineCpuMillis'>,
  request: Resources,
): string | undefined {
  if (machineHolds(engine, request)) return undefined;
  return `cpu ${formatCpu(request.cpuMillis)} is more than engine ${engine.name}, where this workspace's home volume lives, can give one container: its machine has ${formatCpu(engine.machineCpuMillis ?? 0)} CPUs. Ask for at most ${formatCpu(engine.machineCpuMillis ?? 0)}`;
}

/**
 * Whether the workspace's own engine can hold its larger `request` (a rebuild asking for more):
 * `undefined` when it can, else a message saying what the engine has free. `engine.allocated`
 * leaves the workspace itself out. Drained and unreachable engines are not asked: the workspace
 * stays on its engine whatever happens to it.
 */
export function growthProblem(engine: EngineCandidate, request: Resources): string | undefined {
  if (fits(freeOf(engine), request)) return undefined;
  return `engine ${engine.name}, where this workspace's home volume lives, cannot hold ${wantedOf(request)}: ${describeFree(engine)}. Ask for less, or a site admin raises the engine's capacity`;
}

const wantedOf = (request: Resources) =>
  `cpu ${formatCpu(request.cpuMillis)}, memory ${formatSize(request.memoryBytes)}, ${request.gpus} GPU(s)`;

function describeFree(engine: EngineCandidate): string {
  const free = freeOf(engine);
  return `${engine.name} has cpu ${formatCpu(free.cpuMillis)}, memory ${formatSize(free.memoryBytes)}, ${free.gpus} GPU(s) free`;
}

function describe(engine: EngineCandidate, request?: Resources): string {
  if (engine.drained) return `${engine.name} is drained`;
  if (engine.unreachable) return `${engine.name} is unreachable (${engine.unreachable})`;
  if (engine.machineCpuMillis !== undefined && (!request || !machineHolds(engine, request)))
    return `${engine.name}'s machine has ${formatCpu(engine.machineCpuMillis)} CPUs`;
  if (!engine.capacity) return `${engine.name} has no declared limit`;
  return describeFree(engine);
}
