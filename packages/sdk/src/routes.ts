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
 * | GET/POST | /users | list / create users (site admin) |
 * | POST | /users/{user}/suspend, /users/{user}/activate | (site admin) |
 * | GET/POST | /orgs | orgs the caller belongs to (all for a site admin) / create (site admin) |
 * | GET/PATCH | /orgs/{org}/limits | resource limits (org admin to change) |
 * | GET | /orgs/{org}/members | members |
 * | PUT/DELETE | /orgs/{org}/members/{user} | add or change role / remove (org admin) |
 * | GET/POST | /orgs/{org}/images | catalogue / add (org admin) |
 * | DELETE | /orgs/{org}/images/{imageId} | remove (org admin) |
 * | GET/POST | /tokens | the caller's API tokens / create one |
 * | DELETE | /tokens/{id} | revoke |
 * | GET | /workspaces?org=&owner= | workspaces visible to the caller |
 * | POST | /workspaces | create |
 * | GET/DELETE | /users/{user}/workspaces/{name} | show / delete |
 * | POST | /users/{user}/workspaces/{name}/{rebuild,start,stop} | lifecycle |
 * | GET | /users/{user}/workspaces/{name}/builds[/{number}] | builds |
 * | GET | /users/{user}/workspaces/{name}/builds/{number}/logs[?follow=true] | log (text/plain, or SSE with follow) |
 * | GET | /users/{user}/workspaces/{name}/watch | SSE of workspace snapshots and live log lines |
 * | GET | /users/{user}/workspaces/{name}/exec | WebSocket exec (see events.ts) |
 * | GET | /users/{user}/workspaces/{name}/ssh | WebSocket SSH tunnel (see api/access.ts) |
 * | GET | /users/{user}/workspaces/{name}/terminal | WebSocket terminal (see api/access.ts) |
 * | GET | /ssh/host-key | the SSH gateway host key |
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
  users: () => '/users',
  userSuspend: (user: string) => `/users/${seg(user)}/suspend`,
  userActivate: (user: string) => `/users/${seg(user)}/activate`,
  orgs: () => '/orgs',
  orgLimits: (org: string) => `/orgs/${seg(org)}/limits`,
  orgMembers: (org: string) => `/orgs/${seg(org)}/members`,
  orgMember: (org: string, user: string) => `/orgs/${seg(org)}/members/${seg(user)}`,
  images: (org: string) => `/orgs/${seg(org)}/images`,
  image: (org: string, id: string) => `/orgs/${seg(org)}/images/${seg(id)}`,
  tokens: () => '/tokens',
  token: (id: string) => `/tokens/${seg(id)}`,
  workspaces: () => '/workspaces',
  workspace: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}`,
  workspaceAction: (user: string, name: string, action: 'rebuild' | 'start' | 'stop') =>
    `/users/${seg(user)}/workspaces/${seg(name)}/${action}`,
  builds: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/builds`,
  build: (user: string, name: string, n: number) => `/users/${seg(user)}/workspaces/${seg(name)}/builds/${n}`,
  buildLogs: (user: string, name: string, n: number) =>
    `/users/${seg(user)}/workspaces/${seg(name)}/builds/${n}/logs`,
  watch: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/watch`,
  exec: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/exec`,
  sshTunnel: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/ssh`,
  terminal: (user: string, name: string) => `/users/${seg(user)}/workspaces/${seg(name)}/terminal`,
  sshHostKey: () => '/ssh/host-key',
} as const;
