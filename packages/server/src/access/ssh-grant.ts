/**
 * What let a long-lived connection in, and which revocations end it. Every admitted SSH connection
 * and every HTTP stream (watch and log SSE, exec and terminal WebSockets) carries a grant: the user
 * it acts for and the credential that proved it (the bearer token of the request, or the SSH key of
 * a login on the SSH listener).
 */
import type { Revocation } from '../identity/revocations.js';

export type SshCredential =
  | { readonly kind: 'token'; readonly id: string }
  | { readonly kind: 'ssh_key'; readonly id: string };

export interface SshGrant {
  readonly userId: string;
  readonly credential: SshCredential;
  /** When the credential expires (a token's expiry; SSH keys do not expire): the connection ends then. */
  readonly expiresAt?: Date | undefined;
}

/** What open sessions print when the credential that admitted their connection expires. */
export const EXPIRY_MESSAGE =
  'hearth: the token or login session that opened this connection has expired; the session is closed (log in again with "hearth login" to reconnect)';

/**
 * Whether `revocation` takes away what admitted a connection with `grant`. A membership change is
 * not decided here: it may or may not take away access (see {@link rechecks}).
 */
export function revokes(revocation: Revocation, grant: SshGrant): boolean {
  const { credential } = grant;
  switch (revocation.kind) {
    case 'membership':
      return false;
    case 'user':
      return revocation.userId === grant.userId;
    case 'token':
      return credential.kind === 'token' && credential.id === revocation.tokenId;
    case 'ssh_key':
      return credential.kind === 'ssh_key' && credential.id === revocation.keyId;
  }
}

/** Whether `revocation` changed the grant's user's rights in some org: access must be checked again. */
export const rechecks = (revocation: Revocation, grant: SshGrant): boolean =>
  revocation.kind === 'membership' && revocation.userId === grant.userId;

/** What the open sessions of a revoked connection print on stderr: why it ended, and what to do. */
export function revocationMessage(revocation: Revocation): string {
  switch (revocation.kind) {
    case 'user':
      return `hearth: user ${revocation.username} is suspended; the session is closed (a site admin can activate the account)`;
    case 'membership':
      return `hearth: ${revocation.username} is no longer ${revocation.change === 'removed' ? 'a member' : 'an admin'} of org ${revocation.org}; the session is closed`;
    case 'token':
      return 'hearth: the token or login session that opened this connection was revoked; the session is closed (log in again with "hearth login" to reconnect)';
    case 'ssh_key':
      return `hearth: the SSH key "${revocation.name}" (${revocation.fingerprint}) that opened this connection was removed; the session is closed (add a key with "hearth sshkeys add" to reconnect)`;
  }
}
