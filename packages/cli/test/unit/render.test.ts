import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autoOffAnswer,
  autostartOptIns,
  workspaceDetails,
  workspaceTable,
  zonedTime,
} from '../../src/render.js';
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
      'AUTO-OFF',
      'AUTO-START',
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
      '-',
      '-',
      'build #3 succeeded',
    ]);
    assert.match(workspaceTable([aWorkspace()], true).split('\n')[0] ?? '', /^NAME\s+OWNER\s+STATE/);
  });

  it('shows the time left until auto-off, marked once the warning is out', () => {
    const now = new Date('2025-01-01T12:00:00Z');
    const lifecycle = { ...aWorkspace().lifecycle, autoOffAt: '2025-01-01T13:05:00Z' };
    assert.match(workspaceTable([aWorkspace({ lifecycle })], false, now), /\sin 1h05m\s/);
    const warned = { ...lifecycle, autoOffAt: '2025-01-01T12:10:00Z', autoOffWarning: 'soon' };
    assert.match(workspaceTable([aWorkspace({ lifecycle: warned })], false, now), /! in 10m00s/);
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

  it('says which engine the workspace lives on', () => {
    assert.match(workspaceDetails(aWorkspace({ engine: 'big-1' }), now), /^Engine: +big-1$/m);
  });

  it('shows auto-off, its warning, the last activity and auto-start', () => {
    const lifecycle = {
      lastActivityAt: '2025-01-01T11:00:00Z',
      autoOffAt: '2025-01-01T13:00:00Z',
      autoOffWarning: 'workspace dev will be stopped for inactivity at 2025-01-01T13:00:00Z',
      autoOff: '2h',
      autoOffInForce: '2h',
      autoOffNote: null,
      autostart: true,
    };
    const out = workspaceDetails(aWorkspace({ lifecycle }), new Date('2025-01-01T12:50:00Z'));
    assert.match(
      out,
      /^Auto-off: +2025-01-01T13:00:00Z \(! in 10m00s, after 2h idle\) \(own auto-off 2h\)$/m,
    );
    assert.match(out, /^Warning: +workspace dev will be stopped/m);
    assert.match(out, /^Activity: +1h ago$/m);
    assert.match(out, /^Auto-start: +on/m);
    assert.match(workspaceDetails(aWorkspace(), now), /^Auto-off: +never$/m);
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

  it('says why disk usage is unknown instead of leaving it out', () => {
    const base = aWorkspace();
    const ws = aWorkspace({
      disk: { ...base.disk, usedBytes: null, usedMeasuredAt: null, usedUnknownReason: 'not measured yet' },
    });
    assert.match(
      workspaceDetails(ws, now),
      /^Disk: +usage unknown \(not measured yet\) of 20GiB \(not enforced\)/m,
    );
  });

  it('shows the queue position of a queued build', () => {
    const ws = aWorkspace({ state: 'pending', lastBuild: aBuild({ status: 'queued', queuePosition: 2 }) });
    assert.match(workspaceDetails(ws, now), /^Queue: +position 2$/m);
  });
});

describe('a workspace whose image left the catalogue', () => {
  const w = aWorkspace({ imageInCatalogue: false });

  it('list marks its image as removed from the catalogue', () => {
    assert.match(workspaceTable([w], false), /hearth\/dev:bookworm \(removed from catalogue\)/);
  });

  it('show says it cannot be rebuilt and how to bring the image back', () => {
    assert.match(workspaceDetails(w), /cannot be rebuilt or started until an org admin adds it back/);
  });
});

describe('autoOffAnswer', () => {
  const lifecycle = aWorkspace().lifecycle;

  it('says which auto-off is in force and when it stops when the own one is longer than the org allows', () => {
    const answer = autoOffAnswer('dev', {
      ...lifecycle,
      autoOff: '8h',
      autoOffInForce: '2h',
      autoOffNote: "your own auto-off (8h) is longer than org default's maximum of 2h, so 2h applies",
      autoOffAt: '2025-01-01T14:00:00.000Z',
    });
    assert.equal(
      answer,
      "dev: own auto-off 8h: your own auto-off (8h) is longer than org default's maximum of 2h, so 2h applies; it stops after 2h idle, at 2025-01-01T14:00:00.000Z unless used.",
    );
  });

  it('says never when nothing stops it', () => {
    assert.equal(
      autoOffAnswer('dev', { ...lifecycle, autoOff: null, autoOffInForce: 'never' }),
      'dev: own auto-off cleared; it is never stopped for inactivity.',
    );
  });
});

describe('autostart opt-ins', () => {
  const opted = (name: string, autostart: boolean) =>
    aWorkspace({ name, lifecycle: { ...aWorkspace().lifecycle, autostart } });

  it('list shows which workspaces are opted in', () => {
    const table = workspaceTable([opted('dev', true), opted('api', false)], false);
    assert.match(table, /^dev\s.*\son\s+build #3/m);
    assert.match(table, /^api\s.*\s-\s+build #3/m);
  });

  it('autostart show names them, or says how to opt in', () => {
    assert.equal(
      autostartOptIns([opted('dev', true), opted('api', false), opted('web', true)]),
      'Opted in: dev, web (stopped ones are rebuilt at the scheduled time)',
    );
    assert.match(autostartOptIns([opted('api', false)]), /none \(hearth autostart on NAME/);
    assert.equal(
      autostartOptIns([opted('dev', true)], false),
      'Opted in: dev, but with no schedule nothing starts (hearth autostart set 08:30 sets one)',
    );
  });

  it('shows the next auto-start in the schedule’s own time zone', () => {
    assert.equal(
      zonedTime('2026-12-07T07:30:00.000Z', 'Europe/Berlin'),
      'Mon 2026-12-07 08:30 Europe/Berlin',
    );
    assert.equal(zonedTime('2026-12-07T07:30:00.000Z', 'UTC'), 'Mon 2026-12-07 07:30 UTC');
    assert.equal(zonedTime('2026-12-07T07:30:00.000Z', 'Not/AZone'), '2026-12-07T07:30:00.000Z');
  });
});
