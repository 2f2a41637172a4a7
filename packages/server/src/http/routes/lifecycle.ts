/**
 * Lifecycle: org policy, auto-start schedules, per-workspace settings, keepalive, executor counters.
 */
import {
  AutostartSchedule,
  Campaign,
  ExecutorStats,
  ImageCheck,
  OrgPolicy,
  PageHeaders,
  PageQuery,
  PutAutostartRequest,
  paths,
  StartCampaignRequest,
  UpdateOrgPolicyRequest,
  UpdateWorkspaceLifecycleRequest,
  Workspace,
} from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HearthError } from '../../errors.js';
import { actorOf } from '../auth.js';
import { pattern, type Services } from '../context.js';
import { NoContent } from '../openapi.js';
import { sendPage } from '../paging.js';

const OrgParam = Type.Object({ org: Type.String() });
const UserParam = Type.Object({ user: Type.String() });
const WorkspaceParams = Type.Object({ user: Type.String(), name: Type.String() });
type WsParams = { Params: { user: string; name: string } };

export async function lifecycleRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'lifecycle' | 'campaigns' | 'imageChecker' | 'executorStats'>,
): Promise<void> {
  policyRoutes(app, s);
  autostartRoutes(app, s);
  workspaceLifecycleRoutes(app, s);
  campaignRoutes(app, s);
}

/** An org's lifecycle policy, and checking its images for updates. */
function policyRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'lifecycle' | 'campaigns' | 'imageChecker' | 'executorStats'>,
): void {
  const { lifecycle } = s;
  app.get<{ Params: { org: string } }>(
    pattern(paths.orgPolicy(':org')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: "An org's lifecycle policy",
        params: OrgParam,
        response: { 200: OrgPolicy },
      },
    },
    async (request) => lifecycle.getPolicy(actorOf(request), request.params.org),
  );

  app.patch<{ Params: { org: string }; Body: UpdateOrgPolicyRequest }>(
    pattern(paths.orgPolicy(':org')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: 'Change the lifecycle policy (org admin); running workspaces follow it at once',
        params: OrgParam,
        body: UpdateOrgPolicyRequest,
        response: { 200: OrgPolicy },
      },
    },
    async (request) => lifecycle.updatePolicy(actorOf(request), request.params.org, request.body),
  );

  app.post<{ Params: { org: string } }>(
    pattern(paths.imagesCheck(':org')),
    {
      schema: {
        tags: ['images'],
        summary:
          'Resolve every catalogue tag now (pulling registry images); workspaces on older digests show outdated (org admin)',
        params: OrgParam,
        response: { 200: Type.Array(ImageCheck) },
      },
    },
    async (request) => s.imageChecker.checkOrg(actorOf(request), request.params.org),
  );
}

/** A user's auto-start schedule. */
function autostartRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'lifecycle' | 'campaigns' | 'imageChecker' | 'executorStats'>,
): void {
  const { lifecycle } = s;
  app.get<{ Params: { user: string } }>(
    pattern(paths.autostart(':user')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: "The user's auto-start schedule (null when none)",
        params: UserParam,
        response: { 200: Type.Object({ schedule: Type.Union([AutostartSchedule, Type.Null()]) }) },
      },
    },
    async (request) => ({ schedule: await lifecycle.getSchedule(actorOf(request), request.params.user) }),
  );

  app.put<{ Params: { user: string }; Body: PutAutostartRequest }>(
    pattern(paths.autostart(':user')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: 'Set the auto-start schedule: opted-in stopped workspaces are rebuilt at that time',
        params: UserParam,
        body: PutAutostartRequest,
        response: { 200: AutostartSchedule },
      },
    },
    async (request) => lifecycle.putSchedule(actorOf(request), request.params.user, request.body),
  );

  app.delete<{ Params: { user: string } }>(
    pattern(paths.autostart(':user')),
    {
      schema: {
        response: { 204: NoContent },
        tags: ['lifecycle'],
        summary: 'Turn auto-start off',
        params: UserParam,
      },
    },
    async (request, reply) => {
      await lifecycle.deleteSchedule(actorOf(request), request.params.user);
      return reply.status(204).send();
    },
  );
}

/** A workspace's own auto-off and auto-start settings, and keepalive. */
function workspaceLifecycleRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'lifecycle' | 'campaigns' | 'imageChecker' | 'executorStats'>,
): void {
  const { lifecycle } = s;
  app.patch<WsParams & { Body: UpdateWorkspaceLifecycleRequest }>(
    pattern(paths.workspaceLifecycle(':user', ':name')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: 'Opt a workspace in or out of auto-start, or set its own shorter auto-off (owner)',
        params: WorkspaceParams,
        body: UpdateWorkspaceLifecycleRequest,
        response: { 200: Workspace },
      },
    },
    async (request) =>
      lifecycle.updateWorkspace(actorOf(request), request.params.user, request.params.name, request.body),
  );

  app.post<WsParams>(
    pattern(paths.keepalive(':user', ':name')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: 'Count as activity now, so auto-off waits (owner; `hearth keepalive` inside the workspace)',
        params: WorkspaceParams,
        response: { 200: Workspace },
      },
    },
    async (request) => lifecycle.keepalive(actorOf(request), request.params.user, request.params.name),
  );
}

/** Rebuild campaigns, and the executor's counters. */
function campaignRoutes(
  app: FastifyInstance,
  s: Pick<Services, 'lifecycle' | 'campaigns' | 'imageChecker' | 'executorStats'>,
): void {
  app.post<{ Params: { org: string }; Body: StartCampaignRequest }>(
    pattern(paths.campaigns(':org')),
    {
      schema: {
        tags: ['lifecycle'],
        summary:
          'Start an admin rebuild campaign (org admin): matching workspaces rebuilt, a bounded number at once',
        params: OrgParam,
        body: StartCampaignRequest,
        response: { 201: Campaign },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.campaigns.start(actorOf(request), request.params.org, request.body)),
  );

  app.get<{ Params: { org: string }; Querystring: { limit?: number; cursor?: string } }>(
    pattern(paths.campaigns(':org')),
    {
      schema: {
        tags: ['lifecycle'],
        summary:
          "The org's rebuild campaigns, newest first (org admin); one page (the Link and X-Next-Cursor headers say where the next page is)",
        params: OrgParam,
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Array(Campaign, { headers: PageHeaders }) },
      },
    },
    async (request, reply) =>
      sendPage(request, reply, await s.campaigns.list(actorOf(request), request.params.org, request.query)),
  );

  app.get<{ Params: { id: string } }>(
    pattern(paths.campaign(':id')),
    {
      schema: {
        tags: ['lifecycle'],
        summary: 'One campaign with per-workspace results (org admin)',
        params: Type.Object({ id: Type.String() }),
        response: { 200: Campaign },
      },
    },
    async (request) => s.campaigns.get(actorOf(request), request.params.id),
  );

  app.get(
    paths.adminExecutor(),
    {
      schema: {
        tags: ['lifecycle'],
        summary: 'Lifecycle executor counters (site admin)',
        response: { 200: ExecutorStats },
      },
    },
    async (request) => {
      if (!actorOf(request).siteAdmin)
        throw new HearthError('forbidden', 'only a site admin can see the lifecycle executor');
      return s.executorStats();
    },
  );
}
