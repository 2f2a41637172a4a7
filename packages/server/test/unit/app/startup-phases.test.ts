import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupPhases } from '../../../src/app/startup-phases.js';

describe('start-up phases', () => {
  it('time each phase from the end of the one before, the first from the process start', async () => {
    const phases = new StartupPhases();
    const modules = phases.ms.modules ?? -1;
    // Rounded to the millisecond as the phases are: compared with the clock rounded the same way.
    assert.ok(modules > 0 && modules <= Math.round(performance.now()), 'modules: since the process started');
    await sleep(30);
    phases.end('lock');
    phases.end('installation');
    assert.ok((phases.ms.lock ?? 0) >= 25, `lock ${phases.ms.lock}`);
    assert.ok(
      (phases.ms.installation ?? 99) < (phases.ms.lock ?? 0),
      `installation ${phases.ms.installation}`,
    );
    assert.deepEqual(Object.keys(phases.ms), ['modules', 'lock', 'installation']);
    assert.deepEqual(Object.keys(phases.cpuMs), ['modules', 'lock', 'installation']);
  });

  it('time phases that run at once each on its own, with no CPU time of their own', async () => {
    const phases = new StartupPhases();
    await Promise.all([phases.beside('engine', sleep(40)), phases.beside('store', sleep(5))]);
    phases.end('preflight');
    assert.ok((phases.ms.engine ?? 0) >= 35, `engine ${phases.ms.engine}`);
    assert.ok((phases.ms.store ?? 99) <= (phases.ms.engine ?? 0), `store ${phases.ms.store}`);
    assert.ok((phases.ms.preflight ?? 0) >= (phases.ms.engine ?? 0) - 1);
    assert.equal(phases.cpuMs.engine, undefined);
    assert.equal(typeof phases.cpuMs.preflight, 'number');
  });
});
