/**
 * The queries that moved out of the services into store/repositories/, and `inTransaction`, on a
 * real (in-memory) SQLite store with the real migrations: what each answers, in which order.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type Database, openSqlite } from '../../../src/store/database.js';
import * as campaigns from '../../../src/store/repositories/campaigns.repository.js';
import type { Executor } from '../../../src/store/repositories/executor.js';
import { insertImage, listCatalogues } from '../../../src/store/repositories/images.repository.js';
import { findAutoOffFacts } from '../../../src/store/repositories/lifecycle.repository.js';
import {
  deleteMember,
  getOrgById,
  insertOrg,
  upsertMember,
} from '../../../src/store/repositories/orgs.repository.js';
import { deleteSecret, upsertSecret } from '../../../src/store/repositories/secrets.repository.js';
import { insertToken, revokeToken } from '../../../src/store/repositories/tokens.repository.js';
import { insertUser } from '../../../src/store/repositories/users.repository.js';
import {
  countOutdatedWorkspaces,
  findWorkspaceById,
  findWorkspaceState,
  insertWorkspace,
  updateWorkspaceInState,
} from '../../../src/store/repositories/workspaces.repository.js';
import { inTransaction } from '../../../src/store/transaction.js';

const NOW = '2026-12-01T00:00:00.000Z';
const GIB = 2 ** 30;

async function addOrg(db: Executor, id: string) {
  await insertOrg(db, {
    id,
    name: `org-${id}`,
    created_at: NOW,
    max_cpu_millis: 8000,
    max_memory_bytes: 8 * GIB,
    max_disk_bytes: 8 * GIB,
    max_gpus: 0,
    member_cpu_quota_millis: 8000,
    member_memory_quota_bytes: 8 * GIB,
  });
}

async function addUser(db: Database, id: string, username: string) {
  await insertUser(db, {
    id,
    username,
    email: `${username}@example.com`,
    password_hash: 'x',
    site_admin: 0,
    suspended_at: null,
    created_at: NOW,
  });
}

async function addImage(db: Database, orgId: string, ref: string, digest: string) {
  await insertImage(db, {
    id: `${orgId}-${ref}`,
    org_id: orgId,
    ref,
    description: '',
    username: 'dev',
    uid: 1000,
    gid: 1000,
    digest,
    default_cpu_millis: 1000,
    default_memory_bytes: GIB,
    default_disk_bytes: GIB,
    default_gpus: 0,
    created_at: NOW,
    configure_timeout_seconds: null,
    personalize_timeout_seconds: null,
  });
}

async function addWorkspace(
  db: Database,
  ws: { id: string; owner: string; name: string; state: string; ref: string; digest: string | null },
) {
  await insertWorkspace(db, {
    id: ws.id,
    org_id: 'o1',
    owner_id: ws.owner,
    name: ws.name,
    image_ref: ws.ref,
    image_digest: ws.digest,
    username: 'dev',
    cpu_millis: 1000,
    memory_bytes: GIB,
    disk_bytes: GIB,
    gpus: 0,
    state: ws.state,
    state_reason: 'created',
    state_message: '',
    state_actor: 'test',
    state_changed_at: NOW,
    container_id: null,
    volume_name: `hearth-home-${ws.id}`,
    home_ready: 0,
    created_at: NOW,
    updated_at: NOW,
    last_activity_at: null,
    auto_off_at: null,
    auto_off_warned_for: null,
    auto_off_override_ms: null,
    autostart_fired_for: null,
    apps: null,
  });
}

/** org o1 with images a:1 (digest sha-a2 now) and b:1; users zoe and adam; five workspaces. */
async function seed(db: Database) {
  await addOrg(db, 'o1');
  await addOrg(db, 'o2');
  await addUser(db, 'u-zoe', 'zoe');
  await addUser(db, 'u-adam', 'adam');
  await addImage(db, 'o1', 'a:1', 'sha-a2');
  await addImage(db, 'o1', 'b:1', 'sha-b1');
  await addImage(db, 'o2', 'a:1', 'sha-a1');
  await addWorkspace(db, {
    id: 'w1',
    owner: 'u-zoe',
    name: 'web',
    state: 'running',
    ref: 'a:1',
    digest: 'sha-a1',
  });
  await addWorkspace(db, {
    id: 'w2',
    owner: 'u-adam',
    name: 'zz',
    state: 'running',
    ref: 'a:1',
    digest: 'sha-a2',
  });
  await addWorkspace(db, {
    id: 'w3',
    owner: 'u-adam',
    name: 'api',
    state: 'stopped',
    ref: 'a:1',
    digest: 'sha-a1',
  });
  await addWorkspace(db, {
    id: 'w4',
    owner: 'u-zoe',
    name: 'db',
    state: 'running',
    ref: 'b:1',
    digest: null,
  });
  await addWorkspace(db, {
    id: 'w5',
    owner: 'u-zoe',
    name: 'old',
    state: 'failed',
    ref: 'gone:1',
    digest: 'x',
  });
}

