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
  it('keeps a view from the second time its build is asked for, and reuses it while the row is unchanged', () => {
    const cache = new BuildViewCache();
    const once = cache.viewOf(row('b1'));
    assert.deepEqual(once, buildView(row('b1'), null));
    assert.equal(cache.size, 0, 'a build asked for once is not kept');
    const kept = cache.viewOf(row('b1'));
    assert.deepEqual(kept, once);
    assert.equal(cache.size, 1);
    assert.equal(cache.viewOf(row('b1')), kept);
  });

  it('given a walk through more builds than it holds, when walked twice, then the views kept before stay kept', () => {
    const cache = new BuildViewCache(3);
    cache.viewOf(row('hot'));
    const hot = cache.viewOf(row('hot'));
    for (let round = 0; round < 2; round++) for (let i = 0; i < 10; i++) cache.viewOf(row(`b${i}`));
    assert.equal(cache.size, 1, 'builds of the walk were each asked for once within a capacity');
    assert.equal(cache.viewOf(row('hot')), hot);
  });

  it('views a build afresh when any column has changed', () => {
    const cache = new BuildViewCache();
    cache.viewOf(row('b1', { status: 'running', finished_at: null }));
    const before = cache.viewOf(row('b1', { status: 'running', finished_at: null }));
    const stages = JSON.stringify([{ name: 'pull', status: 'failed', durationMs: 3, error: 'no image' }]);
    const after = cache.viewOf(row('b1', { status: 'failed', stages, error: 'no image' }));
    assert.notEqual(after, before);
    assert.deepEqual(after, buildView(row('b1', { status: 'failed', stages, error: 'no image' }), null));
    assert.equal(cache.size, 1);
  });

  it('keeps at most its capacity, dropping the oldest kept', () => {
    const cache = new BuildViewCache(2);
    const twice = (id: string) => {
      cache.viewOf(row(id));
      return cache.viewOf(row(id));
    };
    const b1 = twice('b1');
    twice('b2');
    twice('b3');
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
    cache.viewOf(workspaceViewRecord(), build, { ...disk });
    const first = cache.viewOf(workspaceViewRecord(), build, { ...disk });
    assert.deepEqual(first, workspaceView(workspaceViewRecord(), build, disk));
    assert.equal(cache.viewOf(workspaceViewRecord(), build, { ...disk }), first);
  });

  it('views a workspace afresh when any field of its row has changed, joined names included', () => {
    const cache = new WorkspaceViewCache();
    cache.viewOf(workspaceViewRecord(), build, disk);
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
    cache.viewOf(workspaceViewRecord(), build, disk);
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
    const twice = (id: string) => {
      cache.viewOf(workspaceViewRecord({ id }), null, disk);
      return cache.viewOf(workspaceViewRecord({ id }), null, disk);
    };
    const w1 = twice('w1');
    twice('w2');
    twice('w3');
    assert.equal(cache.size, 2);
    assert.notEqual(cache.viewOf(workspaceViewRecord({ id: 'w1' }), null, disk), w1);
  });
});
