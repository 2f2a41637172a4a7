/**
 * Who is asking: a principal (proved by a token or an SSH key) and, for HTTP requests, the actor
 * with the token that let them in.
 */
import type { Caller } from '../core/authorization.js';
import type { TokenWorkspace } from '../core/token-scope.js';
import { HearthError } from '../errors.js';
import type { TokenRow } from '../store/schema.js';

/** Who someone is, whatever proved it (a token, an SSH key). */
export interface Principal extends Caller {
  readonly username: string;
}

/** The authenticated caller of a request. */
export interface Actor extends Principal {
  readonly tokenId: string;
  readonly tokenKind: TokenRow['kind'];
  /** When the token stops being valid (ISO 8601): long-lived connections it opened end then. */
  readonly tokenExpiresAt: string;
  /** For a workspace token, the workspace it was issued to: it may do only what core/token-scope.ts allows. */
  readonly workspace: (TokenWorkspace & { readonly id: string }) | null;
}

/** Refuses (`forbidden`) anyone but a site admin, naming what they tried. */
export function requireSiteAdmin(actor: Actor, what: string): void {
  if (!actor.siteAdmin) throw new HearthError('forbidden', `only a site admin can ${what}`);
}
