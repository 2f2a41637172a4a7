/**
 * The HTTP API's paths, in one place for the server (registration) and the client (requests).
 * `user` may be `me` for the caller. All bodies are JSON; errors are {@link ErrorBody}.
 *
 * | method | path | what |
 * |---|---|---|
 * | GET | /health | liveness, version |
 * | GET/POST | /setup | is first-time setup needed / create the site admin + org `default` (once) |
 * | POST | /auth/login, /auth/logout | sessions |
 * | GET | /users/me | the caller |
 * | PUT | /users/me/password | change the caller's password (the current one proves it) |
 * | GET/POST | /users | list / create users (site admin) |
 * | POST | /users/{user}/suspend, /users/{user}/activate | (site admin) |
 * | GET/POST | /orgs | orgs the caller belongs to (all for a site admin) / create (site admin) |
 * | DELETE | /orgs/{org} | delete an org without workspaces (site admin) |
 * | GET/PATCH | /orgs/{org}/limits | resource limits (org admin to change) |
 * | GET | /orgs/{org}/members | members |
 * | PUT/DELETE | /orgs/{org}/members/{user} | add or change role / remove (org admin) |
 * | GET/POST | /orgs/{org}/images | catalogue / add (org admin) |
 * | DELETE | /orgs/{org}/images/{imageId} | remove (org admin) |
 * | GET/PUT/DELETE | /users/me/dotfiles | the caller's dotfiles repository (personalize stage) |
 * | GET | /users/me/secrets | the caller's secrets (names only) |
 * | PUT/DELETE | /users/me/secrets/{name} | set / remove a secret |
 * | GET | /users/me/gitssh | the caller's git SSH public key (created on first use) |
 * | POST | /users/me/gitssh/regenerate | replace the key pair |
 * | GET/POST | /users/me/ssh-keys | the caller's SSH public keys (plain SSH listener) / add one |
 * | DELETE | /users/me/ssh-keys/{key} | remove one: its id, name or fingerprint |
 * | GET/POST | /tokens | the caller's API tokens / create one |
 * | DELETE | /tokens/{id} | revoke |
 * | GET | /workspaces?org=&owner= | the caller's own; with `org`, all of that org's for its admins (owner narrows, `me` allowed) |
 * | POST | /workspaces | create |
 * | GET | /workspaces/watch | SSE of the caller's own workspaces as they change (`workspace`, `gone`) |
 * | GET/DELETE | /users/{user}/workspaces/{name} | show / delete |
 * | POST | /users/{user}/workspaces/{name}/{rebuild,start,stop} | lifecycle |
 * | GET | /users/{user}/workspaces/{name}/builds[/{number}] | builds |
 * | GET | /users/{user}/workspaces/{name}/builds/{number}/logs[?follow=true] | log (text/plain, or SSE with follow) |
 * | GET | /users/{user}/workspaces/{name}/watch | SSE of workspace snapshots and live log lines |
 * | GET | /users/{user}/workspaces/{name}/exec | WebSocket exec (see events.ts) |
 * | POST | /orgs/{org}/images/check | resolve every tag now; marks workspaces outdated (org admin) |
 * | GET/PATCH | /orgs/{org}/policy | lifecycle policy: auto-off, auto-start days (org admin to change) |
 * | GET/PUT/DELETE | /users/{user}/autostart | the user's auto-start schedule |
 * | PATCH | /users/{user}/workspaces/{name}/lifecycle | auto-start opt-in, own auto-off |
 * | POST | /users/{user}/workspaces/{name}/keepalive | count as activity now |
 * | GET/POST | /orgs/{org}/campaigns | admin rebuild campaigns: list / start one (org admin) |
 * | GET | /campaigns/{id} | one campaign with per-workspace results (org admin) |
 * | GET | /admin/executor | lifecycle executor counters (site admin) |
 * | GET/POST | /admin/engines | the engine pool: capacity, allocation, reachability / add one (site admin) |
 * | PATCH/DELETE | /admin/engines/{name} | declare its capacity / remove an engine without workspaces (site admin) |
 * | POST | /admin/engines/{name}/{drain,undrain} | stop / resume placing new workspaces there (site admin) |
 * | GET | /admin/replicas | live server replicas, their running builds, the queue's depth (site admin) |
 * | GET | /users/{user}/workspaces/{name}/ssh | WebSocket SSH tunnel (see api/access.ts) |
 * | GET | /users/{user}/workspaces/{name}/terminal | WebSocket terminal (see api/access.ts) |
 * | GET | /ssh/host-key | the SSH gateway host key |
 * | GET | /users/{user}/workspaces/{name}/apps | declared apps with health, shared ports (see api/apps.ts) |
 * | GET | /users/{user}/workspaces/{name}/apps/{target} | the URL of a port or app |
 * | PUT | /users/{user}/workspaces/{name}/apps/{target}/share | set its sharing level (owner) |
 * | POST | /users/{user}/workspaces/{name}/apps/{app}/restart | restart a declared app's command (owner) |
 * | GET | /users/{user}/workspaces/{name}/apps/{app}/icon | the app's icon, an image file from the workspace (owner) |
 * | GET | /users/{user}/workspaces/{name}/ports | TCP ports listening now, with URL and sharing (owner) |
 * | GET | /apps/auth?redirect=URL | sign in on an app origin: redirects there with a one-time ticket |
 */
