/**
 * The HTTP side of credential-watch.ts: every long-lived stream (watch and log SSE, exec and
 * terminal WebSockets, the SSH tunnel) is tied to the bearer token of the request that opened it.
 */
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { watchCredential } from '../access/credential-watch.js';
import { sessionClosedWhy } from '../access/session-entry.js';
import type { SshGrant } from '../access/ssh-grant.js';
import type { WorkspaceAction } from '../core/authorization.js';
import { HearthError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import { actorOf } from './auth.js';
import type { Services } from './context.js';

/** What a guard needs: revocations and the clock to watch, the workspaces to recheck access. */
export type StreamGuardDeps = Pick<Services, 'workspaces' | 'revocations' | 'clock'>;

import { fail } from './routes/process-socket.js';

/** What let the request's actor in: their token, until it expires. */
export const grantOf = (actor: Actor): SshGrant => ({
  userId: actor.id,
  credential: { kind: 'token', id: actor.tokenId },
  expiresAt: new Date(actor.tokenExpiresAt),
});

/**
 * Calls `end` with an `access_revoked` error (its message says why and what to do) once the
 * request's credential stops being valid, or a membership change takes away `action` on the
 * workspace. Returns the function that stops watching (call it when the stream ends otherwise).
 */
export function guardStream(
  s: StreamGuardDeps,
  request: FastifyRequest,
  workspaceId: string,
  action: WorkspaceAction,
  end: (error: HearthError) => void,
): () => void {
  const actor = actorOf(request);
  return watchCredential(
    s,
    grantOf(actor),
    () => s.workspaces.stillAllowed(actor.id, workspaceId, action),
    (message) => end(new HearthError('access_revoked', message)),
  );
}

/** {@link guardStream} for a stream tied to no one workspace (the caller's own list): only the
 * credential matters. */
export function guardCaller(
  s: StreamGuardDeps,
  request: FastifyRequest,
  end: (error: HearthError) => void,
): () => void {
  return watchCredential(
    s,
    grantOf(actorOf(request)),
    async () => true,
    (message) => end(new HearthError('access_revoked', message)),
  );
}

/** {@link guardStream} for a WebSocket: a revocation closes it with an error frame. */
export function guardSocket(
  s: StreamGuardDeps,
  request: FastifyRequest,
  socket: WebSocket,
  workspaceId: string,
  action: WorkspaceAction,
): void {
  const stop = guardStream(s, request, workspaceId, action, (error) => fail(socket, error));
  if (socket.readyState !== socket.OPEN) stop();
  else socket.once('close', stop);
}

/**
 * Closes a session's WebSocket (exec, terminal) with a `workspace_not_running` error frame once its
 * workspace leaves `running` (a stop, a rebuild, a deletion), as SSH connections say it: otherwise
 * the process only dies with the container, and its client is left with exit status 137 and no word.
 */
export function closeWhenNotRunning(
  s: Pick<Services, 'events' | 'workspaces'>,
  socket: WebSocket,
  target: { readonly workspaceId: string; readonly name: string },
): void {
  let closed = socket.readyState !== socket.OPEN;
  if (closed) return;
  const unsubscribe = s.events.subscribe(target.workspaceId, {
    changed: () =>
      void s.workspaces.stateOf(target.workspaceId).then(
        (state) => {
          if (closed || state === 'running') return;
          closed = true;
          fail(socket, new HearthError('workspace_not_running', sessionClosedWhy(target.name, state)));
        },
        () => undefined,
      ),
  });
  socket.once('close', () => {
    closed = true;
    unsubscribe();
  });
}
