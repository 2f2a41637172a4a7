// Tests src/workspaces/view-cache.ts: a kept view is the view of its row as it is now (a changed
// column gives a fresh one), the number of views is bounded, a queued build (whose view needs the
// queue) is refused, and a workspace's view is kept only while its row, its build's view and its
// disk usage are the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildViewRow } from '../../../src/store/repositories/builds.repository.js';
import { BuildViewCache, WorkspaceViewCache } from '../../../src/workspaces/view-cache.js';
import { buildView, workspaceView } from '../../../src/workspaces/views.js';
import { buildViewRow } from '../../support/build-view-row.js';
import { workspaceViewRecord } from '../../support/workspace-view-record.js';

const row = (id: string, change: Partial<BuildViewRow> = {}) => buildViewRow({ id, ...change });

describe('BuildViewCache', () => {
  it('reuses the view of an unchanged row, read again', () => {
    const cache = new BuildViewCache();
    const first = cache.viewOf(row('b1'));
    assert.deepEqual(first, buildView(row('b1'), null));
    assert.equal(cache.viewOf(row('b1')), first);
  });

  it('views a build afresh when any column has changed', () => {
    const cache = new BuildViewCache();
    const before = cache.viewOf(row('b1', { status: 'running', finished_at: null }));
    const stages = JSON.stringify([{ name: 'pull', status: 'failed', durationMs: 3, error: 'no image' }]);
    const after = cache.viewOf(row('b1', { status: 'failed', stages, error: 'no image' }));
    assert.notEqual(after, before);
    assert.deepEqual(after, buildView(row('b1', { status: 'failed', stages, error: 'no image' }), null));
    assert.equal(cache.size, 1);
  });

  it('keeps at most its capacity, dropping the oldest kept', () => {
    const cache = new BuildViewCache(2);
    const b1 = cache.viewOf(row('b1'));
    cache.viewOf(row('b2'));
    cache.viewOf(row('b3'));
    assert.equal(cache.size, 2);
    assert.notEqual(cache.viewOf(row('b1')), b1, 'b1 was dropped, so it is viewed afresh');
  });

  it('refuses a queued build: its view needs its queue position', () => {
    assert.throws(() => new BuildViewCache().viewOf(row('b1', { status: 'queued' })), /queued/);
  });
});

describe('WorkspaceViewCache', () => {
  const disk = { bytes: 4096, measuredAt: '2026-12-01T10:00:00.000Z', unknownReason: null };
  const build = buildView(buildViewRow(), null);

  it('reuses the view of an unchanged workspace, read again, with the same build view and disk usage', () => {
    const cache = new WorkspaceViewCache();
    const first = cache.viewOf(workspaceViewRecord(), build, { ...disk });
    assert.deepEqual(first, workspaceView(workspaceViewRecord(), build, disk));
    assert.equal(cache.viewOf(workspaceViewRecord(), build, { ...disk }), first);
  });

  it('views a workspace afresh when any field of its row has changed, joined names included', () => {
    const cache = new WorkspaceViewCache();
    const first = cache.viewOf(workspaceViewRecord(), build, disk);
    for (const change of [
      { state: 'running' },
      { last_activity_at: '2026-12-01T11:00:00.000Z' },
      { catalogue_digest: 'sha256:b' },
      { org_auto_off_ms: 60_000 },
      { engine: 'second' },
    ] as const) {
      const changed = workspaceViewRecord(change);
      const view = cache.viewOf(changed, build, disk);
      assert.notEqual(view, first, `a change of ${Object.keys(change)[0]} gives a fresh view`);
      assert.deepEqual(view, workspaceView(changed, build, disk));
      cache.viewOf(workspaceViewRecord(), build, disk);
    }
    assert.equal(cache.size, 1);
  });

  it('views a workspace afresh when its build view is another object or its disk usage differs', () => {
    const cache = new WorkspaceViewCache();
    const first = cache.viewOf(workspaceViewRecord(), build, disk);
    const newer = buildView(buildViewRow({ status: 'failed', error: 'boom' }), null);
    const withNewer = cache.viewOf(workspaceViewRecord(), newer, disk);
    assert.notEqual(withNewer, first);
    assert.equal(withNewer.lastBuild?.status, 'failed');
    const unknown = {
      bytes: null,
      measuredAt: null,
      unknownReason: 'the engine could not report disk usage',
    };
    const withUnknown = cache.viewOf(workspaceViewRecord(), newer, unknown);
    assert.notEqual(withUnknown, withNewer);
    assert.equal(withUnknown.disk.usedUnknownReason, unknown.unknownReason);
  });

  it('keeps at most its capacity, dropping the oldest kept', () => {
    const cache = new WorkspaceViewCache(2);
    const w1 = cache.viewOf(workspaceViewRecord({ id: 'w1' }), null, disk);
    cache.viewOf(workspaceViewRecord({ id: 'w2' }), null, disk);
    cache.viewOf(workspaceViewRecord({ id: 'w3' }), null, disk);
    assert.equal(cache.size, 2);
    assert.notEqual(cache.viewOf(workspaceViewRecord({ id: 'w1' }), null, disk), w1);
  });
});