export const API_PREFIX = '/api/v1';

const seg = encodeURIComponent;

export const paths = {
  health: () => '/health',
  openapi: () => '/openapi.json',
  setup: () => '/setup',
  login: () => '/auth/login',
  logout: () => '/auth/logout',
  me: () => '/users/me',
  password: () => '/users/me/password',
  users: () => '/users',
  userSuspend: (user: string) => `/users/${seg(user)}/suspend`,
  userActivate: (user: string) => `/users/${seg(user)}/activate`,
  orgs: () => '/orgs',
  org: (org: string) => `/orgs/${seg(org)}`,
  orgLimits: (org: string) => `/orgs/${seg(org)}/limits`,
  orgMembers: (org: string) => `/orgs/${seg(org)}/members`,
  orgMember: (org: string, user: string) => `/orgs/${seg(org)}/members/${seg(user)}`,
  images: (org: string) => `/orgs/${seg(org)}/images`,
  image: (org: string, id: string) => `/orgs/${seg(org)}/images/${seg(id)}`,
  dotfiles: () => '/users/me/dotfiles',
  secrets: () => '/users/me/secrets',
  secret: (name: string) => `/users/me/secrets/${seg(name)}`,
  gitSsh: () => '/users/me/gitssh',
  gitSshRegenerate: () => '/users/me/gitssh/regenerate',
  sshKeys: () => '/users/me/ssh-keys',
  sshKey: (key: string) => `/users/me/ssh-keys/${seg(key)}`,
  tokens: () => '/tokens',
  token: (id: string) => `/tokens/${seg(id)}`,
  workspaces: () => '/workspaces',
  workspacesWatch: () => '/workspaces/watch',
  workspace: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}`,
  workspaceAction: (user: string, name: string, action: 'rebuild' | 'start' | 'stop') =>
    `/users/${seg(user)}/workspaces/${seg(name)}/${action}`,
  builds: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/builds`,
  build: (user: string, name: string, n: number) => `/users/${seg(user)}/workspaces/${seg(name)}/builds/${n}`,
  buildLogs: (user: string, name: string, n: number) =>
    `/users/${seg(user)}/workspaces/${seg(name)}/builds/${n}/logs`,
  watch: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/watch`,
  exec: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/exec`,
  imagesCheck: (org: string) => `/orgs/${seg(org)}/images/check`,
  orgPolicy: (org: string) => `/orgs/${seg(org)}/policy`,
  autostart: (user: string) => `/users/${seg(user)}/autostart`,
  workspaceLifecycle: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/lifecycle`,
  keepalive: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/keepalive`,
  adminExecutor: () => '/admin/executor',
  engines: () => '/admin/engines',
  engine: (name: string) => `/admin/engines/${seg(name)}`,
  engineAction: (name: string, action: 'drain' | 'undrain') => `/admin/engines/${seg(name)}/${action}`,
  adminReplicas: () => '/admin/replicas',
  campaigns: (org: string) => `/orgs/${seg(org)}/campaigns`,
  campaign: (id: string) => `/campaigns/${seg(id)}`,
  sshTunnel: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/ssh`,
  terminal: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/terminal`,
  sshHostKey: () => '/ssh/host-key',
  apps: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/apps`,
  app: (user: string, name: string, target: string) =>
    `/users/${seg(user)}/workspaces/${seg(name)}/apps/${seg(target)}`,
  appShare: (user: string, name: string, target: string) =>
    `/users/${seg(user)}/workspaces/${seg(name)}/apps/${seg(target)}/share`,
  appRestart: (user: string, name: string, app: string) =>
    `/users/${seg(user)}/workspaces/${seg(name)}/apps/${seg(app)}/restart`,
  appIcon: (user: string, name: string, app: string) =>
    `/users/${seg(user)}/workspaces/${seg(name)}/apps/${seg(app)}/icon`,
  ports: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/ports`,
  appsAuth: () => '/apps/auth',
} as const;

/**
 * The `Upgrade` protocol of the raw SSH tunnel: after the server's 101 the connection carries the
 * SSH bytes themselves, with no WebSocket framing or masking. The tunnel route also accepts
 * `Upgrade: websocket` (browsers, older CLIs). The client sends nothing before the 101.
 */
export const SSH_TUNNEL_UPGRADE = 'hearth-ssh';
