/**
 * What a workspace token may do. Every workspace gets a token for the in-workspace CLI; anything
 * running in the workspace (a dependency, the image's configure script) can read it, so it may only
 * do what that CLI needs for its own workspace: who am I, this workspace's state, builds and logs,
 * keepalive, its own rebuild and stop. Everything else (tokens, secrets, dotfiles, keys, other
 * workspaces, orgs, users, any admin right) needs the user's own login.
 */

/** Routes a workspace token may call (method and pattern under the API prefix). */
const OWN_WORKSPACE_ROUTES: ReadonlySet<string> = new Set([
  'GET /users/:user/workspaces/:name',
  'POST /users/:user/workspaces/:name/rebuild',
  'POST /users/:user/workspaces/:name/stop',
  'POST /users/:user/workspaces/:name/keepalive',
  'GET /users/:user/workspaces/:name/builds',
  'GET /users/:user/workspaces/:name/builds/:number',
  'GET /users/:user/workspaces/:name/builds/:number/logs',
  'GET /users/:user/workspaces/:name/watch',
]);
const SELF_ROUTES: ReadonlySet<string> = new Set(['GET /users/me']);

/** The workspace a token was issued to, and its owner's name. */
export interface TokenWorkspace {
  readonly name: string;
  readonly owner: string;
}

export interface RouteCall {
  readonly method: string;
  /** The route's pattern without the API prefix, e.g. `/users/:user/workspaces/:name`. */
  readonly route: string;
  readonly params: Readonly<Record<string, string | undefined>>;
}

/** Whether a workspace token for `workspace` may make `call`. */
export function workspaceTokenAllows(call: RouteCall, workspace: TokenWorkspace): boolean {
  const key = `${call.method} ${call.route}`;
  if (SELF_ROUTES.has(key)) return true;
  if (!OWN_WORKSPACE_ROUTES.has(key)) return false;
  const { user, name } = call.params;
  return (user === 'me' || user === workspace.owner) && name === workspace.name;
}

/** The refusal's message: what was refused and what to use instead. */
export function scopeRefusal(call: RouteCall, workspace: TokenWorkspace): string {
  return `${call.method} ${call.route} needs your own login: this is the token of workspace ${workspace.owner}/${workspace.name}, which may only read and keep alive, rebuild or stop that workspace; run "hearth login" (or use an API token) for anything else`;
}
