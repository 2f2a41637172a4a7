/**
 * Workspaces: create, list, show, lifecycle actions, builds, logs and the watch stream.
 */
import { Build, CreateWorkspaceRequest, type LogLine, paths, RebuildRequest, Workspace } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent, textResponse } from '../openapi.js';
import { openSse } from '../sse.js';
import { guardStream } from '../stream-guard.js';

const WsParams = Type.Object({
  user: Type.String({ description: 'Owner username, or `me`.' }),
  name: Type.String(),
});
type WsParams = { user: string; name: string };
const BuildParams = Type.Composite([WsParams, Type.Object({ number: Type.Integer({ minimum: 1 }) })]);
type BuildParams = WsParams & { number: number };

export async function workspaceRoutes(app: FastifyInstance, s: Services): Promise<void> {
  const { workspaces } = s;

  app.get<{ Querystring: { org?: string; owner?: string } }>(
    paths.workspaces(),
    {
      schema: {
        tags: ['workspaces'],
        summary: "The caller's workspaces; with ?org=, all of the org's for an org admin",
        querystring: Type.Object({ org: Type.Optional(Type.String()), owner: Type.Optional(Type.String()) }),
        response: { 200: Type.Array(Workspace) },
      },
    },
    async (request) => workspaces.list(actorOf(request), request.query),
  );

  app.post<{ Body: CreateWorkspaceRequest }>(
    paths.workspaces(),
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Create a workspace; its first build is queued',
        body: CreateWorkspaceRequest,
        response: { 201: Workspace },
      },
    },
    async (request, reply) => reply.status(201).send(await workspaces.create(actorOf(request), request.body)),
  );

  app.get<{ Params: WsParams }>(
    pattern(paths.workspace(':user', ':name')),
    {
      schema: {
        tags: ['workspaces'],
        summary: 'One workspace, its state and why, and its last build',
        params: WsParams,
        response: { 200: Workspace },
      },
    },
    async (request) => workspaces.get(actorOf(request), request.params.user, request.params.name),
  );

  app.delete<{ Params: WsParams }>(
    pattern(paths.workspace(':user', ':name')),
    {
      schema: {
        response: { 202: NoContent },
        tags: ['workspaces'],
        summary: 'Delete a workspace and, only now, its home volume',
        params: WsParams,
      },
    },
    async (request, reply) => {
      await workspaces.delete(actorOf(request), request.params.user, request.params.name);
      return reply.status(202).send();
    },
  );

  app.post<{ Params: WsParams; Body: RebuildRequest }>(
    pattern(paths.workspaceAction(':user', ':name', 'rebuild')),
    {
      // No body means "rebuild with what it has", as `curl -X POST` would send it.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['workspaces'],
        summary:
          'Rebuild from the latest image, optionally with new resources; only the home directory is kept',
        params: WsParams,
        body: RebuildRequest,
        response: { 202: Workspace },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await workspaces.rebuild(
            actorOf(request),
            request.params.user,
            request.params.name,
            request.body ?? {},
          ),
        ),
  );

  app.post<{ Params: WsParams }>(
    pattern(paths.workspaceAction(':user', ':name', 'start')),
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Start a stopped or failed workspace (a rebuild)',
        params: WsParams,
        response: { 202: Workspace },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await workspaces.start(actorOf(request), request.params.user, request.params.name)),
  );

  app.post<{ Params: WsParams }>(
    pattern(paths.workspaceAction(':user', ':name', 'stop')),
    {
      schema: {
        tags: ['workspaces'],
        summary: 'Stop: remove the container, keep the home volume; cancels a queued or running build',
        params: WsParams,
        response: { 202: Workspace },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await workspaces.stop(actorOf(request), request.params.user, request.params.name)),
  );

  app.get<{ Params: WsParams }>(
    pattern(paths.builds(':user', ':name')),
    {
      schema: {
        tags: ['builds'],
        summary: 'Builds, newest first',
        params: WsParams,
        response: { 200: Type.Array(Build) },
      },
    },
    async (request) => workspaces.listBuilds(actorOf(request), request.params.user, request.params.name),
  );

  app.get<{ Params: BuildParams }>(
    pattern(paths.build(':user', ':name', ':number' as unknown as number)),
    {
      schema: {
        tags: ['builds'],
        summary: 'One build with its stages and timings',
        params: BuildParams,
        response: { 200: Build },
      },
    },
    async (request) =>
      workspaces.getBuild(actorOf(request), request.params.user, request.params.name, request.params.number),
  );

  app.get<{ Params: BuildParams; Querystring: { follow?: boolean } }>(
    pattern(paths.buildLogs(':user', ':name', ':number' as unknown as number)),
    {
      schema: {
        tags: ['builds'],
        summary:
          'A build log: text/plain lines "[stage] text", or with ?follow=true a server-sent event stream (log…, end)',
        params: BuildParams,
        querystring: Type.Object({ follow: Type.Optional(Type.Boolean()) }),
        response: { 200: textResponse('The log, or its event stream with ?follow=true', true) },
      },
    },
    async (request, reply) => {
      const { user, name, number } = request.params;
      const actor = actorOf(request);
      if (!request.query.follow) {
        const { lines } = await workspaces.buildLog(actor, user, name, number);
        return reply
          .type('text/plain; charset=utf-8')
          .send(lines.map((l) => `${l.ts} [${l.stage}] ${l.text}\n`).join(''));
      }
      // Subscribe before reading the stored log, so no line falls between the two.
      const workspaceId = await workspaces.watchTarget(actor, user, name);
      const live: { ts: string; stage: string; text: string; build: number }[] = [];
      let stream: ReturnType<typeof openSse> | undefined;
      const seen = new Set<string>();
      const key = (l: { ts: string; stage: string; text: string }) =>
        `${l.ts}\u0000${l.stage}\u0000${l.text}`;
      const finishIfDone = async () => {
        const build = await workspaces.getBuild(actor, user, name, number).catch(() => undefined);
        if (
          !build ||
          build.status === 'succeeded' ||
          build.status === 'failed' ||
          build.status === 'canceled'
        ) {
          stream?.send('end', { status: build?.status ?? 'canceled' });
          stream?.end();
        }
      };
      const unsubscribe = s.events.subscribe(workspaceId, {
        log: (line) => {
          if (line.build !== number) return;
          if (!stream) live.push(line);
          else if (!seen.has(key(line)))
            stream.send('log', { ts: line.ts, stage: line.stage, text: line.text });
        },
        changed: () => void finishIfDone(),
      });
      let lines: LogLine[];
      try {
        ({ lines } = await workspaces.buildLog(actor, user, name, number));
      } catch (error) {
        unsubscribe();
        throw error;
      }
      const opened = openSse(request, reply);
      stream = opened;
      stream.onClose(unsubscribe);
      stream.onClose(guardStream(s, request, workspaceId, 'view', (error) => opened.fail(error)));
      for (const l of lines) {
        seen.add(key(l));
        stream.send('log', l);
      }
      for (const l of live)
        if (!seen.has(key(l))) stream.send('log', { ts: l.ts, stage: l.stage, text: l.text });
      await finishIfDone();
    },
  );

  app.get<{ Params: WsParams }>(
    pattern(paths.watch(':user', ':name')),
    {
      schema: {
        tags: ['workspaces'],
        summary:
          'Server-sent events: `workspace` snapshots on every change and live `log` lines; ends when the workspace is deleted',
        params: WsParams,
        response: { 200: textResponse('The event stream', false) },
      },
    },
    async (request, reply) => {
      const id = await workspaces.watchTarget(actorOf(request), request.params.user, request.params.name);
      const stream = openSse(request, reply);
      stream.onClose(guardStream(s, request, id, 'view', (error) => stream.fail(error)));
      let sending = Promise.resolve();
      const sendSnapshot = () => {
        // Snapshots are sent in order; each reflects the store at the time it is read.
        sending = sending.then(async () => {
          const snapshot = await workspaces.snapshot(id);
          if (snapshot) stream.send('workspace', snapshot);
          else stream.end();
        });
      };
      stream.onClose(
        s.events.subscribe(id, { changed: sendSnapshot, log: (line) => stream.send('log', line) }),
      );
      sendSnapshot();
    },
  );
}
