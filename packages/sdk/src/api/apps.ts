import { type Static, Type } from '@sinclair/typebox';

/**
 * Workspace apps and port URLs. Every port of a running workspace, and every app its image
 * declares (`/coder/apps/config.yaml` or `/hearth/apps.yaml`), has a URL on its own origin:
 * `http://PORT-or-APP--WORKSPACE--OWNER.<apps domain>/`. Who may open it is its sharing level,
 * capped by the org's policy; anyone else is answered as if it did not exist.
 *
 * Signing in on an app origin: a visit without that origin's own session is redirected to
 * `GET /apps/auth?redirect=URL` on the main origin, which (for a signed-in user allowed to open
 * the app) redirects back with a one-time ticket that the app host exchanges for a cookie valid
 * on that host only. Paths under `/.hearth/` on app origins belong to Hearth.
 */
export const ShareLevel = Type.Union(
  [Type.Literal('owner'), Type.Literal('authenticated'), Type.Literal('public')],
  { description: '`owner` (only the owner), `authenticated` (any signed-in user), `public` (anyone).' },
);
export type ShareLevel = Static<typeof ShareLevel>;

export const AppHealth = Type.Union(
  [
    Type.Literal('healthy'),
    Type.Literal('unhealthy'),
    Type.Literal('no_check'),
    Type.Literal('workspace_not_running'),
  ],
  { description: 'The declared health check’s result now; `no_check` when the app declares none.' },
);
export type AppHealth = Static<typeof AppHealth>;

export const WorkspaceApp = Type.Object({
  name: Type.String(),
  port: Type.Integer(),
  scheme: Type.String(),
  url: Type.String(),
  command: Type.Union([Type.String(), Type.Null()], { description: 'What Hearth starts at build end.' }),
  iconPath: Type.Union([Type.String(), Type.Null()]),
  health: AppHealth,
  sharing: ShareLevel,
});
export type WorkspaceApp = Static<typeof WorkspaceApp>;

/** A port or app URL and who may open it. */
export const AppUrl = Type.Object({
  target: Type.String({ description: 'A port number or an app name.' }),
  url: Type.String(),
  sharing: ShareLevel,
});
export type AppUrl = Static<typeof AppUrl>;

export const WorkspaceApps = Type.Object({
  apps: Type.Array(WorkspaceApp),
  ports: Type.Array(AppUrl, { description: 'Ports shared beyond the owner.' }),
  maxShareLevel: ShareLevel,
});
export type WorkspaceApps = Static<typeof WorkspaceApps>;

/** A TCP port the workspace listens on where its port URL reaches it. */
export const ListeningPort = Type.Object({
  port: Type.Integer(),
  url: Type.String(),
  sharing: ShareLevel,
  app: Type.Union([Type.String(), Type.Null()], {
    description: 'The app the image declares on this port, or null for any other server.',
  }),
});
export type ListeningPort = Static<typeof ListeningPort>;

export const ListeningPorts = Type.Object({
  ports: Type.Array(ListeningPort, {
    description:
      'Ports listening on the workspace’s loopback or on all its addresses, ascending (a server bound only to ::1 is not reachable by URL and is left out).',
  }),
  maxShareLevel: ShareLevel,
});
export type ListeningPorts = Static<typeof ListeningPorts>;

export const ShareRequest = Type.Object({ level: ShareLevel });
export type ShareRequest = Static<typeof ShareRequest>;

export const AppAuthQuery = Type.Object({
  redirect: Type.String({
    description: 'The app URL to return to, e.g. `http://3000--api--alice.localhost:7080/`.',
  }),
});
export type AppAuthQuery = Static<typeof AppAuthQuery>;
