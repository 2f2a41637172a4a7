// Tests src/workspaces/disk-usage.ts: one engine call serves concurrent requests and a minute of
// them; an unknown usage always says why. The runtime here only counts calls (the engine's own
// behaviour is tested against the real engine in test/integration/api/disk-usage.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiskUsage } from '../../../src/workspaces/disk-usage.js';
import { ManualClock } from '../../support/clock.js';

function sizes(answers: (() => Promise<ReadonlyMap<string, number>>)[]) {
  let calls = 0;
  return {
    runtime: {
      volumeSizes: () => {
        const answer = answers[Math.min(calls, answers.length - 1)]!;
        calls++;
        return answer();
      },
    },
    calls: () => calls,
  };
}

const home = new Map([['home-a', 4096]]);

describe('DiskUsage', () => {
  it('given ten concurrent measures, asks the engine once and answers all ten', async () => {
    const clock = new ManualClock();
    const engine = sizes([async () => home]);
    const disk = new DiskUsage(engine.runtime, clock);
    const answers = await Promise.all(Array.from({ length: 10 }, () => disk.measure('home-a')));
    assert.equal(engine.calls(), 1);
    for (const a of answers)
      assert.deepEqual(a, { bytes: 4096, measuredAt: clock.now().toISOString(), unknownReason: null });
  });

  it('serves a measurement for a minute, then measures again', async () => {
    const clock = new ManualClock();
    const engine = sizes([async () => home, async () => new Map([['home-a', 8192]])]);
    const disk = new DiskUsage(engine.runtime, clock);
    await disk.measure('home-a');
    clock.advance(59_000);
    assert.equal((await disk.measure('home-a')).bytes, 4096);
    assert.equal(engine.calls(), 1);
    clock.advance(1_000);
    assert.equal((await disk.measure('home-a')).bytes, 8192);
    assert.equal(engine.calls(), 2);
  });

  it('measures again for a volume missing from a measurement older than its workspace’s last change', async () => {
    const clock = new ManualClock();
    const engine = sizes([async () => new Map(), async () => home]);
    const disk = new DiskUsage(engine.runtime, clock);
    const before = clock.now();
    assert.equal((await disk.measure('home-a', before)).bytes, null, 'no volume yet');
    assert.equal(
      (await disk.measure('home-a', before)).bytes,
      null,
      'no change since: served from the measurement',
    );
    assert.equal(engine.calls(), 1);
    clock.advance(1_000);
    assert.equal((await disk.measure('home-a', clock.now())).bytes, 4096, 'changed since: measured again');
    assert.equal(engine.calls(), 2);
  });

  it('says why a usage is unknown: not measured yet, no such volume, the engine’s error', async () => {
    const clock = new ManualClock();
    const engine = sizes([async () => home, () => Promise.reject(new Error('disk usage: engine busy'))]);
    const disk = new DiskUsage(engine.runtime, clock);
    const never = disk.known('home-a');
    assert.equal(never.bytes, null);
    assert.match(never.unknownReason!, /not measured yet: showing the workspace measures it/);
    const absent = await disk.measure('home-b');
    assert.equal(absent.bytes, null);
    assert.match(absent.unknownReason!, /the home volume did not exist when disk usage was last measured/);
    clock.advance(60_000);
    const failed = await disk.measure('home-b');
    assert.match(failed.unknownReason!, /the engine could not report disk usage \(disk usage: engine busy\)/);
    assert.equal((await disk.measure('home-a')).bytes, 4096, 'a size measured before stays known');
    assert.equal(engine.calls(), 2, 'a failure is not retried at once');
    clock.advance(5_000);
    await disk.measure('home-a');
    assert.equal(engine.calls(), 3, 'but a few seconds later');
  });
});
