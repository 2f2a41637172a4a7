// Tests src/workspaces/view-cache.ts: a kept view is the view of its row as it is now (a changed
// column gives a fresh one), the number of views is bounded, a queued build (whose view needs the
// queue) is refused, and a workspace's view is found only while its stamp (row versions and joined
// names) and its disk usage are the same.
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
  const buildRow = buildViewRow();
  const build = buildView(buildRow, null);
  const withBuild = (fields = {}) =>
    workspaceViewRecord({ build_id: buildRow.id, build_row_version: 0, ...fields });
  const diskIs = (usage: typeof disk | typeof unknown) => () => ({ ...usage });
  const unknown = { bytes: null, measuredAt: null, unknownReason: 'the engine could not report disk usage' };

  it('finds the view kept from the second time a workspace is viewed, while its stamp and disk usage are the same', () => {
    const cache = new WorkspaceViewCache();
    const once = cache.viewOf(withBuild(), build, { ...disk });
    assert.deepEqual(once, workspaceView(withBuild(), build, disk));
    assert.equal(cache.find(withBuild(), diskIs(disk)), undefined, 'a workspace viewed once is not kept');
    const kept = cache.viewOf(withBuild(), build, { ...disk });
    assert.equal(cache.find(withBuild(), diskIs(disk)), kept);
    assert.equal(cache.viewOf(withBuild(), build, { ...disk }), kept);
    assert.equal(cache.find(withBuild({ id: 'w2' }), diskIs(disk)), undefined, 'nothing is kept for w2');
  });

  it('finds nothing when any field of the stamp differs: a row version, the newest build or a joined name', () => {
    const cache = new WorkspaceViewCache();
    cache.viewOf(withBuild(), build, disk);
    const kept = cache.viewOf(withBuild(), build, disk);
    for (const change of [
      { row_version: 1 },
      { org_row_version: 3 },
      { build_row_version: 1 },
      { build_id: 'b2' },
      { build_id: null, build_row_version: null },
      { catalogue_digest: 'sha256:b' },
      { catalogue_image_id: null },
      { engine: 'second' },
      { owner: 'bea' },
      { name: 'renamed' },
    ] as const) {
      assert.equal(
        cache.find(withBuild(change), diskIs(disk)),
        undefined,
        `a change of ${Object.keys(change)}`,
      );
      const changed = withBuild({ ...change, state: 'running' });
      const view = cache.viewOf(changed, build, disk);
      assert.notEqual(view, kept);
      assert.deepEqual(view, workspaceView(changed, build, disk));
      cache.viewOf(withBuild(), build, disk);
    }
    assert.equal(cache.size, 1);
  });

  it('finds nothing when the disk usage of the kept row differs now, and views it afresh', () => {
    const cache = new WorkspaceViewCache();
    cache.viewOf(withBuild(), build, disk);
    const kept = cache.viewOf(withBuild(), build, disk);
    let askedFor: string | undefined;
    const found = cache.find(withBuild(), (ws) => {
      askedFor = ws.volume_name;
      return { ...unknown };
    });
    assert.equal(found, undefined);
    assert.equal(askedFor, 'hearth-home-w1', 'the disk usage is asked for with the kept row');
    const fresh = cache.viewOf(withBuild(), build, unknown);
    assert.notEqual(fresh, kept);
    assert.equal(fresh.disk.usedUnknownReason, unknown.unknownReason);
  });

  it('never keeps a view with a queued build: its queue position is not in its rows', () => {
    const cache = new WorkspaceViewCache();
    const queued = buildView(buildViewRow({ status: 'queued' }), 2);
    for (let i = 0; i < 3; i++)
      assert.equal(cache.viewOf(withBuild(), queued, disk).lastBuild?.queuePosition, 2);
    assert.equal(cache.size, 0);
    assert.equal(cache.find(withBuild(), diskIs(disk)), undefined);
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
    assert.equal(cache.find(workspaceViewRecord({ id: 'w1' }), diskIs(disk)), undefined);
    assert.notEqual(cache.viewOf(workspaceViewRecord({ id: 'w1' }), null, disk), w1);
  });
});
