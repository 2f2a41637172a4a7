/**
 * Which org a request means without --org, and what the catalogue protects: campaigns for images
 * it does not have, and images workspaces still use.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO_IMAGE, settled, useHearth } from '../../support/hearth.js';

describe('org defaults and the catalogue', () => {
  const t = useHearth();

  it('creates in the only org whose catalogue has the image, and names the orgs when several do', async () => {
    const org = await t.alice.post('/orgs', { name: 'team' });
    assert.equal(org.status, 201, JSON.stringify(org.body));
    // Alice is in default (which has the demo image) and team (which has none yet).
    const one = await t.alice.post('/workspaces', { name: 'one', image: DEMO_IMAGE });
    assert.equal(one.status, 201, JSON.stringify(one.body));
    t.created.add(one.body.id);
    assert.equal(one.body.org, 'default');

    const added = await t.alice.post('/orgs/team/images', { ref: DEMO_IMAGE });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const two = await t.alice.post('/workspaces', { name: 'two', image: DEMO_IMAGE });
    assert.equal(two.status, 400);
    assert.match(two.body.message, /several of your orgs \(default, team\); choose one with --org/);
    assert.deepEqual(two.body.detail.candidates, ['default', 'team']);

    const none = await t.alice.post('/workspaces', { name: 'three', image: 'ubuntu:1' });
    assert.equal(none.status, 422);
    assert.match(none.body.message, /none of your orgs' catalogues \(default, team\)/);
    await settled(t.alice, 'me', 'one');
  });

  it('refuses a campaign for an image outside the catalogue, naming what the catalogue has', async () => {
    const answer = await t.alice.post('/orgs/default/campaigns', { image: 'ubuntu:1' });
    assert.equal(answer.status, 422, JSON.stringify(answer.body));
    assert.equal(answer.body.code, 'image_not_in_catalogue');
    assert.match(answer.body.message, new RegExp(`catalogue \\(${DEMO_IMAGE}\\)`));
    const list = await t.alice.get('/orgs/default/campaigns');
    assert.equal(list.body.length, 0, 'no campaign was recorded');
  });

  it('refuses to remove an image workspaces use unless forced; they then show it is gone', async () => {
    const image = (await t.alice.get('/orgs/default/images')).body.find(
      (i: { ref: string }) => i.ref === DEMO_IMAGE,
    );
    const refused = await t.alice.delete(`/orgs/default/images/${image.id}`);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'image_in_use');
    assert.match(refused.body.message, /used by 1 workspace of org default \(alice\/one\).*--force/);
    assert.equal((await t.alice.get('/users/me/workspaces/one')).body.imageInCatalogue, true);

    const forced = await t.alice.delete(`/orgs/default/images/${image.id}?force=true`);
    assert.equal(forced.status, 204, JSON.stringify(forced.body));
    const ws = await t.alice.get('/users/me/workspaces/one');
    assert.equal(ws.body.imageInCatalogue, false);
    const listed = await t.alice.get('/workspaces');
    assert.equal(listed.body.find((w: { name: string }) => w.name === 'one').imageInCatalogue, false);
  });

  it('deletes an org only without workspaces, naming them; never the default org', async () => {
    const ws = await t.alice.post('/workspaces', { name: 'inteam', image: DEMO_IMAGE, org: 'team' });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    t.created.add(ws.body.id);
    await settled(t.alice, 'me', 'inteam');
    const refused = await t.alice.delete('/orgs/team');
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'org_not_empty');
    assert.match(refused.body.message, /org team still has 1 workspace \(alice\/inteam\); delete them first/);
    assert.equal((await t.alice.get('/orgs/team/limits')).status, 200, 'the org is still there');

    assert.equal((await t.alice.delete('/users/me/workspaces/inteam')).status, 202);
    assert.equal((await settled(t.alice, 'me', 'inteam')).state, 'gone');
    const deleted = await t.alice.delete('/orgs/team');
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    assert.equal((await t.alice.get('/orgs/team/limits')).status, 404);
    const me = await t.alice.get('/users/me');
    assert.ok(!JSON.stringify(me.body).includes('"team"'), 'alice is no longer a member');

    const defaultOrg = await t.alice.delete('/orgs/default');
    assert.equal(defaultOrg.status, 403);
  });
});
