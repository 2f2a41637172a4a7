/**
 * Logins on the plain SSH listener: public keys only. A key the user registered (`hearth sshkeys
 * add`) proves who connects once its signature verifies; the SSH user name then names the
 * workspace (`api`, or `alice.api`), with exactly the tunnel's authorization: only the owner of a
 * running workspace gets in. Who the key does not admit learns nothing about the workspace.
 */
import type { AuthContext } from 'ssh2';
import { parseSshUser } from '../core/ssh-keys.js';
import { HearthError } from '../errors.js';
import type { SshKeyService } from '../identity/ssh-keys.js';
import type { SessionEntry } from './session-entry.js';
import type { SshAdmission } from './ssh-admission.js';
import type { SshGrant } from './ssh-grant.js';

export interface SshLoginDeps {
  readonly keys: Pick<SshKeyService, 'forLogin' | 'recordLogin'>;
  /** The tunnel's check: the running workspace `owner`/`name` (`me` for the caller's own) if the principal may enter it. */
  readonly sessions: Pick<SessionEntry, 'target'>;
}

/** How to answer one authentication request. */
export type LoginDecision =
  | { readonly kind: 'reject' }
  /** A registered key was offered without a signature yet: tell the client to sign with it. */
  | { readonly kind: 'key-ok' }
  | { readonly kind: 'admit'; readonly admission: SshAdmission };

export async function decideLogin(ctx: AuthContext, d: SshLoginDeps): Promise<LoginDecision> {
  if (ctx.method !== 'publickey') return { kind: 'reject' };
  const login = await d.keys.forLogin(ctx.key.data);
  if (!login) return { kind: 'reject' };
  if (!ctx.signature || !ctx.blob) return { kind: 'key-ok' };
  if (login.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return { kind: 'reject' };
  await d.keys.recordLogin(login.keyId);
  const grant: SshGrant = { userId: login.principal.id, credential: { kind: 'ssh_key', id: login.keyId } };
  const wanted = parseSshUser(ctx.username);
  if ('problem' in wanted)
    return { kind: 'admit', admission: { grant, refusal: `hearth: ${wanted.problem}` } };
  try {
    const target = await d.sessions.target(login.principal, wanted.owner, wanted.name);
    return { kind: 'admit', admission: { grant, target } };
  } catch (error) {
    if (!(error instanceof HearthError)) throw error;
    return { kind: 'admit', admission: { grant, refusal: refusal(error, ctx.username, wanted) } };
  }
}

/** Why the workspace the SSH user named cannot be entered, in the words of `hearth ssh`. */
function refusal(error: HearthError, user: string, wanted: { owner: string; name: string }): string {
  const ref = wanted.owner === 'me' ? wanted.name : `${wanted.owner}/${wanted.name}`;
  switch (error.code) {
    case 'workspace_not_found':
      return `hearth: no workspace named ${user}; see "hearth list" (the SSH user names one of your workspaces: ssh NAME@HOST, or OWNER.NAME@HOST)`;
    case 'workspace_stopped':
      return `hearth: workspace ${ref} is ${String(error.detail?.state ?? 'stopped')}: start it with "hearth start ${ref} --wait" (or connect once with "hearth ssh ${ref} --start"), then ssh again`;
    default:
      return `hearth: ${error.message}`;
  }
}