let db: Database;
beforeEach(async () => {
  db = await openSqlite(':memory:');
  await seed(db);
});
afterEach(() => db.destroy());

describe('inTransaction', () => {
  it('given a function that resolves, then its writes are committed and its value answered', async () => {
    const value = await inTransaction(db, async (tx) => {
      await addOrg(tx, 'o3');
      return 42;
    });
    assert.equal(value, 42);
    assert.equal((await getOrgById(db, 'o3')).name, 'org-o3');
  });

  it('given a function that throws after writing, then nothing is written and its error is rethrown', async () => {
    const boom = new Error('boom');
    await assert.rejects(
      inTransaction(db, async (tx) => {
        await addOrg(tx, 'o3');
        await updateWorkspaceInState(tx, 'w1', 'running', { state: 'stopping' });
        throw boom;
      }),
      (e) => e === boom,
    );
    await assert.rejects(getOrgById(db, 'o3'));
    assert.equal(await findWorkspaceState(db, 'w1'), 'running');
  });
});

describe('workspace state compare-and-set', () => {
  it('given the expected state, then the patch is written and it answers true', async () => {
    assert.equal(
      await updateWorkspaceInState(db, 'w1', 'running', { state: 'stopping', state_actor: 'me' }),
      true,
    );
    const ws = await findWorkspaceById(db, 'w1');
    assert.equal(ws?.state, 'stopping');
    assert.equal(ws?.state_actor, 'me');
  });

  it('given another state, then nothing is written and it answers false', async () => {
    assert.equal(await updateWorkspaceInState(db, 'w1', 'stopped', { state: 'building' }), false);
    assert.equal(await findWorkspaceState(db, 'w1'), 'running');
  });

  it('given a workspace that is gone, then its state is undefined', async () => {
    assert.equal(await findWorkspaceState(db, 'nope'), undefined);
  });
});

describe('outdated workspaces', () => {
  it('given a digest, then it counts the org workspaces of that ref built from another digest', async () => {
    assert.equal(await countOutdatedWorkspaces(db, 'o1', 'a:1', 'sha-a2'), 2);
    assert.equal(await countOutdatedWorkspaces(db, 'o1', 'a:1', 'sha-a1'), 1);
    assert.equal(await countOutdatedWorkspaces(db, 'o1', 'b:1', 'sha-b1'), 0, 'never built is not outdated');
    assert.equal(await countOutdatedWorkspaces(db, 'o2', 'a:1', 'sha-a2'), 0);
  });

  it('given every catalogue, then each image comes with its org name', async () => {
    const rows = await listCatalogues(db);
    assert.deepEqual(rows.map((r) => `${r.org}:${r.ref}:${r.digest}`).sort(), [
      'org-o1:a:1:sha-a2',
      'org-o1:b:1:sha-b1',
      'org-o2:a:1:sha-a1',
    ]);
  });
});

describe('auto-off facts and org of a workspace', () => {
  it('given a workspace, then its org policy comes with its state and activity columns', async () => {
    const row = await findAutoOffFacts(db, 'w1');
    assert.equal(row?.name, 'org-o1');
    assert.equal(row?.state, 'running');
    assert.equal(row?.state_changed_at, NOW);
    assert.equal(row?.last_activity_at, null);
    assert.equal(await findAutoOffFacts(db, 'nope'), undefined);
  });

  it('given an org id that does not exist, then getOrgById throws', async () => {
    assert.equal((await getOrgById(db, 'o1')).id, 'o1');
    await assert.rejects(getOrgById(db, 'nope'), /no result/i);
  });
});

describe('campaign targets', () => {
  const names = (rows: { owner: string; name: string }[]) => rows.map((r) => `${r.owner}/${r.name}`);

  it('given running only, then the org running workspaces, ordered by owner then name', async () => {
    const rows = await campaigns.listCampaignTargets(db, { orgId: 'o1', states: ['running'] });
    assert.deepEqual(names(rows), ['adam/zz', 'zoe/db', 'zoe/web']);
  });

  it('given stopped too and one image, then only that image, in those states', async () => {
    const rows = await campaigns.listCampaignTargets(db, {
      orgId: 'o1',
      states: ['running', 'stopped', 'failed'],
      image: 'a:1',
    });
    assert.deepEqual(names(rows), ['adam/api', 'adam/zz', 'zoe/web']);
  });

  it('given outdated only, then workspaces built from another digest than the catalogue tag has', async () => {
    const rows = await campaigns.listCampaignTargets(db, {
      orgId: 'o1',
      states: ['running', 'stopped', 'failed'],
      outdatedOnly: true,
    });
    assert.deepEqual(names(rows), ['adam/api', 'zoe/web'], 'not never-built, not out of the catalogue');
  });
});

