/**
 * Disk usage through the API against the real engine: concurrent shows of a workspace all report
 * its home volume's usage (the engine refuses a second whole-engine `df` while one runs, which
 * once left 9 of 10 concurrent shows with a silent null), and a usage not known says why.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DEMO_IMAGE, settled, useHearth } from '../../support/hearth.js';

describe('disk usage', () => {
  const t = useHearth();

  let created: any;

  before(async () => {
    created = (await t.alice.post('/workspaces', { name: 'du', image: DEMO_IMAGE })).body;
    assert.ok(created.id, JSON.stringify(created));
    t.created.add(created.id);
    assert.equal((await settled(t.alice, 'me', 'du')).state, 'running');
  });

  it('given a new workspace, says its usage is not measured yet', () => {
    assert.equal(created.disk.usedBytes, null);
    assert.equal(created.disk.usedMeasuredAt, null);
    assert.match(created.disk.usedUnknownReason, /not measured yet/);
  });

  it('given ten concurrent shows, every one reports the usage, measured once', async () => {
    const shows = await Promise.all(Array.from({ length: 10 }, () => t.alice.get('/users/me/workspaces/du')));
    for (const show of shows) {
      assert.equal(show.status, 200);
      assert.equal(typeof show.body.disk.usedBytes, 'number', JSON.stringify(show.body.disk));
      assert.equal(show.body.disk.usedUnknownReason, null);
    }
    assert.equal(new Set(shows.map((s) => s.body.disk.usedMeasuredAt)).size, 1, 'one measurement served all');
    const [listed] = (await t.alice.get('/workspaces')).body;
    assert.equal(listed.disk.usedBytes, shows[0]!.body.disk.usedBytes, 'the list shows what was measured');
  });
});
