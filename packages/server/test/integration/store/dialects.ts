/**
 * The store's contract suites run once per dialect: `forEachDialect` opens a fresh, migrated
 * database of each kind for every suite (SQLite in memory; PostgreSQL in a database of its own on
 * the tests' cluster, dropped afterwards), so each suite starts from empty.
 */
import { after, before, describe } from 'node:test';
import type { Database } from '../../../src/store/database.js';
import { type Dialect, openTestStore } from '../../support/test-store.js';

export type { Dialect };

export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** `describe(title on DIALECT)` for each dialect, with `store.db` open for its tests. */
export function forEachDialect(title: string, suite: (store: { db: Database; dialect: Dialect }) => void) {
  for (const dialect of DIALECTS)
    describe(`${title} (${dialect})`, () => {
      const store = { dialect } as { db: Database; dialect: Dialect };
      let close: () => Promise<void>;
      before(async () => {
        ({ db: store.db, close } = await openTestStore(dialect));
      });
      after(() => close());
      suite(store);
    });
}

export const T0 = '2026-12-01T09:00:00.000Z';
export const T1 = '2026-12-01T10:00:00.000Z';
export const T2 = '2026-12-01T11:00:00.000Z';

/** Rows the suites build on. */
export const fixtures = {
  user: (id: string, username: string) => ({
    id,
    username,
    email: `${username}@example.com`,
    password_hash: 'hash',
    site_admin: 0,
    suspended_at: null,
    created_at: T0,
  }),
  org: (id: string, name: string) => ({
    id,
    name,
    created_at: T0,
    max_cpu_millis: 64_000,
    max_memory_bytes: 256 * 2 ** 30,
    max_disk_bytes: 4 * 2 ** 40,
    max_gpus: 4,
    member_cpu_quota_millis: 16_000,
    member_memory_quota_bytes: 64 * 2 ** 30,
  }),
  image: (id: string, orgId: string, ref: string) => ({
    id,
    org_id: orgId,
    ref,
    description: '',
    username: 'dev',
    uid: 4_000_000_000,
    gid: 1000,
    digest: `sha256:${id}`,
    default_cpu_millis: 1000,
    default_memory_bytes: 2 ** 31,
    default_disk_bytes: 10 * 2 ** 30,
    default_gpus: 0,
    created_at: T0,
    configure_timeout_seconds: null,
    personalize_timeout_seconds: 60,
  }),
  workspace: (id: string, orgId: string, ownerId: string, name: string, state = 'running') => ({
    id,
    org_id: orgId,
    owner_id: ownerId,
    name,
    image_ref: 'img:1',
    image_digest: 'sha256:old',
    username: 'dev',
    cpu_millis: 2000,
    memory_bytes: 6 * 2 ** 30,
    disk_bytes: 50 * 2 ** 30,
    gpus: 0,
    state,
    state_reason: 'created',
    state_message: 'created',
    state_actor: 'alice',
    state_changed_at: T0,
    container_id: null,
    volume_name: `hearth-home-${id}`,
    home_ready: 0,
    created_at: T0,
    updated_at: T0,
    last_activity_at: null,
    auto_off_at: null,
    auto_off_warned_for: null,
    auto_off_override_ms: null,
    autostart_fired_for: null,
    apps: null,
  }),
  build: (id: string, workspaceId: string, number: number, status: string, queuedAt = T0) => ({
    id,
    workspace_id: workspaceId,
    number,
    reason: 'create',
    initiator: 'alice',
    status,
    image_ref: 'img:1',
    image_digest: null,
    cpu_millis: 2000,
    memory_bytes: 6 * 2 ** 30,
    disk_bytes: 50 * 2 ** 30,
    gpus: 0,
    stages: '[]',
    error: null,
    warnings: '[]',
    log_truncated: 0,
    queued_at: queuedAt,
    started_at: null,
    finished_at: null,
    claimed_by: null,
    heartbeat_at: null,
  }),
};

/** Org o1 ("default"), its user u1 (alice) and her workspace w1 ("api"): what builds hang on. */
export async function insertWorkspaceW1(db: Database): Promise<void> {
  await db.insertInto('orgs').values(fixtures.org('o1', 'default')).execute();
  await db.insertInto('users').values(fixtures.user('u1', 'alice')).execute();
  await db
    .insertInto('workspaces')
    .values(fixtures.workspace('w1', 'o1', 'u1', 'api'))
    .execute();
}
