/**
 * Apps and port URLs on the main origin: listing, URLs, sharing, restarting declared apps, and the
 * sign-in step for app origins (`/apps/auth`), which answers with a redirect carrying a one-time
 * ticket. The app origins themselves are served by the app proxy, never by these routes.
 */
import { AppAuthQuery, AppUrl, ListeningPorts, paths, ShareRequest, WorkspaceApps } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ICON_TYPES } from '../../core/app-icon.js';
import { actorOf } from '../auth.js';
import { signInFirst } from '../browser/sign-in-redirect.js';
import { pattern, type Services } from '../context.js';
import { Redirect } from '../openapi.js';

const IconResponse = {
  description: "The app's icon: an image file from the workspace, at most 256 KiB",
  content: Object.fromEntries(
    [...new Set(Object.values(ICON_TYPES))].map((type) => [
      type,
      { schema: Type.String({ format: 'binary' }) },
    ]),
  ),
};

const WorkspaceParams = Type.Object({ user: Type.String(), name: Type.String() });
const TargetParams = Type.Object({ user: Type.String(), name: Type.String(), target: Type.String() });
type Target = { Params: { user: string; name: string; target: string } };

export async function appRoutes(app: FastifyInstance, s: Pick<Services, 'apps'>): Promise<void> {
  appSignInRoutes(app, s);
  appListRoutes(app, s);
  appUrlRoutes(app, s);
}

/** Signing in on an app origin: the one-time ticket redirect. */
function appSignInRoutes(app: FastifyInstance, s: Pick<Services, 'apps'>): void {
  const { apps } = s;
  app.get<{ Querystring: AppAuthQuery }>(
    pattern(paths.appsAuth()),
    {
      schema: {
        tags: ['apps'],
        summary:
          'Sign in on an app origin: redirects (302) to the app host with a one-time ticket it exchanges for a cookie of its own; not found when the caller may not open it',
        querystring: AppAuthQuery,
        response: { 302: Redirect },
      },
      // A browser that is not signed in gets the dashboard's sign-in page, then comes back here.
      errorHandler: signInFirst,
    },
    async (request, reply) => {
      const { host, ticket, path } = await apps.ticketFor(actorOf(request), request.query.redirect);
      const query = new URLSearchParams({ ticket, path });
      return reply
        .header('cache-control', 'no-store')
        .redirect(`${apps.origin.scheme}://${host}/.hearth/auth?${query}`, 302);
    },
  );
}

/** A workspace's declared apps, its listening ports, and app icons. */
function appListRoutes(app: FastifyInstance, s: Pick<Services, 'apps'>): void {
  const { apps } = s;
  app.get<{ Params: { user: string; name: string } }>(
    pattern(paths.apps(':user', ':name')),
    {
      schema: {
        tags: ['apps'],
        summary: "The apps the workspace's image declares, with health now, and its shared ports (owner)",
        params: WorkspaceParams,
        response: { 200: WorkspaceApps },
      },
    },
    async (request) => apps.list(actorOf(request), request.params.user, request.params.name),
  );

  app.get<{ Params: { user: string; name: string } }>(
    pattern(paths.ports(':user', ':name')),
    {
      schema: {
        tags: ['apps'],
        summary:
          'The TCP ports the running workspace listens on now (loopback or all addresses), each with its URL, sharing and declared app (owner)',
        params: WorkspaceParams,
        response: { 200: ListeningPorts },
      },
    },
    async (request) => apps.ports(actorOf(request), request.params.user, request.params.name),
  );

  app.get<Target>(
    pattern(paths.appIcon(':user', ':name', ':target')),
    {
      schema: {
        tags: ['apps'],
        summary:
          "A declared app's icon (its icon-path), read from the running workspace; not found when it has none, or it is not an image of at most 256 KiB (owner)",
        params: TargetParams,
        response: { 200: IconResponse },
      },
    },
    async (request, reply) => {
      const icon = await apps.icon(
        actorOf(request),
        request.params.user,
        request.params.name,
        request.params.target,
      );
      // An SVG opened on its own must not run script on the main origin: no script, no plugins, sandboxed.
      return reply
        .header('content-type', icon.type)
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=300')
        .send(icon.body);
    },
  );
}

/** One app or port URL: where it is, who may open it, restarting its process. */
function appUrlRoutes(app: FastifyInstance, s: Pick<Services, 'apps'>): void {
  const { apps } = s;
  app.get<Target>(
    pattern(paths.app(':user', ':name', ':target')),
    {
      schema: {
        tags: ['apps'],
        summary: 'The URL of a port or declared app, and its sharing level (owner)',
        params: TargetParams,
        response: { 200: AppUrl },
      },
    },
    async (request) =>
      apps.url(actorOf(request), request.params.user, request.params.name, request.params.target),
  );

  app.put<Target & { Body: ShareRequest }>(
    pattern(paths.appShare(':user', ':name', ':target')),
    {
      schema: {
        tags: ['apps'],
        summary: "Share a port or app: owner, authenticated or public, up to the org's maximum (owner)",
        params: TargetParams,
        body: ShareRequest,
        response: { 200: AppUrl },
      },
    },
    async (request) =>
      apps.share(
        actorOf(request),
        request.params.user,
        request.params.name,
        request.params.target,
        request.body.level,
      ),
  );

  app.post<Target>(
    pattern(paths.appRestart(':user', ':name', ':target')),
    {
      schema: {
        tags: ['apps'],
        summary: "Restart a declared app's command as the workspace user (owner)",
        params: TargetParams,
        response: { 200: AppUrl },
      },
    },
    async (request) =>
      apps.restart(actorOf(request), request.params.user, request.params.name, request.params.target),
  );
}
