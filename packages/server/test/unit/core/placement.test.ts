import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type EngineCandidate,
  freeOf,
  machineProblem,
  placeWorkspace,
  type Resources,
} from '../../../src/core/placement.js';

const GiB = 2 ** 30;
const NONE: Resources = { cpuMillis: 0, memoryBytes: 0, gpus: 0 };
const SMALL: Resources = { cpuMillis: 1000, memoryBytes: GiB, gpus: 0 };

const engine = (
  name: string,
  capacity: Resources | undefined,
  allocated: Resources = NONE,
  extra: Partial<EngineCandidate> = {},
) => ({
  id: `id-${name}`,
  name,
  drained: false,
  capacity,
  allocated,
  ...extra,
});

describe('placeWorkspace', () => {
  it('given two engines, when one has more free room, then the workspace goes there', () => {
    const placed = placeWorkspace(
      [
        engine(
          'a',
          { cpuMillis: 8000, memoryBytes: 16 * GiB, gpus: 0 },
          { cpuMillis: 6000, memoryBytes: 12 * GiB, gpus: 0 },
        ),
        engine(
          'b',
          { cpuMillis: 8000, memoryBytes: 16 * GiB, gpus: 0 },
          { cpuMillis: 2000, memoryBytes: 4 * GiB, gpus: 0 },
        ),
      ],
      SMALL,
    );
    assert.deepEqual(placed, { ok: true, engineId: 'id-b', engineName: 'b' });
  });

  it('given engines of different sizes, when compared, then the share left free decides, the scarcest resource counting', () => {
    // big has more CPU free in absolute terms but its memory is nearly full.
    const big = engine(
      'big',
      { cpuMillis: 32000, memoryBytes: 64 * GiB, gpus: 0 },
      { cpuMillis: 4000, memoryBytes: 60 * GiB, gpus: 0 },
    );
    const small = engine('small', { cpuMillis: 4000, memoryBytes: 8 * GiB, gpus: 0 });
    assert.equal((placeWorkspace([big, small], SMALL) as { engineName: string }).engineName, 'small');
  });

  it('given equally free engines, when placed, then the first by name wins (a stable choice)', () => {
    const cap = { cpuMillis: 4000, memoryBytes: 8 * GiB, gpus: 0 };
    assert.equal(
      (placeWorkspace([engine('z', cap), engine('m', cap)], SMALL) as { engineName: string }).engineName,
      'm',
    );
  });

  it('given a drained and an unreachable engine with room, when placed, then neither is chosen', () => {
    const cap = { cpuMillis: 64000, memoryBytes: 256 * GiB, gpus: 0 };
    const placed = placeWorkspace(
      [
        engine('drained', cap, NONE, { drained: true }),
        engine('away', cap, NONE, { unreachable: 'connect ENOENT /run/x.sock' }),
        engine(
          'busy',
          { cpuMillis: 2000, memoryBytes: 4 * GiB, gpus: 0 },
          { cpuMillis: 1000, memoryBytes: 3 * GiB, gpus: 0 },
        ),
      ],
      SMALL,
    );
    assert.deepEqual(placed, { ok: true, engineId: 'id-busy', engineName: 'busy' });
  });

  it('given a GPU request, when only one engine has a free GPU, then it goes there', () => {
    const placed = placeWorkspace(
      [
        engine('cpu-only', { cpuMillis: 64000, memoryBytes: 256 * GiB, gpus: 0 }),
        engine(
          'gpu',
          { cpuMillis: 8000, memoryBytes: 32 * GiB, gpus: 2 },
          { cpuMillis: 0, memoryBytes: 0, gpus: 1 },
        ),
      ],
      { ...SMALL, gpus: 1 },
    );
    assert.deepEqual(placed, { ok: true, engineId: 'id-gpu', engineName: 'gpu' });
  });

  it('given an engine with no declared capacity (the default one), when placed, then anything fits there', () => {
    assert.deepEqual(
      placeWorkspace([engine('default', undefined)], { cpuMillis: 64000, memoryBytes: 512 * GiB, gpus: 4 }),
      {
        ok: true,
        engineId: 'id-default',
        engineName: 'default',
      },
    );
    assert.equal(freeOf(engine('default', undefined, SMALL)).memoryBytes, Number.POSITIVE_INFINITY);
  });

  it('given no engine with room, when placed, then the error names every engine and what it has free', () => {
    const placed = placeWorkspace(
      [
        engine(
          'a',
          { cpuMillis: 4000, memoryBytes: 8 * GiB, gpus: 0 },
          { cpuMillis: 3500, memoryBytes: 2 * GiB, gpus: 0 },
        ),
        engine('b', { cpuMillis: 4000, memoryBytes: 8 * GiB, gpus: 0 }, NONE, { drained: true }),
        engine('c', { cpuMillis: 4000, memoryBytes: 8 * GiB, gpus: 0 }, NONE, {
          unreachable: 'connect ECONNREFUSED',
        }),
      ],
      SMALL,
    );
    assert.equal(placed.ok, false);
    const message = (placed as { message: string }).message;
    assert.match(message, /no engine has room for cpu 1, memory 1 ?GiB/);
    assert.match(message, /a has cpu 0\.5, memory 6 ?GiB, 0 GPU\(s\) free/);
    assert.match(message, /b is drained/);
    assert.match(message, /c is unreachable \(connect ECONNREFUSED\)/);
  });

  it('given engines whose machines have 2 and 8 CPUs, when 4 CPUs are asked for, then only the larger one is a candidate', () => {
    const four: Resources = { cpuMillis: 4000, memoryBytes: GiB, gpus: 0 };
    const placed = placeWorkspace(
      [
        engine('a-small', undefined, NONE, { machineCpuMillis: 2000 }),
        engine('b-large', { cpuMillis: 8000, memoryBytes: 16 * GiB, gpus: 0 }, NONE, {
          machineCpuMillis: 8000,
        }),
      ],
      four,
    );
    // a-small has no declared capacity and ranks first by headroom: only its machine rules it out.
    assert.deepEqual(placed, { ok: true, engineId: 'id-b-large', engineName: 'b-large' });
  });

  it('given a pool whose every machine is smaller than the request, when placed, then the error names the CPUs each has and the most one can ask for', () => {
    const placed = placeWorkspace(
      [
        engine('default', undefined, NONE, { machineCpuMillis: 2000 }),
        engine('other', undefined, NONE, { machineCpuMillis: 1500 }),
        engine('off', undefined, NONE, { drained: true }),
      ],
      { cpuMillis: 4000, memoryBytes: GiB, gpus: 0 },
    );
    assert.equal(placed.ok, false);
    assert.equal(
      (placed as { message: string }).message,
      "cpu 4 is more than any engine's machine has: default's machine has 2 CPUs; other's machine has 1.5 CPUs. Ask for at most 2",
    );
  });

  it('given a machine of unknown size, when placed, then it is not ruled out (the build finds out)', () => {
    const placed = placeWorkspace([engine('default', undefined)], {
      cpuMillis: 64_000,
      memoryBytes: GiB,
      gpus: 0,
    });
    assert.equal(placed.ok, true);
  });

  it('given a workspace asking for more CPUs than its engine’s machine, when judged, then the message says what the machine has', () => {
    const request = { cpuMillis: 4000, memoryBytes: GiB, gpus: 0 };
    assert.equal(
      machineProblem({ name: 'default', machineCpuMillis: 2000 }, request),
      "cpu 4 is more than engine default, where this workspace's home volume lives, can give one container: its machine has 2 CPUs. Ask for at most 2",
    );
    assert.equal(machineProblem({ name: 'default', machineCpuMillis: 4000 }, request), undefined);
    assert.equal(machineProblem({ name: 'default', machineCpuMillis: undefined }, request), undefined);
  });

  it('given an engine over-allocated (capacity lowered), when free is computed, then it is 0, not negative', () => {
    const free = freeOf(
      engine(
        'x',
        { cpuMillis: 1000, memoryBytes: GiB, gpus: 1 },
        { cpuMillis: 3000, memoryBytes: 2 * GiB, gpus: 2 },
      ),
    );
    assert.deepEqual(free, { cpuMillis: 0, memoryBytes: 0, gpus: 0 });
  });
});
