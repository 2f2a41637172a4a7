// Tests src/workspaces/build-view-cache.ts: a kept build view is the view of the row as it is now
// (a changed column gives a fresh one), its number of views is bounded, and a queued build (whose
// view needs the queue) is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BuildViewRow } from '../../../src/store/repositories/builds.repository.js';
import { BuildViewCache } from '../../../src/workspaces/build-view-cache.js';
import { buildView } from '../../../src/workspaces/views.js';
import { buildViewRow } from '../../support/build-view-row.js';

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
