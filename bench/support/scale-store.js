/**
 * The store the scale benchmarks start from: 1,000 users and 10,000 workspaces (20,000 builds) by
 * default, written straight into SQLite through the server's own migrations (see seed.js): this
 * checkout's, or with `checkout` (the root of another, built) that one's, so a benchmark's
 * --compare server opens a store of its own schema.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedStore } from './seed.js';

const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));

/** Fills the SQLite store of `dataDir` (see seedStore); returns the API tokens it made (admin: user0, member: user1). */
export async function seedScaleStore(dataDir, { users, perUser, password, checkout = CHECKOUT }) {
  const load = (path) => import(join(checkout, 'packages', 'server', 'dist', 'src', path));
  const { openSqlite } = await load('store/database.js');
  const { argon2Passwords } = await load('identity/passwords.js');
  const { hashToken } = await load('identity/token-secret.js');
  const db = await openSqlite(join(dataDir, 'hearth.db'));
  try {
    return await seedStore(db, { users, perUser, password, argon2Passwords, hashToken });
  } finally {
    await db.destroy();
  }
}
