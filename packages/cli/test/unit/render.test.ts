import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workspaceDetails, workspaceTable } from '../../src/render.js';
import { aBuild, aStage, aWorkspace } from './fixtures.js';

describe('workspaceTable', () => {
  it('shows the columns of `hearth list`, OWNER only on request', () => {
    const [header, row] = workspaceTable([aWorkspace()], false).split('\n');
    assert.deepEqual(header?.split(/\s{2,}/), [
      'NAME',
      'STATE',
      'IMAGE',
      'CPU',
      'MEMORY',
      'DISK',
      'LAST BUILD',
      'REASON',
    ]);
    assert.deepEqual(row?.split(/\s{2,}/), [
      'dev',
      'running',
      'hearth/dev:bookworm',
      '2',
      '4GiB',
      '20GiB',
      '#3 succeeded 4.1s',
      'build #3 succeeded',
    ]);
    assert.match(workspaceTable([aWorkspace()], true).split('\n')[0] ?? '', /^NAME\s+OWNER\s+STATE/);
  });
});

describe('workspaceDetails', () => {
  const now = new Date('2025-01-01T12:00:00Z');

  it('says why the workspace is in its state, who did it and when', () => {
    const ws = aWorkspace({
      state: 'stopped',
      stateReason: { code: 'auto_off', message: 'idle for 2h', actor: 'system', at: '2025-01-01T11:00:00Z' },
    });
    assert.match(workspaceDetails(ws, now), /^Reason: +idle for 2h \(auto_off, by system, 1h ago\)$/m);
  });

  it('shows image digest, resources, disk note and the stage table', () => {
    const ws = aWorkspace({
      lastBuild: aBuild({
        stages: [aStage('pull', 'succeeded', 1200)],
        warnings: ['dotfiles: no install script'],
      }),
    });
    const out = workspaceDetails(ws, now);
    assert.match(out, /^Image: +hearth\/dev:bookworm @ 0123456789ab$/m);
    assert.match(out, /^Resources: +2 CPU, 4GiB memory, 20GiB disk, 0 GPU$/m);
    assert.match(out, /^Disk: +1GiB used of 20GiB \(not enforced\) — the engine cannot cap volume size$/m);
    assert.match(out, /^Warning: +dotfiles: no install script$/m);
    assert.match(out, /^ {2}pull +succeeded +1\.2s$/m);
  });

  it('shows the queue position of a queued build', () => {
    const ws = aWorkspace({ state: 'pending', lastBuild: aBuild({ status: 'queued', queuePosition: 2 }) });
    assert.match(workspaceDetails(ws, now), /^Queue: +position 2$/m);
  });
});
