/**
 * Org resource limits: a ceiling per workspace and a quota per member over their running
 * workspaces. Pure: the caller supplies what the member already runs.
 */
import { formatSize } from '@hearth/sdk/sizes';
import { formatCpu } from './units.js';

export interface ResourceAmounts {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
  readonly diskBytes: number;
  readonly gpus: number;
}

export interface OrgLimits {
  readonly maxCpuMillis: number;
  readonly maxMemoryBytes: number;
  readonly maxDiskBytes: number;
  readonly maxGpus: number;
  readonly memberCpuQuotaMillis: number;
  readonly memberMemoryQuotaBytes: number;
  /** Most processes (and threads) one workspace may run at once: a fork bomb stops there. */
  readonly pidsLimit: number;
}

export const DEFAULT_LIMITS: OrgLimits = {
  maxCpuMillis: 8000,
  maxMemoryBytes: 32 * 2 ** 30,
  maxDiskBytes: 200 * 2 ** 30,
  maxGpus: 0,
  memberCpuQuotaMillis: 16000,
  memberMemoryQuotaBytes: 64 * 2 ** 30,
  // Room for parallel builds, language servers and a browser; far below what exhausts a host.
  pidsLimit: 4096,
};

export interface LimitViolation {
  readonly limit: string;
  readonly message: string;
}

/** Where each amount is asked for, in the CLI's flags and the dashboard's field labels. */
const ASK_FOR = {
  cpu: 'hearth create --cpu, or CPU cores on the dashboard',
  memory: 'hearth create --memory, or Memory on the dashboard',
  disk: 'hearth create --disk, or Disk on the dashboard',
  gpus: 'hearth create --gpus',
} as const;

/** The amounts of a request its image chose (none was asked for), so a refusal can say whose they are. */
export interface ImageDefaulted {
  /** The image, as the catalogue names it (`hearth-demo:latest`). */
  readonly image: string;
  readonly fields: ReadonlySet<keyof typeof ASK_FOR>;
}

/**
 * Checks a request against the org's limits. `othersRunning` sums the member's *other* workspaces
 * that are running or about to be (their own current one excluded, so a rebuild is not counted twice).
 * `defaulted` names the amounts that are the image's defaults: nobody asked for them, so the refusal
 * says where they came from and how to ask for less.
 */
export function checkLimits(
  request: ResourceAmounts,
  limits: OrgLimits,
  othersRunning: Pick<ResourceAmounts, 'cpuMillis' | 'memoryBytes'>,
  defaulted?: ImageDefaulted,
): LimitViolation | undefined {
  const over = (field: keyof typeof ASK_FOR, amount: string, limit: string): string =>
    defaulted?.fields.has(field)
      ? `${amount}, the default of image ${defaulted.image}, is over the org's limit of ${limit} per workspace; ask for less (${ASK_FOR[field]})`
      : `${amount} is over the org's limit of ${limit} per workspace`;
  if (request.cpuMillis > limits.maxCpuMillis) {
    return {
      limit: 'maxCpu',
      message: over('cpu', `cpu ${formatCpu(request.cpuMillis)}`, formatCpu(limits.maxCpuMillis)),
    };
  }
  if (request.memoryBytes > limits.maxMemoryBytes) {
    return {
      limit: 'maxMemory',
      message: over('memory', `memory ${formatSize(request.memoryBytes)}`, formatSize(limits.maxMemoryBytes)),
    };
  }
  if (request.diskBytes > limits.maxDiskBytes) {
    return {
      limit: 'maxDisk',
      message: over('disk', `disk ${formatSize(request.diskBytes)}`, formatSize(limits.maxDiskBytes)),
    };
  }
  if (request.gpus > limits.maxGpus) {
    return {
      limit: 'maxGpus',
      message: over('gpus', `${request.gpus} GPU${request.gpus === 1 ? '' : 's'}`, String(limits.maxGpus)),
    };
  }
  const cpuTotal = othersRunning.cpuMillis + request.cpuMillis;
  if (cpuTotal > limits.memberCpuQuotaMillis) {
    return {
      limit: 'memberCpuQuota',
      message: `your running workspaces would use ${formatCpu(cpuTotal)} cpu, over the org's quota of ${formatCpu(limits.memberCpuQuotaMillis)} per member; stop another workspace or ask for less`,
    };
  }
  const memoryTotal = othersRunning.memoryBytes + request.memoryBytes;
  if (memoryTotal > limits.memberMemoryQuotaBytes) {
    return {
      limit: 'memberMemoryQuota',
      message: `your running workspaces would use ${formatSize(memoryTotal)} memory, over the org's quota of ${formatSize(limits.memberMemoryQuotaBytes)} per member; stop another workspace or ask for less`,
    };
  }
  return undefined;
}

/** One of a batch of requests {@link checkLimitsInOrder} checks: whose, and how much. */
export interface OwnedRequest {
  readonly ownerId: string;
  readonly request: ResourceAmounts;
}

/**
 * Checks a batch of requests of one org in order, as {@link checkLimits} would one after another:
 * each request counts what its owner runs (`running`, by owner) plus the requests admitted before
 * it. Answers, per request, its violation or undefined.
 */
export function checkLimitsInOrder(
  requests: readonly OwnedRequest[],
  limits: OrgLimits,
  running: ReadonlyMap<string, Pick<ResourceAmounts, 'cpuMillis' | 'memoryBytes'>>,
): (LimitViolation | undefined)[] {
  const used = new Map(running);
  return requests.map(({ ownerId, request }) => {
    const others = used.get(ownerId) ?? { cpuMillis: 0, memoryBytes: 0 };
    const violation = checkLimits(request, limits, others);
    if (!violation)
      used.set(ownerId, {
        cpuMillis: others.cpuMillis + request.cpuMillis,
        memoryBytes: others.memoryBytes + request.memoryBytes,
      });
    return violation;
  });
}
