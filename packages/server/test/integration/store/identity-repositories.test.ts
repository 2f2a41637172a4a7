/** The identity repositories (users, orgs, members, tokens, secrets, dotfiles, SSH keys, settings) on each dialect. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { HearthError } from '../../../src/errors.js';
import * as dotfiles from '../../../src/store/repositories/dotfiles.repository.js';
import * as orgs from '../../../src/store/repositories/orgs.repository.js';
import * as secrets from '../../../src/store/repositories/secrets.repository.js';
import { ensureSetting } from '../../../src/store/repositories/settings.repository.js';
import * as keys from '../../../src/store/repositories/ssh-keys.repository.js';
import * as tokens from '../../../src/store/repositories/tokens.repository.js';
import * as users from '../../../src/store/repositories/users.repository.js';
import * as workspaces from '../../../src/store/repositories/workspaces.repository.js';
import { fixtures, forEachDialect, T0, T1, T2 } from './dialects.js';

const clash = (code: string) => (error: unknown) =>
  error instanceof HearthError && error.code === code && /at the same moment/.test(error.message);

forEachDialect('users and orgs', (store) => {
  it('given users, when counted, found and listed, then numbers are numbers and names sort bytewise', async () => {
    assert.equal(await users.countUsers(store.db), 0);
    for (const [id, name] of [
      ['u2', 'bob'],
      ['u1', 'alice'],
      ['u3', 'Zed'],
      ['u4', 'al-x'],
    ] as const)
      await users.insertUser(store.db, fixtures.user(id, name));
    assert.strictEqual(await users.countUsers(store.db), 4);
    assert.deepEqual(
      (await users.listUsers(store.db)).map((u) => u.username),
      ['Zed', 'al-x', 'alice', 'bob'],
    );
    assert.deepEqual(await users.findUserByName(store.db, 'alice'), fixtures.user('u1', 'alice'));
    assert.equal(await users.findUserByName(store.db, 'ALICE'), undefined, 'names are case-sensitive');
    assert.equal((await users.findUserById(store.db, 'u2'))?.username, 'bob');
    await users.setSuspended(store.db, 'u2', T1);
    await users.setPasswordHash(store.db, 'u2', 'new');
    const bob = await users.findUserById(store.db, 'u2');
    assert.equal(bob?.suspended_at, T1);
    assert.equal(bob?.password_hash, 'new');
    await users.setSuspended(store.db, 'u2', null);
    assert.equal((await users.findUserById(store.db, 'u2'))?.suspended_at, null);
  });

  it('given a username taken, when inserted again, then it is the domain error user_exists and nothing changes', async () => {
    await assert.rejects(users.insertUser(store.db, fixtures.user('u9', 'alice')), clash('user_exists'));
    assert.equal(await users.countUsers(store.db), 4);
  });

  it('given orgs, when inserted, updated and found, then defaults apply and big numbers come back exactly', async () => {
    await orgs.insertOrg(store.db, fixtures.org('o2', 'team'));
    await orgs.insertOrg(store.db, fixtures.org('o1', 'default'));
    await assert.rejects(orgs.insertOrg(store.db, fixtures.org('o3', 'team')), clash('org_exists'));
    const team = await orgs.findOrgByName(store.db, 'team');
    assert.deepEqual(team, {
      ...fixtures.org('o2', 'team'),
      auto_off_ms: 0,
      auto_off_user_override: 0,
      autostart_days: 'mon,tue,wed,thu,fri,sat,sun',
      autostart_skip_unused_days: 4,
      pids_limit: 4096,
      max_share_level: 'authenticated',
      row_version: 0,
    });
    // 30 days in ms exceed a 32-bit integer; 4 TiB exceed it too.
    await orgs.updateOrg(store.db, 'o2', { auto_off_ms: 30 * 86_400_000, auto_off_user_override: 1 });
    const updated = await orgs.findOrgById(store.db, 'o2');
    assert.strictEqual(updated?.auto_off_ms, 2_592_000_000);
    assert.strictEqual(updated?.max_disk_bytes, 4 * 2 ** 40);
    assert.strictEqual(updated?.auto_off_user_override, 1);
    assert.strictEqual(updated?.row_version, 1, 'the database raised the row version');
    assert.deepEqual(
      (await orgs.listOrgs(store.db)).map((o) => o.name),
      ['default', 'team'],
    );
  });

  it('given members, when upserted, listed and deleted, then roles change in place and lists are ordered', async () => {
    await orgs.upsertMember(store.db, { org_id: 'o2', user_id: 'u2', role: 'member', added_at: T0 });
    await orgs.upsertMember(store.db, { org_id: 'o2', user_id: 'u1', role: 'member', added_at: T1 });
    await orgs.upsertMember(store.db, { org_id: 'o2', user_id: 'u1', role: 'admin', added_at: T2 });
    await orgs.upsertMember(store.db, { org_id: 'o1', user_id: 'u1', role: 'member', added_at: T0 });
    assert.deepEqual(await orgs.findMembership(store.db, 'o2', 'u1'), {
      org_id: 'o2',
      user_id: 'u1',
      role: 'admin',
      added_at: T1,
    });
    assert.deepEqual(await orgs.listMembers(store.db, 'o2'), [
      { username: 'alice', email: 'alice@example.com', role: 'admin', added_at: T1 },
      { username: 'bob', email: 'bob@example.com', role: 'member', added_at: T0 },
    ]);
    assert.deepEqual(await orgs.listMemberships(store.db, 'u1'), [
      { id: 'o1', name: 'default', role: 'member' },
      { id: 'o2', name: 'team', role: 'admin' },
    ]);
    assert.equal(await orgs.deleteMember(store.db, 'o1', 'u1'), true);
    assert.equal(await orgs.deleteMember(store.db, 'o1', 'u1'), false);
  });

  it('given an org with workspaces, when listed and deleted, then its members go with it', async () => {
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w1', 'o2', 'u2', 'b-ws'));
    await workspaces.insertWorkspace(store.db, fixtures.workspace('w2', 'o2', 'u1', 'a-ws'));
    assert.deepEqual(await orgs.listOrgWorkspaces(store.db, 'o2'), ['alice/a-ws', 'bob/b-ws']);
    await workspaces.deleteWorkspaceRow(store.db, 'w1');
    await workspaces.deleteWorkspaceRow(store.db, 'w2');
    await orgs.deleteOrg(store.db, 'o2');
    assert.equal(await orgs.findOrgById(store.db, 'o2'), undefined);
    assert.equal(await orgs.findMembership(store.db, 'o2', 'u1'), undefined, 'the membership cascaded');
  });
});

forEachDialect('tokens, secrets, dotfiles, SSH keys and settings', (store) => {
  const token = (id: string, kind: 'session' | 'api' | 'workspace', extra: object = {}) => ({
    id,
    user_id: 'u1',
    kind,
    name: id,
    token_hash: `hash-${id}`,
    workspace_id: null,
    created_at: T0,
    expires_at: T2,
    revoked_at: null,
    last_used_at: null,
    ...extra,
  });

  it('given tokens, when found live, touched, listed and revoked, then expiry and revocation count', async () => {
    await users.insertUser(store.db, fixtures.user('u1', 'alice'));
    await tokens.insertToken(store.db, token('t1', 'session'));
    await tokens.insertToken(store.db, token('t3', 'api', { created_at: T1 }));
    await tokens.insertToken(store.db, token('t2', 'api'));
    await tokens.insertToken(store.db, token('w1', 'workspace', { workspace_id: 'ws' }));
    await tokens.insertToken(store.db, token('w2', 'workspace', { workspace_id: 'ws' }));
    assert.equal((await tokens.findLiveToken(store.db, 'hash-t1', T1))?.id, 't1');
    assert.equal(await tokens.findLiveToken(store.db, 'hash-t1', T2), undefined, 'expired at T2');
    await tokens.touchToken(store.db, 't1', T1);
    assert.equal((await tokens.findLiveToken(store.db, 'hash-t1', T0))?.last_used_at, T1);
    assert.deepEqual(
      (await tokens.listApiTokens(store.db, 'u1')).map((t) => t.id),
      ['t2', 't3'],
    );
    assert.equal(await tokens.revokeToken(store.db, 't2', 'u1', T1), true);
    assert.equal(await tokens.revokeToken(store.db, 't2', 'u1', T1), false);
    assert.deepEqual(
      (await tokens.listApiTokens(store.db, 'u1')).map((t) => t.id),
      ['t3'],
    );
    assert.deepEqual((await tokens.revokeWorkspaceTokens(store.db, 'ws', T1)).sort(), ['w1', 'w2']);
    assert.deepEqual(await tokens.revokeWorkspaceTokens(store.db, 'ws', T1), []);
    assert.equal(await tokens.findLiveToken(store.db, 'hash-w1', T0), undefined);
  });

  it('given secrets and a git key, when upserted, listed and deleted, then the latest values win', async () => {
    await secrets.upsertSecret(store.db, {
      user_id: 'u1',
      name: 'B',
      value_sealed: 'x',
      as_file: 0,
      updated_at: T0,
    });
    await secrets.upsertSecret(store.db, {
      user_id: 'u1',
      name: 'A',
      value_sealed: 'y',
      as_file: 0,
      updated_at: T0,
    });
    await secrets.upsertSecret(store.db, {
      user_id: 'u1',
      name: 'B',
      value_sealed: 'z',
      as_file: 1,
      updated_at: T1,
    });
    assert.deepEqual(await secrets.listSecrets(store.db, 'u1'), [
      { user_id: 'u1', name: 'A', value_sealed: 'y', as_file: 0, updated_at: T0 },
      { user_id: 'u1', name: 'B', value_sealed: 'z', as_file: 1, updated_at: T1 },
    ]);
    assert.equal(await secrets.deleteSecret(store.db, 'u1', 'A'), true);
    assert.equal(await secrets.findGitKey(store.db, 'u1'), undefined);
    await secrets.upsertGitKey(store.db, {
      user_id: 'u1',
      public_key: 'p1',
      private_key_sealed: 's1',
      created_at: T0,
    });
    await secrets.upsertGitKey(store.db, {
      user_id: 'u1',
      public_key: 'p2',
      private_key_sealed: 's2',
      created_at: T1,
    });
    assert.deepEqual(await secrets.findGitKey(store.db, 'u1'), {
      user_id: 'u1',
      public_key: 'p2',
      private_key_sealed: 's2',
      created_at: T1,
    });
  });

  it('given dotfiles, when upserted and deleted, then one row per user', async () => {
    await dotfiles.upsertDotfiles(store.db, {
      user_id: 'u1',
      url: 'file:///a',
      branch: null,
      updated_at: T0,
    });
    await dotfiles.upsertDotfiles(store.db, {
      user_id: 'u1',
      url: 'file:///b',
      branch: 'main',
      updated_at: T1,
    });
    assert.deepEqual(await dotfiles.findDotfiles(store.db, 'u1'), {
      user_id: 'u1',
      url: 'file:///b',
      branch: 'main',
      updated_at: T1,
    });
    assert.equal(Number((await dotfiles.deleteDotfiles(store.db, 'u1'))[0]?.numDeletedRows), 1);
    assert.equal(await dotfiles.findDotfiles(store.db, 'u1'), undefined);
  });

  it('given SSH keys, when added, found, touched and removed, then a fingerprint is unique installation-wide', async () => {
    const key = (id: string, name: string, fingerprint: string, created_at = T0) => ({
      id,
      user_id: 'u1',
      name,
      key_type: 'ssh-ed25519',
      public_key: `AAAA${id}`,
      fingerprint,
      created_at,
      last_used_at: null,
    });
    await keys.insertSshKey(store.db, key('k2', 'laptop', 'SHA256:b', T1));
    await keys.insertSshKey(store.db, key('k1', 'desk', 'SHA256:a'));
    await users.insertUser(store.db, fixtures.user('u2', 'bob'));
    await assert.rejects(
      keys.insertSshKey(store.db, { ...key('k3', 'other', 'SHA256:a'), user_id: 'u2' }),
      clash('ssh_key_exists'),
    );
    assert.deepEqual(
      (await keys.listSshKeys(store.db, 'u1')).map((k) => k.id),
      ['k1', 'k2'],
    );
    assert.equal((await keys.findSshKeyByFingerprint(store.db, 'SHA256:b'))?.id, 'k2');
    for (const ref of ['k2', 'laptop', 'SHA256:b'])
      assert.equal((await keys.findUserSshKey(store.db, 'u1', ref))?.id, 'k2', ref);
    assert.equal(await keys.findUserSshKey(store.db, 'u2', 'k2'), undefined);
    await keys.touchSshKey(store.db, 'k1', T2);
    const login = await keys.findSshKeyLogin(store.db, 'SHA256:a');
    assert.equal(login?.username, 'alice');
    assert.strictEqual(login?.site_admin, 0);
    assert.equal(login?.suspended_at, null);
    assert.equal(login?.last_used_at, T2);
    assert.equal(Number((await keys.deleteSshKey(store.db, 'u1', 'k1'))[0]?.numDeletedRows), 1);
    assert.equal(await keys.findSshKeyByFingerprint(store.db, 'SHA256:a'), undefined);
  });

  it('given a setting, when ensured twice, then the first value stays', async () => {
    assert.equal(await ensureSetting(store.db, 'instance_id', () => 'first'), 'first');
    assert.equal(await ensureSetting(store.db, 'instance_id', () => 'second'), 'first');
  });
});
