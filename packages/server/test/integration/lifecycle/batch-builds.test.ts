/**
 * Builds asked for many workspaces at once (auto-start's storm) on a real store of the tests'
 * dialect: the org's limits are checked in order over the batch, a workspace someone else moved
 * is refused and left alone, and only the builds written are queued, after the commit.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SYSTEM } from '../../../src/builds/build-runner.js';
import { InProcessBuildQueue } from '../../../src/coordination/in-process/build-queue.js';
import { InProcessPubSub } from '../../../src/coordination/in-process/pubsub.js';
import { EnginePlacement } from '../../../src/engines/engine-placement.js';
import type { Database } from '../../../src/store/database.js';
import { findWorkspacesByIds } from '../../../src/store/repositories/workspaces.repository.js';
import { BuildRequests } from '../../../src/workspaces/build-requests.js';
import { WorkspaceEvents } from '../../../src/workspaces/events.js';
import { ManualClock } from '../../support/clock.js';
import { openTestStore } from '../../support/test-store.js';
import { workspaceRow } from '../../support/workspace-row.js';

const AT = '2026-06-10T06:00:00.000Z';

async function seed(db: Database) {
  await db
    .insertInto('orgs')
    .values({
      id: 'o',
      name: 'default',
      created_at: AT,
      max_cpu_millis: 8000,
      max_memory_bytes: 2 ** 34,
      max_disk_bytes: 2 ** 36,
      max_gpus: 0,
      // Room for two of alice's workspaces of 1 cpu
      member_cpu_quota_millis: 2000,
      member_memory_quota_bytes: 2 ** 35,
    })
    .execute();
  for (const user of ['alice', 'bob'])
    await db
      .insertInto('users')
      .values({
        id: user,
        username: user,
        email: `${user}@x`,
        password_hash: 'x',
        site_admin: 0,
        suspended_at: null,
        created_at: AT,
      })
      .execute();
  const workspaces: [string, string, string][] = [
    ['a1', 'alice', 'stopped'],
    ['a2', 'alice', 'stopped'],
    ['a3', 'alice', 'stopped'],
    ['b1', 'bob', 'stopped'],
  ];
  for (const [id, owner, state] of workspaces)
    await db
      .insertInto('workspaces')
      .values(
        workspaceRow({
          id,
          owner_id: owner,
          state,
          state_changed_at: AT,
          created_at: AT,
          updated_at: AT,
        }),
      )
      .execute();
}

describe('builds for many workspaces at once', () => {
  let db: Database;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ db, close } = await openTestStore());
    await seed(db);
  });
  afterEach(() => close());

  it('checks limits in order, refuses a workspace someone else moved, and queues only what it wrote', async () => {
    const queued: string[] = [];
    const queue = new InProcessBuildQueue(1000, async (id) => void queued.push(id));
    const requests = new BuildRequests({
      db,
      clock: new ManualClock(Date.parse(AT)),
      events: new WorkspaceEvents(new InProcessPubSub()),
      queue,
      runner: { stages: [] },
      // Starts ask for no more than the workspaces had: placement is never asked, and no engine either.
      placement: new EnginePlacement({ db, runtimes: { of: () => assert.fail('no engine is asked') } }),
    });
    const records = await findWorkspacesByIds(db, ['a1', 'a2', 'a3', 'b1']);
    // Bob starts b1 himself after the executor read it
    await db.updateTable('workspaces').set({ state: 'pending' }).where('id', '=', 'b1').execute();

    const outcome = await requests.rebuildMany(
      ['a1', 'a2', 'a3', 'b1'].map((id) => {
        const ws = records.find((r) => r.id === id)!;
        return {
          ws,
          ask: {
            event: 'rebuild',
            reason: 'autostart',
            message: 'auto-start for 08:30 Europe/Berlin',
            initiator: SYSTEM,
            image: { ref: ws.image_ref },
            resources: { cpuMillis: 1000, memoryBytes: 2 ** 30, diskBytes: 2 ** 33, gpus: 0 },
            checkLimits: true,
          },
        };
      }),
    );

    assert.deepEqual(outcome.queued.map((q) => q.item.ws.id).sort(), ['a1', 'a2']);
    assert.deepEqual(outcome.refused.map((r) => [r.item.ws.id, r.error.code]).sort(), [
      ['a3', 'limit_exceeded'],
      ['b1', 'invalid_transition'],
    ]);
    const states = await db
      .selectFrom('workspaces')
      .select(['id', 'state', 'state_message'])
      .orderBy('id')
      .execute();
    assert.deepEqual(states, [
      { id: 'a1', state: 'pending', state_message: 'auto-start for 08:30 Europe/Berlin; build #1 queued' },
      { id: 'a2', state: 'pending', state_message: 'auto-start for 08:30 Europe/Berlin; build #1 queued' },
      { id: 'a3', state: 'stopped', state_message: 'seeded' },
      { id: 'b1', state: 'pending', state_message: 'seeded' },
    ]);
    const builds = await db.selectFrom('builds').select(['id', 'workspace_id', 'number', 'status']).execute();
    assert.deepEqual(builds.map((b) => [b.workspace_id, b.number, b.status]).sort(), [
      ['a1', 1, 'queued'],
      ['a2', 1, 'queued'],
    ]);
    assert.deepEqual(outcome.queued.map((q) => q.buildId).sort(), builds.map((b) => b.id).sort());
  });
});
