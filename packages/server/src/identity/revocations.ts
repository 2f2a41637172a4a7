/**
 * Credentials that stop being valid while something they let in is still open: a revoked token
 * or login session (workspace tokens included: a rebuild, stop or delete revokes them), a suspended
 * user, a lost org membership or role, a removed SSH key. Services announce them here; whoever holds
 * long-lived connections (the SSH gateway, HTTP streams) subscribes and ends what the credential opened.
 * The services need not know who listens.
 */
import { type PubSub, topic } from '../ports/pubsub.js';
import type { Executor } from '../store/repositories/executor.js';
import * as tokens from '../store/repositories/tokens.repository.js';

export type Revocation =
  /** A bearer token (API, login session or workspace token) was revoked. */
  | { readonly kind: 'token'; readonly tokenId: string }
  /** The user was suspended: everything of theirs ends. */
  | { readonly kind: 'user'; readonly userId: string; readonly username: string }
  /**
   * The user was removed from an org, or lost its admin role there: streams they opened on that
   * org's workspaces are checked again, and end when no longer allowed.
   */
  | {
      readonly kind: 'membership';
      readonly userId: string;
      readonly username: string;
      readonly orgId: string;
      readonly org: string;
      readonly change: 'removed' | 'demoted';
    }
  /** An SSH public key was removed. */
  | { readonly kind: 'ssh_key'; readonly keyId: string; readonly name: string; readonly fingerprint: string };

/** What services announce revocations to. */
export interface RevocationSink {
  revoked(revocation: Revocation): void;
}

/** Keyed by the revocation's kind; every listener hears every kind. */
const REVOKED = topic<Revocation>('credential.revoked');

/** Announces revocations on the pub/sub port, to every listener (in every process a shared adapter reaches). */
export class Revocations implements RevocationSink {
  readonly #pubsub: PubSub;

  constructor(pubsub: PubSub) {
    this.#pubsub = pubsub;
  }

  revoked(revocation: Revocation): void {
    this.#pubsub.publish(REVOKED, revocation.kind, revocation);
  }

  /** Calls `listener` for every revocation from now on; returns the unsubscribe function. */
  subscribe(listener: (revocation: Revocation) => void): () => void {
    return this.#pubsub.subscribeAll(REVOKED, (_kind, revocation) => listener(revocation));
  }
}

/** Revokes the tokens injected into a workspace (rebuild, stop, delete) and announces each. */
export async function revokeWorkspaceTokens(
  db: Executor,
  sink: RevocationSink,
  workspaceId: string,
  now: string,
): Promise<void> {
  for (const tokenId of await tokens.revokeWorkspaceTokens(db, workspaceId, now))
    sink.revoked({ kind: 'token', tokenId });
}

/** {@link revokeWorkspaceTokens} for many workspaces at once (a storm of stops). */
export async function revokeWorkspaceTokensOf(
  db: Executor,
  sink: RevocationSink,
  workspaceIds: readonly string[],
  now: string,
): Promise<void> {
  for (const tokenId of await tokens.revokeWorkspaceTokensOf(db, workspaceIds, now))
    sink.revoked({ kind: 'token', tokenId });
}
