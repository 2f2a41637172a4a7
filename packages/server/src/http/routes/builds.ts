/**
 * A workspace's builds: the list, one build with its stages, and its log (stored or followed live).
 */
import { Build, type LogLine, PageHeaders, PageQuery, paths } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { textResponse } from '../openapi.js';
import { sendPage } from '../paging.js';
import { openSse } from '../sse.js';
import { guardStream } from '../stream-guard.js';
import { BuildParams, WsParams } from './workspace-params.js';

export async function buildRoutes(app: FastifyInstance, s: Deps): Promise<void> {
  app.get<{ Params: WsParams; Querystring: { limit?: number; cursor?: string } }>(
    pattern(paths.builds(':user', ':name')),
    {
      schema: {
        tags: ['builds'],
        summary:
          'Builds, newest first; one page (the Link and X-Next-Cursor headers say where the next page is)',
        params: WsParams,
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Array(Build, { headers: PageHeaders }) },
      },
    },
    async (request, reply) =>
      sendPage(
        request,
        reply,
        await s.workspaces.listBuilds(
          actorOf(request),
          request.params.user,
          request.params.name,
          request.query,
        ),
      ),
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
      s.workspaces.getBuild(
        actorOf(request),
        request.params.user,
        request.params.name,
        request.params.number,
      ),
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
    (request, reply) => sendBuildLog(s, request, reply),
  );
}

type Deps = Pick<Services, 'workspaces' | 'events' | 'revocations' | 'clock'>;
type LogRequest = FastifyRequest<{ Params: BuildParams; Querystring: { follow?: boolean } }>;

/** The stored log as text, or with `?follow=true` the stored lines and then the live ones until the build ends. */
async function sendBuildLog(s: Deps, request: LogRequest, reply: FastifyReply): Promise<void> {
  const { user, name, number } = request.params;
  const actor = actorOf(request);
  if (!request.query.follow) {
    const { lines } = await s.workspaces.buildLog(actor, user, name, number);
    return reply
      .type('text/plain; charset=utf-8')
      .send(lines.map((l) => `${l.ts} [${l.stage}] ${l.text}\n`).join(''));
  }
  // Subscribe before reading the stored log, so no line falls between the two.
  const workspaceId = await s.workspaces.watchTarget(actor, user, name);
  const live: { ts: string; stage: string; text: string; build: number }[] = [];
  let stream: ReturnType<typeof openSse> | undefined;
  const seen = new Set<string>();
  const key = (l: { ts: string; stage: string; text: string }) => `${l.ts}\u0000${l.stage}\u0000${l.text}`;
  const finishIfDone = async () => {
    const build = await s.workspaces.getBuild(actor, user, name, number).catch(() => undefined);
    if (!build || build.status === 'succeeded' || build.status === 'failed' || build.status === 'canceled') {
      stream?.send('end', { status: build?.status ?? 'canceled' });
      stream?.end();
    }
  };
  const unsubscribe = s.events.subscribe(workspaceId, {
    log: (line) => {
      if (line.build !== number) return;
      if (!stream) live.push(line);
      else if (!seen.has(key(line))) stream.send('log', { ts: line.ts, stage: line.stage, text: line.text });
    },
    changed: () => void finishIfDone(),
  });
  let lines: LogLine[];
  try {
    ({ lines } = await s.workspaces.buildLog(actor, user, name, number));
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
  for (const l of live) if (!seen.has(key(l))) stream.send('log', { ts: l.ts, stage: l.stage, text: l.text });
  await finishIfDone();
}
