/**
 * The store the API benchmarks run against, filled through the server's own migrations in one
 * transaction (no engine work): `users` users (user0 is the site admin and the org's admin), each
 * with `perUser` stopped workspaces of two succeeded builds (each with a log of about 4 KiB: a
 * short configure script's, in build_logs), and one API token each for the admin and for user1.
 * Shared by api-scale.js (SQLite) and scale-out.js (PostgreSQL).
 */
const NOW = new Date().toISOString();
/** A build's log as the server stores it (JSON lines), about 4 KiB. */
const SEEDED_LOG = Array.from(
  { length: 40 },
  (_, i) =>
    `${JSON.stringify({ ts: NOW, stage: 'configure', text: `seeded line ${i} ${'.'.repeat(40)}` })}\n`,
).join('');
const FAR = new Date(Date.now() + 365 * 86_400_000).toISOString();

/** Fills `db` (open, migrated, empty) with the server's own password and token hashing; returns the tokens it made. */
export async function seedStore(
  db,
  { users: USERS, perUser: PER_USER, password, argon2Passwords, hashToken },
) {
  const passwordHash = await argon2Passwords.hash(password);
  const tokens = { admin: 'hth_bench_admin', member: 'hth_bench_member' };
  await db.transaction().execute(async (tx) => {
    const many = async (table, rows) => {
      for (let i = 0; i < rows.length; i += 500)
        await tx
          .insertInto(table)
          .values(rows.slice(i, i + 500))
          .execute();
    };
    await tx
      .insertInto('orgs')
      .values({
        id: 'org-default',
        name: 'default',
        created_at: NOW,
        max_cpu_millis: 8000,
        max_memory_bytes: 2 ** 35,
        max_disk_bytes: 2 ** 38,
        max_gpus: 0,
        member_cpu_quota_millis: 2 ** 30,
        member_memory_quota_bytes: 2 ** 45,
      })
      .execute();
    await tx
      .insertInto('images')
      .values({
        id: 'img-demo',
        org_id: 'org-default',
        ref: 'hearth-demo:latest',
        description: 'seeded',
        username: 'dev',
        uid: 1000,
        gid: 1000,
        digest: 'sha256:seeded',
        default_cpu_millis: 1000,
        default_memory_bytes: 2 ** 30,
        default_disk_bytes: 2 ** 33,
        default_gpus: 0,
        created_at: NOW,
        configure_timeout_seconds: null,
        personalize_timeout_seconds: null,
      })
      .execute();
    const users = [];
    const members = [];
    for (let u = 0; u < USERS; u++) {
      users.push({
        id: `u${u}`,
        username: `user${u}`,
        email: `user${u}@example.com`,
        password_hash: passwordHash,
        site_admin: u === 0 ? 1 : 0,
        suspended_at: null,
        created_at: NOW,
      });
      members.push({
        org_id: 'org-default',
        user_id: `u${u}`,
        role: u === 0 ? 'admin' : 'member',
        added_at: NOW,
      });
    }
    await many('users', users);
    await many('org_members', members);
    await many(
      'tokens',
      Object.entries(tokens).map(([who, secret]) => ({
        id: `t-${who}`,
        user_id: who === 'admin' ? 'u0' : 'u1',
        kind: 'api',
        name: `bench-${who}`,
        token_hash: hashToken(secret),
        workspace_id: null,
        created_at: NOW,
        expires_at: FAR,
        revoked_at: null,
        last_used_at: null,
      })),
    );
    const stages = JSON.stringify(
      ['pull', 'volume', 'container', 'secrets', 'configure', 'personalize', 'ready'].map((name) => ({
        name,
        status: 'succeeded',
        durationMs: 120,
      })),
    );
    const workspaces = [];
    const builds = [];
    for (let w = 0; w < USERS * PER_USER; w++) {
      const id = `w${w}`;
      workspaces.push({
        id,
        org_id: 'org-default',
        owner_id: `u${Math.floor(w / PER_USER)}`,
        name: `ws${w % PER_USER}`,
        image_ref: 'hearth-demo:latest',
        image_digest: 'sha256:seeded',
        username: 'dev',
        cpu_millis: 1000,
        memory_bytes: 2 ** 30,
        disk_bytes: 2 ** 33,
        gpus: 0,
        state: 'stopped',
        state_reason: 'user_stop',
        state_message: 'stopped by its owner (seeded)',
        state_actor: 'system',
        state_changed_at: NOW,
        container_id: null,
        volume_name: `hearth-home-bench-${id}`,
        home_ready: 1,
        created_at: NOW,
        updated_at: NOW,
        last_activity_at: NOW,
        auto_off_at: null,
      });
      for (const number of [1, 2])
        builds.push({
          id: `b${w}-${number}`,
          workspace_id: id,
          number,
          reason: number === 1 ? 'create' : 'rebuild',
          initiator: `user${Math.floor(w / PER_USER)}`,
          status: 'succeeded',
          image_ref: 'hearth-demo:latest',
          image_digest: 'sha256:seeded',
          cpu_millis: 1000,
          memory_bytes: 2 ** 30,
          disk_bytes: 2 ** 33,
          gpus: 0,
          stages,
          error: null,
          warnings: '[]',
          log_truncated: 0,
          queued_at: NOW,
          started_at: NOW,
          finished_at: NOW,
        });
    }
    await many('workspaces', workspaces);
    await many('builds', builds);
    await many(
      'build_logs',
      builds.map((b) => ({ build_id: b.id, log: SEEDED_LOG })),
    );
  });
  return tokens;
}
