/** The workspace repositories (workspaces, images, builds, shares, lifecycle) on each dialect. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { HearthError } from '../../../src/errors.js';
import * as builds from '../../../src/store/repositories/builds.repository.js';
import * as engines from '../../../src/store/repositories/engines.repository.js';
import * as images from '../../../src/store/repositories/images.repository.js';
import * as lifecycle from '../../../src/store/repositories/lifecycle.repository.js';
import * as orgs from '../../../src/store/repositories/orgs.repository.js';
import * as shares from '../../../src/store/repositories/shares.repository.js';
import * as users from '../../../src/store/repositories/users.repository.js';
import * as workspaces from '../../../src/store/repositories/workspaces.repository.js';
import { fixtures, forEachDialect, T0, T1, T2 } from './dialects.js';

forEachDialect('workspaces and images', (store) => {
  it('given users, an org and a catalogue, when images are added, found and changed, then values round-trip', async () => {
    await users.insertUser(store.db, fixtures.user('u1', 'alice'));
    await users.insertUser(store.db, fixtures.user('u2', 'bob'));
    await orgs.insertOrg(store.db, fixtures.org('o1', 'default'));
    await orgs.upsertMember(store.db, { org_id: 'o1', user_id: 'u1', role: 'admin', added_at: T0 });
    await images.insertImage(store.db, fixtures.image('i2', 'o1', 'img:2'));
    await images.insertImage(store.db, fixtures.image('i1', 'o1', 'img:1'));
    await assert.rejects(
      images.insertImage(store.db, fixtures.image('i3', 'o1', 'img:1')),
      (e: unknown) => e instanceof HearthError && e.code === 'image_exists',
    );
    assert.deepEqual(await images.findImage(store.db, 'o1', 'img:1'), fixtures.image('i1', 'o1', 'img:1'));
    assert.strictEqual((await images.findImageById(store.db, 'o1', 'i1'))?.uid, 4_000_000_000);
    await images.updateImage(store.db, 'i1', { digest: 'sha256:new', configure_timeout_seconds: 30 });
    assert.equal((await images.findImage(store.db, 'o1', 'img:1'))?.digest, 'sha256:new');
    assert.deepEqual(
      (await images.listImages(store.db, 'o1')).map((i) => i.ref),
      ['img:1', 'img:2'],
    );
    await images.deleteImage(store.db, 'i2');
    assert.equal(await images.findImageById(store.db, 'o1', 'i2'), undefined);
  });

  it('given workspaces, when found and listed, then each carries its names, catalogue digest and org policy', async () => {
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w1', 'o1', 'u2', 'zeta'));
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w2', 'o1', 'u1', 'beta', 'stopped'));
    await workspaces.insertWorkspace(store.db, {
      ...fixtures.workspace('w3', 'o1', 'u1', 'alpha', 'pending'),
      image_ref: 'gone:1',
    });
    await assert.rejects(
      workspaces.insertWorkspace(store.db, fixtures.workspace('w4', 'o1', 'u1', 'beta')),
      (e: unknown) => e instanceof HearthError && e.code === 'workspace_exists',
    );
    const found = await workspaces.findWorkspace(store.db, 'u1', 'beta');
    assert.deepEqual(found, {
      ...fixtures.workspace('w2', 'o1', 'u1', 'beta', 'stopped'),
      autostart: 0,
      row_version: 0,
      owner: 'alice',
      org: 'default',
      catalogue_digest: 'sha256:new',
      catalogue_image_id: 'i1',
      org_auto_off_ms: 0,
      org_auto_off_user_override: 0,
      engine_id: 'default',
      engine: 'default',
    });
    const gone = await workspaces.findWorkspaceById(store.db, 'w3');
    assert.equal(gone?.catalogue_image_id, null);
    assert.equal(gone?.catalogue_digest, null);
    const names = (rows: workspaces.WorkspaceRecord[]) => rows.map((w) => `${w.owner}/${w.name}`);
    assert.deepEqual(names(await workspaces.listWorkspaces(store.db, {})), [
      'alice/alpha',
      'alice/beta',
      'bob/zeta',
    ]);
    assert.deepEqual(names(await workspaces.listWorkspaces(store.db, { ownerId: 'u1' })), [
      'alice/alpha',
      'alice/beta',
    ]);
    assert.deepEqual(await workspaces.listWorkspaces(store.db, { orgIds: [] }), []);
    assert.equal((await workspaces.listWorkspaces(store.db, { orgIds: ['o1'] })).length, 3);
    assert.deepEqual(
      names(await workspaces.listWorkspacesInStates(store.db, ['running', 'pending'])).sort(),
      ['alice/alpha', 'bob/zeta'],
    );
    assert.deepEqual(
      await workspaces.listRunningContainerPage(store.db, 'default', { after: undefined, limit: 1 }),
      [{ id: 'w1', container_id: null }],
      "the engine's running workspaces only (w2 is stopped, w3 pending), in id order",
    );
    assert.deepEqual(
      await workspaces.listRunningContainerPage(store.db, 'default', { after: 'w1', limit: 1 }),
      [],
      'the page after w1',
    );
    assert.deepEqual(
      await workspaces.listRunningContainerPage(store.db, 'elsewhere', { after: undefined, limit: 10 }),
      [],
      "another engine's",
    );
    const many = [...Array.from({ length: 1200 }, (_, i) => `gone-${i}`), 'w2', 'w3'];
    assert.deepEqual([...(await workspaces.existingWorkspaceIds(store.db, many))].sort(), ['w2', 'w3']);
    assert.equal((await workspaces.existingWorkspaceIds(store.db, [])).size, 0);
  });

  it('given active workspaces, when their resources are summed, then the sums are numbers, beyond 32 bits too', async () => {
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w5', 'o1', 'u2', 'eta', 'building'));
    assert.deepEqual(await workspaces.sumActiveResources(store.db, 'o1', 'u2'), {
      cpuMillis: 4000,
      memoryBytes: 12 * 2 ** 30,
    });
    assert.deepEqual(await workspaces.sumActiveResources(store.db, 'o1', 'u2', 'w5'), {
      cpuMillis: 2000,
      memoryBytes: 6 * 2 ** 30,
    });
    assert.deepEqual(await workspaces.sumActiveResources(store.db, 'o1', 'nobody'), {
      cpuMillis: 0,
      memoryBytes: 0,
    });
  });

  it('given a workspace, when updated, then only the patch changes; images in use list by owner and name', async () => {
    await workspaces.updateWorkspace(store.db, 'w1', { container_id: 'c1', home_ready: 1, apps: '[]' });
    const w1 = await workspaces.findWorkspaceById(store.db, 'w1');
    assert.equal(w1?.container_id, 'c1');
    assert.strictEqual(w1?.home_ready, 1);
    assert.equal(w1?.apps, '[]');
    await workspaces.updateWorkspace(store.db, 'w5', { state: 'deleting' });
    assert.deepEqual(await workspaces.listUsingImage(store.db, 'o1', 'img:1'), [
      { owner: 'alice', name: 'beta' },
      { owner: 'bob', name: 'zeta' },
    ]);
    await workspaces.deleteWorkspaceRow(store.db, 'w5');
    assert.equal(await workspaces.findWorkspaceById(store.db, 'w5'), undefined);
  });

  it('given shares, when put and listed, then owner removes the row', async () => {
    await shares.putShare(store.db, 'w1', 'docs', 'authenticated', T0);
    await shares.putShare(store.db, 'w1', '3000', 'public', T0);
    await shares.putShare(store.db, 'w1', '3000', 'authenticated', T1);
    assert.deepEqual(await shares.findShare(store.db, 'w1', '3000'), {
      workspace_id: 'w1',
      target: '3000',
      level: 'authenticated',
      updated_at: T1,
    });
    assert.deepEqual(
      (await shares.listShares(store.db, 'w1')).map((s) => s.target),
      ['3000', 'docs'],
    );
    await shares.putShare(store.db, 'w1', 'docs', 'owner', T1);
    assert.deepEqual(
      (await shares.listShares(store.db, 'w1')).map((s) => s.target),
      ['3000'],
    );
    assert.equal(await shares.findShare(store.db, 'w1', 'docs'), undefined);
  });
});

forEachDialect('builds and the lifecycle', (store) => {
  it('given builds, when numbered, found and listed, then logs come only when asked and order is by number', async () => {
    await users.insertUser(store.db, fixtures.user('u1', 'alice'));
    await orgs.insertOrg(store.db, fixtures.org('o1', 'default'));
    await orgs.upsertMember(store.db, { org_id: 'o1', user_id: 'u1', role: 'member', added_at: T0 });
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w1', 'o1', 'u1', 'api'));
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w2', 'o1', 'u1', 'web', 'stopped'));
    assert.strictEqual(await builds.nextBuildNumber(store.db, 'w1'), 1);
    await builds.insertBuild(store.db, fixtures.build('b1', 'w1', 1, 'succeeded'));
    await builds.insertBuild(store.db, fixtures.build('b2', 'w1', 2, 'queued', T2));
    await builds.insertBuild(store.db, fixtures.build('b3', 'w2', 1, 'queued', T1));
    assert.strictEqual(await builds.nextBuildNumber(store.db, 'w1'), 3);
    await assert.rejects(builds.insertBuild(store.db, fixtures.build('b4', 'w1', 2, 'queued')));
    assert.deepEqual(await builds.findBuild(store.db, 'w1', 1), {
      ...fixtures.build('b1', 'w1', 1, 'succeeded'),
      row_version: 0,
    });
    // A log: none before the first line, then its parts in the order they were appended, after
    // what build_logs holds of it (stored before migration 0015).
    assert.equal(await builds.findBuildLog(store.db, 'b3'), '');
    await builds.appendBuildLog(store.db, 'b3', 'first line\n');
    await builds.appendBuildLog(store.db, 'b3', 'second line\n');
    assert.equal(await builds.findBuildLog(store.db, 'b3'), 'first line\nsecond line\n');
    await store.db.insertInto('build_logs').values({ build_id: 'b2', log: 'stored before\n' }).execute();
    await builds.appendBuildLog(store.db, 'b2', 'appended after\n');
    assert.equal(await builds.findBuildLog(store.db, 'b2'), 'stored before\nappended after\n');
    assert.equal(await builds.findBuildLog(store.db, 'b1'), '');
    const latest = await builds.latestBuilds(store.db, ['w1', 'w2']);
    assert.deepEqual([...latest].map(([w, b]) => [w, b.number]).sort(), [
      ['w1', 2],
      ['w2', 1],
    ]);
    assert.deepEqual(await builds.latestBuilds(store.db, []), new Map());
    assert.deepEqual(
      (await builds.listBuilds(store.db, 'w1')).map((b) => b.number),
      [2, 1],
    );
    assert.deepEqual(await builds.listQueued(store.db), [
      { id: 'b3', workspace_id: 'w2' },
      { id: 'b2', workspace_id: 'w1' },
    ]);
    await builds.updateBuild(store.db, 'b3', { status: 'running', started_at: T1, log_truncated: 1 });
    assert.deepEqual(
      (await builds.listBuildsInStatus(store.db, ['running', 'succeeded'])).map((b) => [
        b.id,
        b.log_truncated,
      ]),
      [
        ['b1', 0],
        ['b3', 1],
      ],
    );
  });

  it('given finished builds, when their durations are read, then newest first and unfinished ones left out', async () => {
    await builds.updateBuild(store.db, 'b1', { started_at: T0, finished_at: T1 });
    await builds.insertBuild(store.db, {
      ...fixtures.build('b5', 'w1', 3, 'succeeded'),
      started_at: T1,
      finished_at: T2,
    });
    await builds.insertBuild(store.db, { ...fixtures.build('b6', 'w1', 4, 'succeeded'), started_at: T1 });
    assert.deepEqual(await lifecycle.recentBuildDurations(store.db, 'w1'), [3_600_000, 3_600_000]);
    assert.deepEqual(await lifecycle.recentBuildDurations(store.db, 'w1', 1), []);
  });

  it('given workspaces with and without builds, when their stamps are listed and their rows read by id, then each has the view columns of its record, its newest build and the same stamp, filtered and paged as listWorkspaces', async () => {
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w9', 'o1', 'u1', 'zz', 'pending'));
    const stamps = await workspaces.listWorkspaceStamps(store.db, {});
    const records = await workspaces.listWorkspaces(store.db, {});
    assert.deepEqual(
      stamps.map((w) => w.id),
      records.map((w) => w.id),
    );
    const listed = new Map(
      (await workspaces.listedWorkspacesByIds(store.db, [...stamps.map((w) => w.id), 'gone'])).map((w) => [
        w.id,
        w,
      ]),
    );
    assert.deepEqual(
      [...listed.keys()].sort(),
      stamps.map((w) => w.id).sort(),
      'no row for an id that is no workspace',
    );
    for (const [i, stamp] of stamps.entries()) {
      const { lastBuild, ...columns } = listed.get(stamp.id)!;
      const record = records[i]!;
      for (const field of workspaces.WORKSPACE_STAMP_FIELDS)
        assert.deepEqual(columns[field], stamp[field], field);
      for (const [key, value] of Object.entries(columns))
        if (!key.startsWith('build_') && key !== 'org_row_version')
          assert.deepEqual(value, record[key as keyof typeof record], key);
      assert.equal('apps' in columns, false);
      const newest = (await builds.latestBuilds(store.db, [stamp.id])).get(stamp.id);
      if (!newest) assert.deepEqual([lastBuild, stamp.build_id, stamp.build_row_version], [null, null, null]);
      else {
        const expected = Object.fromEntries(builds.BUILD_VIEW_COLUMNS.map((c) => [c, newest[c]]));
        assert.deepEqual(lastBuild, expected);
        assert.deepEqual([stamp.build_id, stamp.build_row_version], [newest.id, newest.row_version]);
      }
    }
    assert.deepEqual(
      stamps.map((w) => [w.name, listed.get(w.id)!.lastBuild?.number ?? null]),
      [
        ['api', 4],
        ['web', 1],
        ['zz', null],
      ],
    );
    const page = await workspaces.listWorkspaceStamps(
      store.db,
      { orgIds: ['o1'] },
      { after: workspaces.workspaceSortKey(stamps[0]!), limit: 2 },
    );
    assert.deepEqual(
      page.map((w) => w.id),
      ['w2', 'w9'],
    );
    assert.equal(
      (await workspaces.listWorkspaceStamps(store.db, { ownerId: 'u1', ownerName: 'alice' })).length,
      3,
    );
    assert.deepEqual(await workspaces.listWorkspaceStamps(store.db, { ownerName: 'bob' }), []);
    assert.deepEqual(await workspaces.listWorkspaceStamps(store.db, { orgIds: [] }), []);
    assert.deepEqual(await workspaces.listedWorkspacesByIds(store.db, []), []);
    await workspaces.deleteWorkspaceRow(store.db, 'w9');
  });

  it('given rows of workspaces, builds and orgs, when any statement updates them, then the database raises their row version, and only theirs', async () => {
    const versions = async () => {
      const stamp = (await workspaces.listWorkspaceStamps(store.db, {})).find((w) => w.id === 'w1')!;
      const other = (await workspaces.listWorkspaceStamps(store.db, {})).find((w) => w.id === 'w2')!;
      return [stamp.row_version, stamp.org_row_version, stamp.build_row_version, other.row_version];
    };
    const [ws, org, build, other] = await versions();
    await workspaces.updateWorkspace(store.db, 'w1', { state_message: 'a new message' });
    assert.deepEqual(await versions(), [ws! + 1, org, build, other]);
    // A statement of no repository, setting the version back, and one that changes nothing.
    await sql`update workspaces set last_activity_at = ${T2}, row_version = 0 where id = 'w1'`.execute(
      store.db,
    );
    await sql`update workspaces set name = name where id = 'w1'`.execute(store.db);
    assert.deepEqual(await versions(), [ws! + 3, org, build, other]);
    const newest = (await builds.latestBuilds(store.db, ['w1'])).get('w1')!;
    await builds.updateBuild(store.db, newest.id, { warnings: '["disk almost full"]' });
    await sql`update orgs set auto_off_ms = 60000 where id = 'o1'`.execute(store.db);
    assert.deepEqual(await versions(), [ws! + 3, org! + 1, build! + 1, other]);
  });

  it('given many workspaces, when the batch functions read and write them, then each answers per workspace', async () => {
    assert.deepEqual(
      await lifecycle.recentBuildDurationsOf(store.db, ['w1', 'w2']),
      new Map([['w1', [3_600_000, 3_600_000]]]),
    );
    assert.deepEqual(await lifecycle.recentBuildDurationsOf(store.db, ['w1'], 1), new Map());
    assert.deepEqual(
      await builds.nextBuildNumbers(store.db, ['w1', 'w2', 'gone']),
      new Map([
        ['w1', 5],
        ['w2', 2],
        ['gone', 1],
      ]),
    );
    assert.deepEqual(await builds.workspacesWithLiveBuilds(store.db, ['w1', 'w2']), new Set(['w1', 'w2']));
    const one = await workspaces.sumActiveResources(store.db, 'o1', 'u1');
    assert.deepEqual(
      await workspaces.sumActiveResourcesOf(store.db, 'o1', ['u1', 'u2'], []),
      new Map([['u1', one]]),
    );
    assert.deepEqual(await workspaces.sumActiveResourcesOf(store.db, 'o1', ['u1'], ['w1']), new Map());
    assert.deepEqual(
      (await workspaces.findWorkspacesByIds(store.db, ['w2', 'w1', 'gone']))
        .map((w) => [w.id, w.owner])
        .sort(),
      [
        ['w1', 'alice'],
        ['w2', 'alice'],
      ],
    );

    // A compare-and-set over two workspaces in different states writes only the one still in it
    const before = (await workspaces.findWorkspaceById(store.db, 'w1'))!;
    const rows = [
      { id: 'w1', message: 'stopped by auto-off after 2h' },
      { id: 'w2', message: 'stopped by auto-off after 3h' },
    ];
    const patch = { state: 'stopping', state_reason: 'auto_off', state_actor: 'system' };
    assert.deepEqual(
      await workspaces.updateWorkspacesInState(store.db, rows, 'running', patch),
      new Set(['w1']),
    );
    assert.deepEqual(
      await workspaces.findWorkspaceStates(store.db, ['w1', 'w2', 'gone']),
      new Map([
        ['w1', 'stopping'],
        ['w2', 'stopped'],
      ]),
    );
    assert.equal(
      (await workspaces.findWorkspaceById(store.db, 'w1'))?.state_message,
      'stopped by auto-off after 2h',
    );
    assert.equal((await workspaces.findWorkspaceById(store.db, 'w2'))?.state_reason, before.state_reason);
    assert.deepEqual(await workspaces.updateWorkspacesInState(store.db, rows, 'running', patch), new Set());
    assert.deepEqual(await workspaces.updateWorkspacesInState(store.db, [], 'running', patch), new Set());
    await workspaces.updateWorkspace(store.db, 'w1', {
      state: before.state,
      state_reason: before.state_reason,
      state_message: before.state_message,
      state_actor: before.state_actor,
    });

    await builds.insertBuilds(store.db, [
      fixtures.build('b7', 'w2', 2, 'canceled'),
      fixtures.build('b8', 'w2', 3, 'canceled'),
    ]);
    assert.deepEqual(
      (await builds.listBuilds(store.db, 'w2')).map((b) => [b.id, b.number, b.status]),
      [
        ['b8', 3, 'canceled'],
        ['b7', 2, 'canceled'],
        ['b3', 1, 'running'],
      ],
    );
    await lifecycle.updateLifecycleOf(store.db, ['w1', 'w2'], { autostart_fired_for: T1 });
    for (const id of ['w1', 'w2'])
      assert.equal((await workspaces.findWorkspaceById(store.db, id))?.autostart_fired_for, T1);
    await lifecycle.updateLifecycleOf(store.db, ['w1', 'w2'], { autostart_fired_for: null });
  });

  it('given auto-off times, when due workspaces are read, then only running ones due by then', async () => {
    await lifecycle.updateLifecycle(store.db, 'w1', {
      auto_off_at: T1,
      last_activity_at: T0,
      auto_off_override_ms: 40 * 86_400_000,
      autostart: 1,
    });
    await lifecycle.updateLifecycle(store.db, 'w2', { auto_off_at: T0, autostart: 1 });
    const first = { after: undefined, limit: 10 };
    assert.deepEqual(await lifecycle.dueForAutoOff(store.db, T0, first), []);
    assert.deepEqual(await lifecycle.dueForAutoOff(store.db, T1, first), ['w1']);
    assert.deepEqual(
      await lifecycle.dueForAutoOff(store.db, T1, { after: 'w1', limit: 10 }),
      [],
      'after the page',
    );
    assert.deepEqual(await lifecycle.runningInOrg(store.db, 'o1'), [
      { id: 'w1', last_activity_at: T0, auto_off_override_ms: 3_456_000_000 },
    ]);
  });

  it('given schedules, when put, advanced and deleted, then due ones are found', async () => {
    const schedule = {
      user_id: 'u1',
      time: '08:30',
      timezone: 'Europe/Paris',
      days: 'mon',
      next_fire_at: T1,
      updated_at: T0,
    };
    await lifecycle.putSchedule(store.db, schedule);
    await lifecycle.putSchedule(store.db, { ...schedule, days: 'mon,tue' });
    assert.deepEqual(await lifecycle.findSchedule(store.db, 'u1'), { ...schedule, days: 'mon,tue' });
    const first = { after: undefined, limit: 10 };
    assert.deepEqual(await lifecycle.dueSchedules(store.db, T0, first), []);
    await users.insertUser(store.db, fixtures.user('u9', 'zoe'));
    await lifecycle.putSchedule(store.db, { ...schedule, user_id: 'u9' });
    assert.deepEqual(
      (await lifecycle.dueSchedules(store.db, T1, first)).map((s) => s.user_id),
      ['u1', 'u9'],
    );
    assert.deepEqual(
      (await lifecycle.dueSchedules(store.db, T1, { after: undefined, limit: 1 })).map((s) => s.user_id),
      ['u1'],
      'a page of one',
    );
    assert.deepEqual(
      (await lifecycle.dueSchedules(store.db, T1, { after: 'u1', limit: 10 })).map((s) => s.user_id),
      ['u9'],
      'the page after u1',
    );
    await lifecycle.deleteSchedule(store.db, 'u9');
    await lifecycle.setNextFire(store.db, 'u1', T2);
    assert.deepEqual(await lifecycle.dueSchedules(store.db, T1, first), []);
    assert.deepEqual(
      await lifecycle.autostartWorkspacesOf(store.db, ['u1', 'u2']),
      new Map([['u1', ['w1', 'w2']]]),
    );
    await orgs.deleteMember(store.db, 'o1', 'u1');
    assert.deepEqual(
      await lifecycle.autostartWorkspacesOf(store.db, ['u1']),
      new Map(),
      'a removed member’s are not built',
    );
    assert.deepEqual(await lifecycle.autostartWorkspacesOf(store.db, []), new Map(), 'no owners, no query');
    await lifecycle.deleteSchedule(store.db, 'u1');
    assert.equal(await lifecycle.findSchedule(store.db, 'u1'), undefined);
  });

  it('given a transaction that fails, when it ends, then none of its writes remain', async () => {
    await assert.rejects(
      store.db.transaction().execute(async (tx) => {
        await builds.updateBuild(tx, 'b2', { status: 'canceled' });
        await workspaces.deleteWorkspaceRow(tx, 'w2');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await builds.findBuildById(store.db, 'b2'))?.status, 'queued');
    assert.ok(await workspaces.findWorkspaceById(store.db, 'w2'));
  });

  it('given the pool, when an engine is added and workspaces sum up, then the default engine holds every earlier workspace', async () => {
    assert.deepEqual(
      (await engines.listEngines(store.db)).map((e) => [e.id, e.name, e.docker_host, e.cpu_millis]),
      [['default', 'default', '', 0]],
      'the migration registers the server’s own engine',
    );
    await engines.insertEngine(store.db, {
      id: 'e2',
      name: 'big-1',
      docker_host: 'unix:///run/big-1.sock',
      cpu_millis: 32_000,
      memory_bytes: 128 * 2 ** 30,
      gpus: 2,
      created_at: T0,
    });
    await engines.setEngineDrained(store.db, 'e2', true);
    const big = await engines.findEngineByName(store.db, 'big-1');
    assert.deepEqual([big?.drained, big?.memory_bytes, big?.tls_verify], [1, 128 * 2 ** 30, 0]);
    await workspaces.updateWorkspace(store.db, 'w1', { engine_id: 'e2' });
    const byEngine = new Map((await engines.engineAllocations(store.db)).map((a) => [a.engineId, a]));
    assert.equal(byEngine.get('e2')?.workspaces, 1);
    assert.equal(typeof byEngine.get('e2')?.memoryBytes, 'number');
    assert.equal((await workspaces.findWorkspaceById(store.db, 'w1'))?.engine, 'big-1');
    await workspaces.updateWorkspace(store.db, 'w1', { engine_id: 'default' });
    await engines.deleteEngine(store.db, 'e2');
    assert.equal(await engines.findEngineById(store.db, 'e2'), undefined);
  });
});
