/**
 * Stopped workspaces written straight into a running test server's store (no builds, nothing on
 * the engine), for tests of lists longer than is worth building: the rows a create leaves once
 * its workspace is stopped. On SQLite a second connection to the data dir's file; on PostgreSQL
 * to the data dir's database. Images likewise: catalogue rows of tags that were never resolved.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite } from '../../src/store/database.js';
import { openPostgres } from '../../src/store/postgres.js';
import { appendBuildLog, insertBuild } from '../../src/store/repositories/builds.repository.js';
import { insertImage } from '../../src/store/repositories/images.repository.js';
import { insertWorkspace } from '../../src/store/repositories/workspaces.repository.js';
import { databaseNameFor, TEST_DIALECT, testPostgresConfig } from './postgres.js';

const openStore = async (dataDir: string) =>
  TEST_DIALECT === 'postgres'
    ? await openPostgres(await testPostgresConfig(databaseNameFor(dataDir)))
    : await openSqlite(join(dataDir, 'hearth.db'));

/** Adds a catalogue image per ref to `orgId` (user dev, uid 1000); answers their ids. */
export async function seedImages(dataDir: string, orgId: string, refs: readonly string[]): Promise<string[]> {
  const db = await openStore(dataDir);
  const now = new Date().toISOString();
  try {
    const ids = refs.map((ref) => `seeded-image-${ref.replace(/[^a-z0-9]/g, '-')}`);
    await db.transaction().execute(async (tx) => {
      for (const [i, ref] of refs.entries())
        await insertImage(tx, {
          id: ids[i]!,
          org_id: orgId,
          ref,
          description: 'seeded',
          username: 'dev',
          uid: 1000,
          gid: 1000,
          digest: 'sha256:seeded',
          default_cpu_millis: 1000,
          default_memory_bytes: 2 ** 30,
          default_disk_bytes: 2 ** 30,
          default_gpus: 0,
          created_at: now,
          configure_timeout_seconds: null,
          personalize_timeout_seconds: null,
        });
    });
    return ids;
  } finally {
    await db.destroy();
  }
}

/** Adds a stopped workspace per name, owned by `ownerId` in `orgId`, with `builds` finished builds; answers their ids. */
export async function seedWorkspaces(
  dataDir: string,
  ownerId: string,
  orgId: string,
  names: readonly string[],
  builds = 0,
): Promise<string[]> {
  const db = await openStore(dataDir);
  const now = new Date().toISOString();
  const ids: string[] = [];
  try {
    await db.transaction().execute(async (tx) => {
      for (const name of names) {
        const id = `seeded-${ownerId}-${name}`;
        ids.push(id);
        await insertWorkspace(tx, {
          id,
          org_id: orgId,
          owner_id: ownerId,
          name,
          image_ref: 'hearth-demo:latest',
          image_digest: null,
          username: 'dev',
          cpu_millis: 1000,
          memory_bytes: 2 ** 30,
          disk_bytes: 2 ** 30,
          gpus: 0,
          state: 'stopped',
          state_reason: 'user_stop',
          state_message: 'stopped by its owner (seeded)',
          state_actor: 'test',
          state_changed_at: now,
          container_id: null,
          volume_name: `hearth-home-${id}`,
          home_ready: 1,
          created_at: now,
          updated_at: now,
          last_activity_at: null,
          auto_off_at: null,
          auto_off_warned_for: null,
          auto_off_override_ms: null,
          autostart_fired_for: null,
          apps: null,
        });
        for (let number = 1; number <= builds; number++) {
          await insertBuild(tx, {
            id: `${id}-build-${number}`,
            workspace_id: id,
            number,
            reason: number === 1 ? 'create' : 'rebuild',
            initiator: 'test',
            status: 'succeeded',
            image_ref: 'hearth-demo:latest',
            image_digest: null,
            cpu_millis: 1000,
            memory_bytes: 2 ** 30,
            disk_bytes: 2 ** 30,
            gpus: 0,
            stages: '[]',
            error: null,
            warnings: '[]',
            log_truncated: 0,
            queued_at: now,
            started_at: now,
            finished_at: now,
          });
          await appendBuildLog(tx, `${id}-build-${number}`, `build ${number}\n`);
        }
      }
    });
  } finally {
    await db.destroy();
  }
  return ids;
}

/**
 * Runs `statement` on a running test server's store the way an operator's `sqlite3` or `psql`
 * would: through no repository and no service, so the server learns of it only from the rows.
 */
export async function runStatementStraight(dataDir: string, statement: string): Promise<void> {
  const db = await openStore(dataDir);
  try {
    await sql.raw(statement).execute(db);
  } finally {
    await db.destroy();
  }
}
