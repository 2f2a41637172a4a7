import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkLimits,
  checkLimitsInOrder,
  DEFAULT_LIMITS,
  type OrgLimits,
  type ResourceAmounts,
} from '../../../src/core/limits.js';

const GiB = 2 ** 30;
const LIMITS: OrgLimits = {
  maxCpuMillis: 4000,
  maxMemoryBytes: 8 * GiB,
  maxDiskBytes: 50 * GiB,
  maxGpus: 1,
  memberCpuQuotaMillis: 6000,
  memberMemoryQuotaBytes: 12 * GiB,
  pidsLimit: 4096,
};
const SMALL: ResourceAmounts = { cpuMillis: 1000, memoryBytes: GiB, diskBytes: GiB, gpus: 0 };
const NOTHING = { cpuMillis: 0, memoryBytes: 0 };
const AT_LIMIT: ResourceAmounts = { cpuMillis: 4000, memoryBytes: 8 * GiB, diskBytes: 50 * GiB, gpus: 1 };

describe('checkLimits', () => {
  it('given a small request and nothing else running, when checked, then there is no violation', () => {
    assert.equal(checkLimits(SMALL, LIMITS, NOTHING), undefined);
  });

  it('given a request exactly at every per-workspace limit, when checked, then it is allowed', () => {
    assert.equal(checkLimits(AT_LIMIT, LIMITS, NOTHING), undefined);
  });

  it('given cpu over the per-workspace limit, when checked, then maxCpu is violated in cores', () => {
    assert.deepEqual(checkLimits({ ...SMALL, cpuMillis: 4001 }, LIMITS, NOTHING), {
      limit: 'maxCpu',
      message: "cpu 4.001 is over the org's limit of 4 per workspace",
    });
  });

  it('given memory over the per-workspace limit, when checked, then maxMemory is violated in binary units', () => {
    assert.deepEqual(checkLimits({ ...SMALL, memoryBytes: 9 * GiB }, LIMITS, NOTHING), {
      limit: 'maxMemory',
      message: "memory 9GiB is over the org's limit of 8GiB per workspace",
    });
    assert.equal(checkLimits({ ...SMALL, memoryBytes: 8 * GiB + 1 }, LIMITS, NOTHING)?.limit, 'maxMemory');
  });

  it("given memory over the limit that the image chose, when checked, then it says it is the image's default and how to ask for less", () => {
    const defaulted = { image: 'hearth-demo:latest', fields: new Set(['memory', 'disk'] as const) };
    assert.deepEqual(checkLimits({ ...SMALL, memoryBytes: 9 * GiB }, LIMITS, NOTHING, defaulted), {
      limit: 'maxMemory',
      message:
        "memory 9GiB, the default of image hearth-demo:latest, is over the org's limit of 8GiB per workspace; ask for less (hearth create --memory, or Memory on the dashboard)",
    });
    // Asked for, not defaulted: the plain message.
    assert.equal(
      checkLimits({ ...SMALL, cpuMillis: 4001 }, LIMITS, NOTHING, defaulted)?.message,
      "cpu 4.001 is over the org's limit of 4 per workspace",
    );
  });

  it('given disk over the per-workspace limit, when checked, then maxDisk is violated', () => {
    assert.deepEqual(checkLimits({ ...SMALL, diskBytes: 51 * GiB }, LIMITS, NOTHING), {
      limit: 'maxDisk',
      message: "disk 51GiB is over the org's limit of 50GiB per workspace",
    });
  });

  it('given more GPUs than allowed, when checked, then maxGpus is violated', () => {
    assert.deepEqual(checkLimits({ ...SMALL, gpus: 2 }, LIMITS, NOTHING), {
      limit: 'maxGpus',
      message: "2 GPUs is over the org's limit of 1 per workspace",
    });
  });

  it('given the default limits, when one GPU is asked for, then it is refused (no GPUs by default)', () => {
    const one = checkLimits({ ...SMALL, gpus: 1 }, DEFAULT_LIMITS, NOTHING);
    assert.equal(one?.limit, 'maxGpus');
    assert.equal(one?.message, "1 GPU is over the org's limit of 0 per workspace");
  });

  it('given several limits exceeded, when checked, then the per-workspace cpu limit is reported first', () => {
    const request = { cpuMillis: 9000, memoryBytes: 99 * GiB, diskBytes: 999 * GiB, gpus: 9 };
    assert.equal(
      checkLimits(request, LIMITS, { cpuMillis: 99_000, memoryBytes: 999 * GiB })?.limit,
      'maxCpu',
    );
  });

  it('given other running workspaces, when the total cpu reaches the member quota exactly, then it is allowed', () => {
    assert.equal(
      checkLimits({ ...SMALL, cpuMillis: 2000 }, LIMITS, { cpuMillis: 4000, memoryBytes: 0 }),
      undefined,
    );
  });

  it('given other running workspaces, when the total cpu exceeds the member quota, then memberCpuQuota is violated', () => {
    assert.deepEqual(
      checkLimits({ ...SMALL, cpuMillis: 2500 }, LIMITS, { cpuMillis: 4000, memoryBytes: 0 }),
      {
        limit: 'memberCpuQuota',
        message:
          "your running workspaces would use 6.5 cpu, over the org's quota of 6 per member; stop another workspace or ask for less",
      },
    );
  });

  it('given other running workspaces, when the total memory reaches the member quota exactly, then it is allowed', () => {
    assert.equal(
      checkLimits({ ...SMALL, memoryBytes: 4 * GiB }, LIMITS, { cpuMillis: 0, memoryBytes: 8 * GiB }),
      undefined,
    );
  });

  it('given other running workspaces, when the total memory exceeds the member quota, then memberMemoryQuota is violated', () => {
    assert.deepEqual(
      checkLimits({ ...SMALL, memoryBytes: 4.5 * GiB }, LIMITS, { cpuMillis: 0, memoryBytes: 8 * GiB }),
      {
        limit: 'memberMemoryQuota',
        message:
          "your running workspaces would use 12.5GiB memory, over the org's quota of 12GiB per member; stop another workspace or ask for less",
      },
    );
  });

  it('given a request within its own limits, when only the quota is exceeded, then the cpu quota is reported before memory', () => {
    const violation = checkLimits(AT_LIMIT, LIMITS, { cpuMillis: 6000, memoryBytes: 12 * GiB });
    assert.equal(violation?.limit, 'memberCpuQuota');
  });

  it('given the default limits, when a request sits at every default ceiling, then it is allowed', () => {
    const request = { cpuMillis: 8000, memoryBytes: 32 * GiB, diskBytes: 200 * GiB, gpus: 0 };
    assert.equal(checkLimits(request, DEFAULT_LIMITS, { cpuMillis: 8000, memoryBytes: 32 * GiB }), undefined);
  });
});

describe('checkLimitsInOrder', () => {
  it('counts each admitted request for the ones after it, per owner, as one check after another would', () => {
    // Given a member already running half their cpu quota, and another running nothing
    const half = { cpuMillis: LIMITS.memberCpuQuotaMillis / 2, memoryBytes: 0 };
    const quarter = { ...SMALL, cpuMillis: LIMITS.memberCpuQuotaMillis / 4 };
    const requests = [
      { ownerId: 'alice', request: quarter },
      { ownerId: 'bob', request: quarter },
      { ownerId: 'alice', request: quarter },
      { ownerId: 'alice', request: quarter },
      { ownerId: 'alice', request: { ...quarter, cpuMillis: 0 } },
    ];
    const answers = checkLimitsInOrder(requests, LIMITS, new Map([['alice', half]]));
    // Then alice's first two fill her quota, her third is refused, and a refused one takes nothing
    assert.deepEqual(
      answers.map((a) => a?.limit),
      [undefined, undefined, undefined, 'memberCpuQuota', undefined],
    );
  });
});
