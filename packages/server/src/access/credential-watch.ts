/**
 * Ends a long-lived connection (SSH, SSE, WebSocket) within moments of its credential ceasing to be
 * valid: the token or login session revoked, the user suspended, the SSH key removed, the token's
 * expiry reached, or a membership change that takes away access to the workspace (checked again).
 */

import type { Revocation } from '../identity/revocations.js';
import type { Clock } from '../ports/clock.js';
import { EXPIRY_MESSAGE, rechecks, revocationMessage, revokes, type SshGrant } from './ssh-grant.js';

/** The longest delay a timer takes (about 24.8 days); a later expiry is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CredentialWatchDeps {
  /** Where revoked credentials are announced. */
  readonly revocations: { subscribe(listener: (revocation: Revocation) => void): () => void };
  /** The clock credentials' expiry is measured by (the one that set it). */
  readonly clock: Clock;
}

/**
 * Calls `end` once, with a message for the user, when `grant` stops being valid, or when after a
 * membership change `stillAllowed` answers false. Returns the function that stops watching.
 */
export function watchCredential(
  deps: CredentialWatchDeps,
  grant: SshGrant,
  stillAllowed: () => Promise<boolean>,
  end: (message: string) => void,
): () => void {
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const finish = (message: string) => {
    if (done) return;
    stop();
    end(message);
  };
  const unsubscribe = deps.revocations.subscribe((revocation) => {
    if (revokes(revocation, grant)) finish(revocationMessage(revocation));
    else if (rechecks(revocation, grant))
      void stillAllowed().then(
        (allowed) => allowed || finish(revocationMessage(revocation)),
        () => finish(revocationMessage(revocation)),
      );
  });
  const stop = () => {
    done = true;
    clearTimeout(timer);
    unsubscribe();
  };
  const atExpiry = (expiresAt: Date) => {
    const remaining = expiresAt.getTime() - deps.clock.now().getTime();
    if (remaining <= 0) return finish(EXPIRY_MESSAGE);
    timer = setTimeout(() => atExpiry(expiresAt), Math.min(remaining, MAX_TIMER_MS)).unref();
  };
  if (grant.expiresAt) atExpiry(grant.expiresAt);
  return stop;
}
