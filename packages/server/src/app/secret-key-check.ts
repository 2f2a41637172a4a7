/**
 * Replicas on one database must seal and open secrets with one key: a secret stored through one
 * replica is read by whichever builds the workspace. The database keeps a value sealed with the
 * key of the first server that used it; a server whose key cannot open it refuses to start,
 * before it could fail builds. On SQLite (one server, its key beside its database) nothing changes.
 */
import type { SecretBox } from '../identity/secret-box.js';
import type { Database } from '../store/database.js';
import { ensureSetting } from '../store/repositories/settings.repository.js';
import { StartupError } from './startup-error.js';

const CANARY = 'hearth secret key check';

export async function checkSharedSecretKey(db: Database, box: SecretBox, keySource: string): Promise<void> {
  const sealed = await ensureSetting(db, 'secret_key_check', () => box.seal(CANARY));
  let opened: string | undefined;
  try {
    opened = box.open(sealed);
  } catch {
    opened = undefined;
  }
  if (opened !== CANARY)
    throw new StartupError(
      `the secret key (${keySource}) is not the one this database's secrets are sealed with: every server on ` +
        'one database needs the same key. Copy secret.key from the data directory of the first server to ' +
        "this one's (or point --secret-key-file at it), or set the same HEARTH_SECRET_KEY on every server",
    );
}
