/**
 * Credentials that stop being valid while something they let in is still open: a revoked token
 * or login session, a suspended user, a removed SSH key. Services announce them here; whoever
 * holds long-lived connections (the SSH gateway) subscribes and ends what the credential opened.
 * The services need not know who listens.
 */
import { EventEmitter } from 'node:events';

export type Revocation =
  /** A bearer token (API, login session or workspace token) was revoked. */
  | { readonly kind: 'token'; readonly tokenId: string }
  /** The user was suspended: everything of theirs ends. */
  | { readonly kind: 'user'; readonly userId: string; readonly username: string }
  /** An SSH public key was removed. */
  | { readonly kind: 'ssh_key'; readonly keyId: string; readonly name: string; readonly fingerprint: string };

/** What services announce revocations to. */
export interface RevocationSink {
  revoked(revocation: Revocation): void;
}

export class Revocations implements RevocationSink {
  readonly #emitter = new EventEmitter();

  revoked(revocation: Revocation): void {
    this.#emitter.emit('revoked', revocation);
  }

  /** Calls `listener` for every revocation from now on; returns the unsubscribe function. */
  subscribe(listener: (revocation: Revocation) => void): () => void {
    this.#emitter.on('revoked', listener);
    return () => this.#emitter.off('revoked', listener);
  }
}
