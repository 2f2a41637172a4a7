import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Api } from '../../support/api.js';
import { addMember, DEMO_IMAGE, useHearth } from '../../support/hearth.js';
import { runStatementStraight, seedImages, seedWorkspaces } from '../../support/seed-workspaces.js';

interface PageAnswer {
  status: number;
  body: any;
  link: string | null;
  next: string | null;
}

describe('GET /workspaces pages: limit, cursor, Link and X-Next-Cursor, filters in the query', () => {
  const t = useHearth();
  let bob: Api;
  const aliceNames = Array.from({ length: 250 }, (_, i) => `ws-${String(i).padStart(3, '0')}`);
  const bobNames = ['b1', 'b2', 'b3', 'b4', 'b5'];
  const bobAll = [...bobNames, 'many-builds'];

  /** GET of `path` (under /api/v1, or a Link's whole path) as `api`, with the paging headers. */
  const page = async (api: Api, path: string): Promise<PageAnswer> => {
    const url = path.startsWith('/api/v1') ? `${api.url}${path}` : `${api.url}/api/v1${path}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${api.token}` } });
    return {
      status: response.status,
      body: await response.json(),
      link: response.headers.get('link'),
      next: response.headers.get('x-next-cursor'),
    };
  };

  const linkPath = (link: string | null) => /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];

  before(async () => {
    bob = await addMember(t.alice, 'bob');
    const org = (await t.alice.get('/orgs')).body.find((o: { name: string }) => o.name === 'default');
    const aliceId = (await t.alice.get('/users/me')).body.id;
    const bobId = (await bob.get('/users/me')).body.id;
    await seedWorkspaces(t.hearth.dataDir, aliceId, org.id, aliceNames);
    await seedWorkspaces(t.hearth.dataDir, bobId, org.id, bobNames);
    await seedWorkspaces(t.hearth.dataDir, bobId, org.id, ['many-builds'], 7);
  });

  it('given 250 workspaces, when paged by 100, then the pages hold 100, 100 and 50 in order, with no duplicate or gap even when one is created between pages', async () => {
    const first = await page(t.alice, '/workspaces?org=default&owner=alice&limit=100');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.length, 100);
    assert.ok(first.next, 'a next cursor');
    assert.equal(
      linkPath(first.link),
      `/api/v1/workspaces?org=default&owner=alice&limit=100&cursor=${first.next}`,
    );

    // Sorts before every page still to come: an offset would now repeat the first page's last row.
    const created = await t.alice.post('/workspaces', { name: 'a-late', image: DEMO_IMAGE });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    t.created.add(created.body.id);

    const second = await page(t.alice, linkPath(first.link)!);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.length, 100);
    const third = await page(t.alice, `/workspaces?org=default&owner=alice&limit=100&cursor=${second.next}`);
    assert.equal(third.body.length, 50);
    assert.equal(third.next, null, 'the last page has no next cursor');
    assert.equal(third.link, null, 'and no Link');

    const names = [...first.body, ...second.body, ...third.body].map((w: { name: string }) => w.name);
    assert.deepEqual(names, aliceNames, 'every workspace once, by name');
    for (const ws of second.body)
      assert.equal(ws.lastBuild?.number ?? null, null, 'seeded rows have no build');
  });

  it('given no limit, when listed, then a page holds 100; and the member-only restriction and owner filter hold before paging', async () => {
    const mine = await page(t.alice, '/workspaces');
    assert.equal(mine.body.length, 100);
    assert.ok(mine.next);

    const bobs = await page(t.alice, '/workspaces?org=default&owner=bob&limit=2');
    assert.deepEqual(
      bobs.body.map((w: { name: string }) => w.name),
      ['b1', 'b2'],
      'the owner filter comes before the page, not after it',
    );
    const rest = await page(t.alice, `/workspaces?org=default&owner=bob&limit=2&cursor=${bobs.next}`);
    const last = await page(t.alice, `/workspaces?org=default&owner=bob&limit=2&cursor=${rest.next}`);
    assert.deepEqual(
      [...rest.body, ...last.body].map((w: { name: string }) => w.name),
      ['b3', 'b4', 'b5', 'many-builds'],
    );
    assert.equal(last.next, null);

    const asMember = await page(bob, '/workspaces?org=default&limit=500');
    assert.deepEqual(
      asMember.body.map((w: { owner: string; name: string }) => `${w.owner}/${w.name}`),
      bobAll.map((n) => `bob/${n}`),
      "a member sees only their own in the org's list",
    );
    const others = await page(bob, '/workspaces?owner=alice');
    assert.deepEqual(others.body, [], "a member's own list filtered by another owner is empty");
  });

  it('given a cursor this list did not make, when listed, then it is a 400 invalid_cursor that says what to pass', async () => {
    const other = Buffer.from(JSON.stringify(['builds', 'alice', 'x', 'y'])).toString('base64url');
    const wrongShape = Buffer.from(JSON.stringify(['workspaces', 1, 2, 3])).toString('base64url');
    for (const cursor of ['nope!', 'bm90IGpzb24', other, wrongShape, 'a'.repeat(3000)]) {
      const answer = await page(t.alice, `/workspaces?cursor=${cursor}`);
      assert.equal(answer.status, 400, cursor);
      assert.equal(answer.body.code, 'invalid_cursor', cursor);
      assert.match(answer.body.message, /X-Next-Cursor/);
    }
  });

  it('given a limit out of 1..500, when listed, then it is a 400 that names the bounds; 1 and 500 are pages', async () => {
    for (const limit of ['0', '501', '-1', '1.5', 'ten']) {
      const answer = await page(t.alice, `/workspaces?limit=${limit}`);
      assert.equal(answer.status, 400, limit);
      assert.equal(answer.body.code, 'invalid_input', limit);
      assert.match(answer.body.message, /limit/, limit);
    }
    assert.match((await page(t.alice, '/workspaces?limit=501')).body.message, /1 to 500/);
    const one = await page(t.alice, '/workspaces?limit=1');
    assert.equal(one.body.length, 1);
    assert.ok(one.next);
    const most = await page(t.alice, '/workspaces?limit=500');
    assert.equal(most.status, 200);
    assert.ok(most.body.length > 250);
    assert.equal(most.next, null);
  });

  it("given a workspace's 7 builds and 3 users, when paged, then builds come newest first and users and org members by name, page by page", async () => {
    const numbers: number[] = [];
    let path: string | undefined = '/users/bob/workspaces/many-builds/builds?limit=3';
    while (path) {
      const answer = await page(bob, path);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.ok(answer.body.length <= 3);
      numbers.push(...answer.body.map((b: { number: number }) => b.number));
      path = linkPath(answer.link);
    }
    assert.deepEqual(numbers, [7, 6, 5, 4, 3, 2, 1]);
    const badBuilds = await page(bob, '/users/bob/workspaces/many-builds/builds?cursor=nope');
    assert.equal(badBuilds.body.code, 'invalid_cursor');

    await addMember(t.alice, 'carol');
    const first = await page(t.alice, '/users?limit=2');
    assert.deepEqual(
      first.body.map((u: { username: string }) => u.username),
      ['alice', 'bob'],
    );
    const second = await page(t.alice, linkPath(first.link)!);
    assert.deepEqual(
      second.body.map((u: { username: string }) => u.username),
      ['carol'],
    );
    assert.equal(second.link, null);
    const members = await page(bob, '/orgs/default/members?limit=2');
    assert.deepEqual(
      members.body.map((m: { username: string }) => m.username),
      ['alice', 'bob'],
    );
    const moreMembers = await page(bob, linkPath(members.link)!);
    assert.deepEqual(
      moreMembers.body.map((m: { username: string }) => m.username),
      ['carol'],
    );
    assert.equal(moreMembers.next, null);
    const workspaceCursor = await page(t.alice, `/users?cursor=${first.next}`);
    assert.equal(workspaceCursor.status, 200, 'a users cursor pages users');
    const wrongList = await page(
      t.alice,
      `/users?cursor=${(await page(t.alice, '/workspaces?limit=1')).next}`,
    );
    assert.equal(wrongList.body.code, 'invalid_cursor', "a workspaces cursor is not the users list's");
  });

  it("given an org's catalogue of 5 more images, when paged by 2, then every image comes once by ref, page by page through Link, and a cursor of another list is refused", async () => {
    const org = (await t.alice.get('/orgs')).body.find((o: { name: string }) => o.name === 'default');
    await seedImages(t.hearth.dataDir, org.id, [
      'paged/e:1',
      'paged/a:1',
      'paged/d:1',
      'paged/b:1',
      'paged/c:1',
    ]);
    const whole = await page(bob, '/orgs/default/images?limit=500');
    assert.equal(whole.status, 200, JSON.stringify(whole.body));
    assert.equal(whole.next, null);
    const refs = whole.body.map((i: { ref: string }) => i.ref);
    assert.deepEqual(refs, [...refs].sort(), 'by ref');
    assert.ok(refs.includes('paged/c:1'));

    const seen: string[] = [];
    let path: string | undefined = '/orgs/default/images?limit=2';
    let pages = 0;
    while (path) {
      const answer = await page(bob, path);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.ok(answer.body.length <= 2);
      seen.push(...answer.body.map((i: { ref: string }) => i.ref));
      if (answer.next)
        assert.equal(linkPath(answer.link), `/api/v1/orgs/default/images?limit=2&cursor=${answer.next}`);
      path = linkPath(answer.link);
      pages++;
    }
    assert.deepEqual(seen, refs, 'every image once, in order');
    assert.equal(pages, Math.ceil(refs.length / 2));

    const wrongList = await page(
      bob,
      `/orgs/default/images?cursor=${(await page(bob, '/workspaces?limit=1')).next}`,
    );
    assert.equal(wrongList.status, 400);
    assert.equal(wrongList.body.code, 'invalid_cursor', "a workspaces cursor is not the images list's");
    const tooMany = await page(bob, '/orgs/default/images?limit=501');
    assert.equal(tooMany.status, 400, JSON.stringify(tooMany.body));
  });

  it('given a list read often enough that its views are reused, when its org and then the workspace change, then the next page shows each change', async () => {
    const b1Of = async () =>
      (await page(bob, '/workspaces?org=default&limit=10')).body.find((w: any) => w.name === 'b1');
    // Three reads: a view is kept from its second (workspaces/view-cache.ts) and reused from its third.
    for (let i = 0; i < 3; i++) assert.equal((await b1Of()).lifecycle.autostart, false);
    const reused = await b1Of();
    const policy = (await t.alice.get('/orgs/default/policy')).body;
    const newOrgAutoOff = policy.autoOffMs === 3 * 3_600_000 ? '4h' : '3h';
    try {
      const orgChange = await t.alice.patch('/orgs/default/policy', { autoOff: newOrgAutoOff });
      assert.equal(orgChange.status, 200, JSON.stringify(orgChange.body));
      const afterOrg = await b1Of();
      assert.notEqual(
        afterOrg.lifecycle.autoOffInForce,
        reused.lifecycle.autoOffInForce,
        "the org's policy, joined into the row, is in the view",
      );

      const own = await bob.patch('/users/bob/workspaces/b1/lifecycle', { autostart: true });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.equal((await b1Of()).lifecycle.autostart, true, "the workspace's own row changed the view");
    } finally {
      await t.alice.patch('/orgs/default/policy', { autoOff: policy.autoOff });
      await bob.patch('/users/bob/workspaces/b1/lifecycle', { autostart: false });
    }
  });

  it('given a list whose views are reused, when statements of no repository change the workspace and its newest build, then the next page shows each change', async () => {
    const manyBuildsOf = async () =>
      (await page(bob, '/workspaces?org=default&owner=bob&limit=10')).body.find(
        (w: any) => w.name === 'many-builds',
      );
    for (let i = 0; i < 3; i++) assert.equal((await manyBuildsOf()).lastBuild.number, 7);
    const { id, stateReason } = await manyBuildsOf();
    const straight = (statement: string) => runStatementStraight(t.hearth.dataDir, statement);
    try {
      // The database raises each row's version (store/migrations/0014-row-versions.ts): a list
      // that trusted its kept view would show the old message and no warning.
      await straight(`update workspaces set state_message = 'changed by hand' where id = '${id}'`);
      assert.equal((await manyBuildsOf()).stateReason.message, 'changed by hand');
      await straight(
        `update builds set warnings = '["changed by hand"]' where workspace_id = '${id}' and number = 7`,
      );
      assert.deepEqual((await manyBuildsOf()).lastBuild.warnings, ['changed by hand']);
    } finally {
      await straight(`update workspaces set state_message = '${stateReason.message}' where id = '${id}'`);
      await straight(`update builds set warnings = '[]' where workspace_id = '${id}' and number = 7`);
    }
  });
});
