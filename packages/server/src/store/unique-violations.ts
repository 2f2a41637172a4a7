/**
 * A unique constraint refusing a row, as a domain error. Services check for a clash before they
 * insert, inside a transaction; on SQLite that is enough, since its one connection runs one
 * transaction at a time. On PostgreSQL two requests can pass the check at the same moment, and the
 * constraint refuses the second insert: it answers the same code the check would have, not a 500.
 * Both drivers' errors are read here (guarded-drivers.ts applies it to every statement).
 */
import { type ErrorCode, HearthError } from '../errors.js';

const CLASHES: Readonly<Record<string, { code: ErrorCode; what: string }>> = {
  users: { code: 'user_exists', what: 'a user with this name' },
  orgs: { code: 'org_exists', what: 'an org with this name' },
  images: { code: 'image_exists', what: 'this image in the org catalogue' },
  workspaces: { code: 'workspace_exists', what: 'a workspace with this name' },
  user_ssh_keys: { code: 'ssh_key_exists', what: 'this SSH key (or one with this name)' },
};

/** The table whose unique constraint `error` reports, if it is such an error. */
function clashingTable(error: unknown): string | undefined {
  const e = error as { code?: unknown; table?: unknown; message?: unknown };
  // PostgreSQL: SQLSTATE 23505 unique_violation, with the table named.
  if (e?.code === '23505' && typeof e.table === 'string') return e.table;
  // SQLite: "UNIQUE constraint failed: users.username" (a primary key reads the same).
  if (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return /constraint failed: (\w+)\./.exec(String(e.message))?.[1];
  return undefined;
}

/** `error` as the domain error its unique violation means, else `error` unchanged. */
export function asDomainError(error: unknown): unknown {
  const table = clashingTable(error);
  const clash = table === undefined ? undefined : CLASHES[table];
  if (!clash) return error;
  return new HearthError(
    clash.code,
    `${clash.what} already exists: another request created it at the same moment; look it up, or choose another name`,
    undefined,
    { cause: error },
  );
}