describe('campaigns', () => {
  const campaign = (id: string, createdAt: string) => ({
    id,
    org_id: 'o1',
    initiator: 'adam',
    filter: '{}',
    concurrency: 2,
    status: 'running',
    created_at: createdAt,
    finished_at: null,
  });
  const item = (campaignId: string, workspaceId: string, workspace: string) => ({
    campaign_id: campaignId,
    workspace_id: workspaceId,
    workspace,
    status: 'pending',
    build_number: null,
    error: null,
    started_at: null,
    finished_at: null,
  });

  it('given a campaign with items, then it reads back with its org, items ordered by workspace', async () => {
    await campaigns.insertCampaign(db, campaign('c1', NOW), [
      item('c1', 'w1', 'zoe/web'),
      item('c1', 'w2', 'adam/zz'),
    ]);
    assert.equal((await campaigns.getCampaignWithOrg(db, 'c1')).org, 'org-o1');
    assert.equal((await campaigns.findCampaign(db, 'c1'))?.initiator, 'adam');
    assert.equal(await campaigns.findCampaign(db, 'nope'), undefined);
    await campaigns.updateCampaignItem(db, 'c1', 'w1', { status: 'succeeded', build_number: 3 });
    const items = await campaigns.listCampaignItems(db, 'c1');
    assert.deepEqual(
      items.map((i) => [i.workspace, i.status, i.build_number]),
      [
        ['adam/zz', 'pending', null],
        ['zoe/web', 'succeeded', 3],
      ],
    );
  });

  it('given campaigns, then they list newest first; interrupting marks only the running ones', async () => {
    await campaigns.insertCampaign(db, campaign('c1', '2026-12-01T01:00:00.000Z'), []);
    await campaigns.insertCampaign(db, campaign('c2', '2026-12-01T03:00:00.000Z'), []);
    await campaigns.insertCampaign(db, campaign('c3', '2026-12-01T02:00:00.000Z'), []);
    const ids = async (orgId: string) => (await campaigns.listCampaignKeysOfOrg(db, orgId)).map((k) => k.id);
    assert.deepEqual(await ids('o1'), ['c2', 'c3', 'c1']);
    assert.deepEqual(await ids('o2'), []);
    const first = await campaigns.listCampaignKeysOfOrg(db, 'o1', { limit: 2 });
    assert.deepEqual(
      first.map((k) => k.id),
      ['c2', 'c3'],
    );
    const after = [first[1]!.created_at, first[1]!.id];
    const rest = await campaigns.listCampaignKeysOfOrg(db, 'o1', { after, limit: 2 });
    assert.deepEqual(
      rest.map((k) => k.id),
      ['c1'],
      'the page after c3 by its key',
    );
    await campaigns.finishCampaign(db, 'c1', NOW);
    assert.equal(await campaigns.interruptRunningCampaigns(db, NOW), 2);
    assert.equal(await campaigns.interruptRunningCampaigns(db, NOW), 0);
    const statuses = await Promise.all(['c1', 'c2', 'c3'].map((id) => campaigns.findCampaign(db, id)));
    assert.deepEqual(
      statuses.map((c) => c?.status),
      ['finished', 'interrupted', 'interrupted'],
    );
  });
});

describe('removals that answer whether there was something', () => {
  it('given a secret, a membership and a live token, then the first removal answers true, the second false', async () => {
    await upsertSecret(db, { user_id: 'u-zoe', name: 'S', value_sealed: 'x', as_file: 0, updated_at: NOW });
    assert.equal(await deleteSecret(db, 'u-zoe', 'S'), true);
    assert.equal(await deleteSecret(db, 'u-zoe', 'S'), false);

    await upsertMember(db, { org_id: 'o1', user_id: 'u-zoe', role: 'member', added_at: NOW });
    assert.equal(await deleteMember(db, 'o1', 'u-zoe'), true);
    assert.equal(await deleteMember(db, 'o1', 'u-zoe'), false);

    await insertToken(db, {
      id: 't1',
      user_id: 'u-zoe',
      kind: 'api',
      name: 'ci',
      token_hash: 'h',
      workspace_id: null,
      created_at: NOW,
      expires_at: '2027-01-01T00:00:00.000Z',
      revoked_at: null,
      last_used_at: null,
    });
    assert.equal(await revokeToken(db, 't1', 'u-adam', NOW), false, "not another user's token");
    assert.equal(await revokeToken(db, 't1', 'u-zoe', NOW), true);
    assert.equal(await revokeToken(db, 't1', 'u-zoe', NOW), false);
  });
});
