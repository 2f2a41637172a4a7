/**
 * Access routes: the SSH gateway's host key, the SSH tunnel (a WebSocket carrying one SSH
 * connection to the gateway) and the browser-style terminal (a login shell on a PTY). Only the
 * owner of a running workspace gets in; the tunnel refuses with a plain HTTP error before the
 * upgrade, so `hearth ssh --stdio` can print the server's message.
 */
import { paths, SshHostKey, TerminalQuery } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionTarget } from '../../access/session-target.js';
import type { SshGrant } from '../../access/ssh-grant.js';
import { loginShell } from '../../access/workspace-process.js';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { upgradeRequired } from '../openapi.js';
import { acceptRawTunnel, wantsRawTunnel } from '../raw-tunnel.js';
import { closeWhenNotRunning, grantOf, guardSocket } from '../stream-guard.js';
import { tunnelStream } from '../tunnel-stream.js';
import { serveProcess } from './process-socket.js';

const WorkspaceParams = Type.Object({ user: Type.String(), name: Type.String() });
type Params = { user: string; name: string };

type Deps = Pick<Services, 'ssh' | 'sessionEntry' | 'workspaces' | 'revocations' | 'clock' | 'events'>;

export async function accessRoutes(app: FastifyInstance, s: Deps): Promise<void> {
  sshRoutes(app, s);
  terminalRoutes(app, s);
}

/** The SSH gateway's host key, and SSH over a WebSocket tunnel. */
function sshRoutes(app: FastifyInstance, s: Deps): void {
  app.get(
    pattern(paths.sshHostKey()),
    {
      schema: {
        tags: ['access'],
        summary: 'The SSH gateway host key, for known_hosts (stable across restarts)',
        response: { 200: SshHostKey },
      },
    },
    async () => ({ hostKey: s.ssh.publicKey }),
  );

  const admitted = new WeakMap<FastifyRequest, { grant: SshGrant; target: SessionTarget }>();
  app.route<{ Params: Params }>({
    method: 'GET',
    url: pattern(paths.sshTunnel(':user', ':name')),
    schema: {
      tags: ['access'],
      summary:
        'SSH tunnel: with `Upgrade: hearth-ssh` the connection carries the bytes of one SSH connection to the gateway after the 101 (the client sends nothing before it; the server sends nothing more until the client has sent its SSH identification); with `Upgrade: websocket` binary frames carry them (SSH auth `none`; the bearer token decides, and revoking it closes the connection). Refusals are HTTP errors before the upgrade.',
      params: WorkspaceParams,
    },
    // Checked before the upgrade, so a refusal is an ordinary HTTP error the client can print.
    preHandler: async (request, reply) => {
      const { user, name } = request.params;
      const actor = actorOf(request);
      const target = await s.sessionEntry.target(actor, user, name);
      // The token is remembered so that revoking it (or suspending the user) ends the connection.
      const admission = { grant: grantOf(actor), target };
      // `Upgrade: hearth-ssh` (raw-tunnel.ts): SSH on the connection itself, no WebSocket.
      if (wantsRawTunnel(request)) acceptRawTunnel(request, reply, (raw) => s.ssh.serve(raw, admission));
      else admitted.set(request, admission);
    },
    handler: upgradeRequired,
    wsHandler: (socket, request) => {
      s.ssh.serve(tunnelStream(socket), admitted.get(request)!);
    },
  });
}

/** The browser terminal: the login shell on a PTY over a WebSocket. */
function terminalRoutes(app: FastifyInstance, s: Deps): void {
  app.route<{ Params: Params; Querystring: TerminalQuery }>({
    method: 'GET',
    url: pattern(paths.terminal(':user', ':name')),
    schema: {
      tags: ['access'],
      summary:
        'WebSocket terminal: the login shell on a PTY; binary frames with a channel byte (0 input, 1 output, 3 control JSON: resize from the client, exit or error from the server)',
      params: WorkspaceParams,
      querystring: TerminalQuery,
    },
    // Refusals before the upgrade, as for the tunnel (the WebSocket handler checks again).
    preHandler: async (request) => {
      await s.sessionEntry.target(actorOf(request), request.params.user, request.params.name);
    },
    handler: upgradeRequired,
    wsHandler: (socket, request) => {
      const { cols, rows } = request.query;
      serveProcess(
        socket,
        async () => {
          const target = await s.sessionEntry.target(
            actorOf(request),
            request.params.user,
            request.params.name,
          );
          guardSocket(s, request, socket, target.workspaceId, 'exec');
          closeWhenNotRunning(s, socket, target);
          return s.sessionEntry.open(
            target,
            {
              cmd: loginShell(),
              tty: true,
              env: { TERM: 'xterm-256color' },
              size: cols && rows ? { cols, rows } : undefined,
            },
            'terminal',
          );
        },
        { startFrame: false },
      );
    },
  });
}
