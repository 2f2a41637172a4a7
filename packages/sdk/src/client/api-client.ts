import type { SshHostKey } from '../api/access.js';
import type { AppUrl, ListeningPorts, ShareLevel, WorkspaceApps } from '../api/apps.js';
import type { Dotfiles, SetDotfilesRequest } from '../api/dotfiles.js';
import type { AddEngineRequest, Engine, SetEngineCapacityRequest } from '../api/engines.js';
import type { LogStreamEvent, WatchEvent, WorkspaceListEvent } from '../api/events.js';
import type {
  ApiToken,
  ChangePasswordRequest,
  CreatedToken,
  CreateOrgRequest,
  CreateTokenRequest,
  CreateUserRequest,
  LoginRequest,
  Org,
  OrgMember,
  PutMemberRequest,
  SessionResponse,
  SetupRequest,
  SetupStatus,
  UpdateOrgLimitsRequest,
  User,
} from '../api/identity.js';
import type { AddImageRequest, Image, ImageCheck } from '../api/images.js';
import type {
  AutostartSchedule,
  Campaign,
  ExecutorStats,
  OrgPolicy,
  PutAutostartRequest,
  StartCampaignRequest,
  UpdateOrgPolicyRequest,
  UpdateWorkspaceLifecycleRequest,
} from '../api/lifecycle.js';
import { MAX_PAGE_LIMIT } from '../api/page-limits.js';
import type { Page } from '../api/paging.js';
import type { ReplicasOverview } from '../api/replicas.js';
import type { GitSshKey, SecretInfo, SetSecretRequest } from '../api/secrets.js';
import type { AddSshKeyRequest, SshKey } from '../api/ssh-keys.js';
import type { Build, CreateWorkspaceRequest, RebuildRequest, Workspace } from '../api/workspaces.js';
import { paths } from '../routes.js';
import {
  browserFetcher,
  type Fetcher,
  type RequestSpec,
  send,
  sendJson,
  sendPage,
  streamEvents,
  type Transport,
} from './http.js';

/** How to reach a Hearth server. */
export interface HearthClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:7080` (the `/api/v1` prefix is added). */
  url: string;
  /** Session or API token, sent as `Authorization: Bearer …`. */
  token?: string | undefined;
  /** Defaults to `hearth-sdk/<version>`; empty sends none (a browser sets its own). */
  userAgent?: string | undefined;
  /** Extra headers for every request. */
  headers?: Record<string, string> | undefined;
  /** Defaults to the global fetch. */
  fetch?: Fetcher | undefined;
}

/** Options for calls that can be cancelled. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** Filters for {@link HearthClient.listWorkspaces}; `owner` may be `me`. */
export interface WorkspaceFilter {
  org?: string | undefined;
  owner?: string | undefined;
}

/** Which page of a list: its size (1 to {@link MAX_PAGE_LIMIT}) and where it starts. */
export interface PageRequest {
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Every item of a paged list, read in the largest pages. */
async function allPages<T>(read: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit: MAX_PAGE_LIMIT, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

const WATCH_EVENTS: ReadonlySet<string> = new Set(['workspace', 'log']);
const LOG_EVENTS: ReadonlySet<string> = new Set(['log', 'end']);
const LIST_EVENTS: ReadonlySet<string> = new Set(['workspace', 'gone']);

/**
 * A typed client for the Hearth HTTP API over fetch and SSE, safe in a browser: one method per
 * JSON or SSE route in `routes.ts` (the Node-only streams are on {@link HearthClient}). Every
 * failure is a {@link HearthApiError}. `user` arguments accept `me` for the caller.
 */
export class HearthApiClient {
  readonly #t: Transport;

  constructor(options: HearthClientOptions) {
    this.#t = {
      baseUrl: options.url.replace(/\/+$/, ''),
      token: options.token,
      userAgent: options.userAgent ?? 'hearth-sdk/0.1.0',
      headers: options.headers ?? {},
      fetch: options.fetch ?? browserFetcher,
    };
  }

  /** The connection settings, for subclasses that open other kinds of streams. */
  protected get transport(): Transport {
    return this.#t;
  }

  /** The server base URL this client talks to. */
  get url(): string {
    return this.#t.baseUrl;
  }

  #json<T>(method: RequestSpec['method'], path: string, rest: Omit<RequestSpec, 'method' | 'path'> = {}) {
    return sendJson<T>(this.#t, { method, path, ...rest });
  }

  // Setup and sessions.
  setupStatus(): Promise<SetupStatus> {
    return this.#json('GET', paths.setup());
  }
  setup(body: SetupRequest): Promise<SessionResponse> {
    return this.#json('POST', paths.setup(), { body });
  }
  login(body: LoginRequest): Promise<SessionResponse> {
    return this.#json('POST', paths.login(), { body });
  }
  async logout(): Promise<void> {
    await this.#json('POST', paths.logout());
  }
  me(): Promise<User> {
    return this.#json('GET', paths.me());
  }
  async changePassword(body: ChangePasswordRequest): Promise<void> {
    await this.#json('PUT', paths.password(), { body });
  }

  // Users (site admin).
  /** One page of users, by username: pass its `nextCursor` as `cursor` for the next. */
  listUsersPage(page: PageRequest = {}): Promise<Page<User>> {
    return sendPage(this.#t, { method: 'GET', path: paths.users(), query: { ...page } });
  }
  /** Every user, page after page. */
  listUsers(): Promise<User[]> {
    return allPages((page) => this.listUsersPage(page));
  }
  createUser(body: CreateUserRequest): Promise<User> {
    return this.#json('POST', paths.users(), { body });
  }
  suspendUser(user: string): Promise<User> {
    return this.#json('POST', paths.userSuspend(user));
  }
  activateUser(user: string): Promise<User> {
    return this.#json('POST', paths.userActivate(user));
  }

  // Organizations.
  listOrgs(): Promise<Org[]> {
    return this.#json('GET', paths.orgs());
  }
  createOrg(body: CreateOrgRequest): Promise<Org> {
    return this.#json('POST', paths.orgs(), { body });
  }
  /** Deletes an org with no workspaces (site admin); refused with `org_not_empty` naming them. */
  async deleteOrg(org: string): Promise<void> {
    await this.#json('DELETE', paths.org(org));
  }
  /** The org with its limits. */
  getOrgLimits(org: string): Promise<Org> {
    return this.#json('GET', paths.orgLimits(org));
  }
  /** Changes the given limits; answers the org with all its limits. */
  updateOrgLimits(org: string, body: UpdateOrgLimitsRequest): Promise<Org> {
    return this.#json('PATCH', paths.orgLimits(org), { body });
  }
  /** One page of an org's members, by username: pass its `nextCursor` as `cursor` for the next. */
  listMembersPage(org: string, page: PageRequest = {}): Promise<Page<OrgMember>> {
    return sendPage(this.#t, { method: 'GET', path: paths.orgMembers(org), query: { ...page } });
  }
  /** Every member of an org, page after page. */
  listMembers(org: string): Promise<OrgMember[]> {
    return allPages((page) => this.listMembersPage(org, page));
  }

  /** Adds a member or changes their role; answers the member as they now are. */
  putMember(org: string, user: string, body: PutMemberRequest = {}): Promise<OrgMember> {
    return this.#json('PUT', paths.orgMember(org, user), { body });
  }
  async removeMember(org: string, user: string): Promise<void> {
    await this.#json('DELETE', paths.orgMember(org, user));
  }

  // Image catalogue.
  /** One page of an org's image catalogue, by ref: pass its `nextCursor` as `cursor` for the next. */
  listImagesPage(org: string, page: PageRequest = {}): Promise<Page<Image>> {
    return sendPage(this.#t, { method: 'GET', path: paths.images(org), query: { ...page } });
  }
  /** An org's whole image catalogue, page after page. */
  listImages(org: string): Promise<Image[]> {
    return allPages((page) => this.listImagesPage(org, page));
  }
  addImage(org: string, body: AddImageRequest): Promise<Image> {
    return this.#json('POST', paths.images(org), { body });
  }
  /** Removes a catalogue entry; refused (`image_in_use`) while workspaces use it, unless `force`. */
  async removeImage(org: string, imageId: string, options: { force?: boolean } = {}): Promise<void> {
    await this.#json('DELETE', paths.image(org, imageId), options.force ? { query: { force: true } } : {});
  }
  /** Resolves every catalogue tag now and reports which moved and how many workspaces are outdated. */
  checkImages(org: string): Promise<ImageCheck[]> {
    return this.#json('POST', paths.imagesCheck(org), { body: {} });
  }

  // Dotfiles (personalize stage).
  getDotfiles(): Promise<Dotfiles> {
    return this.#json('GET', paths.dotfiles());
  }
  setDotfiles(body: SetDotfilesRequest): Promise<Dotfiles> {
    return this.#json('PUT', paths.dotfiles(), { body });
  }
  async unsetDotfiles(): Promise<void> {
    await this.#json('DELETE', paths.dotfiles());
  }

  // Secrets and the git SSH key (secrets stage).
  listSecrets(): Promise<SecretInfo[]> {
    return this.#json('GET', paths.secrets());
  }
  setSecret(name: string, body: SetSecretRequest): Promise<SecretInfo> {
    return this.#json('PUT', paths.secret(name), { body });
  }
  async removeSecret(name: string): Promise<void> {
    await this.#json('DELETE', paths.secret(name));
  }
  gitSshKey(): Promise<GitSshKey> {
    return this.#json('GET', paths.gitSsh());
  }
  regenerateGitSshKey(): Promise<GitSshKey> {
    return this.#json('POST', paths.gitSshRegenerate());
  }

  // SSH public keys (the plain SSH listener).
  listSshKeys(): Promise<SshKey[]> {
    return this.#json('GET', paths.sshKeys());
  }
  addSshKey(body: AddSshKeyRequest): Promise<SshKey> {
    return this.#json('POST', paths.sshKeys(), { body });
  }
  /** Removes a key by its id, name or fingerprint. */
  async removeSshKey(key: string): Promise<void> {
    await this.#json('DELETE', paths.sshKey(key));
  }

  // API tokens.
  listTokens(): Promise<ApiToken[]> {
    return this.#json('GET', paths.tokens());
  }
  createToken(body: CreateTokenRequest): Promise<CreatedToken> {
    return this.#json('POST', paths.tokens(), { body });
  }
  async revokeToken(id: string): Promise<void> {
    await this.#json('DELETE', paths.token(id));
  }

  // Workspaces.
  /** One page of workspaces (by owner, name, id): pass its `nextCursor` as `cursor` for the next. */
  listWorkspacesPage(filter: WorkspaceFilter & PageRequest = {}): Promise<Page<Workspace>> {
    return sendPage(this.#t, {
      method: 'GET',
      path: paths.workspaces(),
      query: { org: filter.org, owner: filter.owner, limit: filter.limit, cursor: filter.cursor },
    });
  }
  /** Every workspace of the filter, page after page. */
  listWorkspaces(filter: WorkspaceFilter = {}): Promise<Workspace[]> {
    return allPages((page) => this.listWorkspacesPage({ ...filter, ...page }));
  }
  createWorkspace(body: CreateWorkspaceRequest): Promise<Workspace> {
    return this.#json('POST', paths.workspaces(), { body });
  }
  getWorkspace(user: string, name: string, options: CallOptions = {}): Promise<Workspace> {
    return this.#json('GET', paths.workspace(user, name), { signal: options.signal });
  }
  /** Starts deletion; the home volume is removed once the workspace is gone. */
  async deleteWorkspace(user: string, name: string): Promise<void> {
    await this.#json('DELETE', paths.workspace(user, name));
  }
  rebuild(user: string, name: string, body: RebuildRequest = {}): Promise<Workspace> {
    return this.#json('POST', paths.workspaceAction(user, name, 'rebuild'), { body });
  }
  start(user: string, name: string, body: Record<string, never> = {}): Promise<Workspace> {
    return this.#json('POST', paths.workspaceAction(user, name, 'start'), { body });
  }
  stop(user: string, name: string, body: Record<string, never> = {}): Promise<Workspace> {
    return this.#json('POST', paths.workspaceAction(user, name, 'stop'), { body });
  }

  // Builds.
  /** One page of a workspace's builds, newest first: pass its `nextCursor` as `cursor` for the next. */
  listBuildsPage(user: string, name: string, page: PageRequest = {}): Promise<Page<Build>> {
    return sendPage(this.#t, { method: 'GET', path: paths.builds(user, name), query: { ...page } });
  }
  /** Every build of a workspace, newest first, page after page. */
  listBuilds(user: string, name: string): Promise<Build[]> {
    return allPages((page) => this.listBuildsPage(user, name, page));
  }
  getBuild(user: string, name: string, n: number): Promise<Build> {
    return this.#json('GET', paths.build(user, name, n));
  }
  /** The stored log of one build as plain text. */
  async buildLog(user: string, name: string, n: number, options: CallOptions = {}): Promise<string> {
    const res = await send(this.#t, {
      method: 'GET',
      path: paths.buildLogs(user, name, n),
      accept: 'text/plain',
      signal: options.signal,
    });
    return res.text();
  }
  /** Every stored line of a build, then live lines, then one `end` event once the build finished. */
  followBuildLog(
    user: string,
    name: string,
    n: number,
    options: CallOptions = {},
  ): AsyncGenerator<LogStreamEvent> {
    const spec: RequestSpec = {
      method: 'GET',
      path: paths.buildLogs(user, name, n),
      query: { follow: true },
      signal: options.signal,
    };
    return streamEvents<LogStreamEvent>(this.#t, spec, LOG_EVENTS);
  }
  /** A workspace snapshot on connect and on every change, plus live build log lines. Ends when `signal` fires. */
  watchWorkspace(user: string, name: string, options: CallOptions = {}): AsyncGenerator<WatchEvent> {
    const spec: RequestSpec = { method: 'GET', path: paths.watch(user, name), signal: options.signal };
    return streamEvents<WatchEvent>(this.#t, spec, WATCH_EVENTS);
  }

  /** The caller's own workspaces as they change: a snapshot per change, `gone` once deleted. Ends when `signal` fires. */
  watchWorkspaces(options: CallOptions = {}): AsyncGenerator<WorkspaceListEvent> {
    const spec: RequestSpec = { method: 'GET', path: paths.workspacesWatch(), signal: options.signal };
    return streamEvents<WorkspaceListEvent>(this.#t, spec, LIST_EVENTS);
  }

  // Lifecycle: auto-off, auto-start, activity.
  getOrgPolicy(org: string): Promise<OrgPolicy> {
    return this.#json('GET', paths.orgPolicy(org));
  }
  updateOrgPolicy(org: string, body: UpdateOrgPolicyRequest): Promise<OrgPolicy> {
    return this.#json('PATCH', paths.orgPolicy(org), { body });
  }
  /** The user's auto-start schedule, or null when they have none. */
  async getAutostart(user = 'me'): Promise<AutostartSchedule | null> {
    return (await this.#json<{ schedule: AutostartSchedule | null }>('GET', paths.autostart(user))).schedule;
  }
  putAutostart(body: PutAutostartRequest, user = 'me'): Promise<AutostartSchedule> {
    return this.#json('PUT', paths.autostart(user), { body });
  }
  async deleteAutostart(user = 'me'): Promise<void> {
    await this.#json('DELETE', paths.autostart(user));
  }
  updateWorkspaceLifecycle(
    user: string,
    name: string,
    body: UpdateWorkspaceLifecycleRequest,
  ): Promise<Workspace> {
    return this.#json('PATCH', paths.workspaceLifecycle(user, name), { body });
  }
  /** Counts as activity in the workspace now (auto-off starts counting again). */
  keepalive(user: string, name: string): Promise<Workspace> {
    return this.#json('POST', paths.keepalive(user, name), { body: {} });
  }
  executorStats(): Promise<ExecutorStats> {
    return this.#json('GET', paths.adminExecutor());
  }
  /** The container engines with capacity, allocation and reachability (site admin). */
  listEngines(): Promise<Engine[]> {
    return this.#json('GET', paths.engines());
  }
  addEngine(body: AddEngineRequest): Promise<Engine> {
    return this.#json('POST', paths.engines(), { body });
  }
  /** Declares the engine's capacity (what placement counts against); omitted parts stay. */
  setEngineCapacity(name: string, body: SetEngineCapacityRequest): Promise<Engine> {
    return this.#json('PATCH', paths.engine(name), { body });
  }
  /** `drain`: no new workspace is placed there; `undrain`: they are again. */
  setEngineDrained(name: string, drained: boolean): Promise<Engine> {
    return this.#json('POST', paths.engineAction(name, drained ? 'drain' : 'undrain'), { body: {} });
  }
  /** Refused (`engine_in_use`) while workspaces live there. */
  async removeEngine(name: string): Promise<void> {
    await this.#json('DELETE', paths.engine(name));
  }
  /** The live server replicas and the build queue's depth (site admin). */
  replicas(): Promise<ReplicasOverview> {
    return this.#json('GET', paths.adminReplicas());
  }
  /** Starts an admin rebuild campaign; it runs in the background (see {@link getCampaign}). */
  startCampaign(org: string, body: StartCampaignRequest): Promise<Campaign> {
    return this.#json('POST', paths.campaigns(org), { body });
  }
  /** One page of an org's campaigns, newest first: pass its `nextCursor` as `cursor` for the next. */
  listCampaignsPage(org: string, page: PageRequest = {}): Promise<Page<Campaign>> {
    return sendPage(this.#t, { method: 'GET', path: paths.campaigns(org), query: { ...page } });
  }
  /** Every campaign of an org, newest first, page after page. */
  listCampaigns(org: string): Promise<Campaign[]> {
    return allPages((page) => this.listCampaignsPage(org, page));
  }

  getCampaign(id: string): Promise<Campaign> {
    return this.#json('GET', paths.campaign(id));
  }

  // Access.
  /** The SSH gateway's public host key, for known_hosts. */
  sshHostKey(): Promise<SshHostKey> {
    return this.#json('GET', paths.sshHostKey());
  }

  // Apps and port URLs (see `api/apps.ts`).
  /** The apps the workspace's image declares, with health, and its shared ports. */
  listApps(user: string, name: string): Promise<WorkspaceApps> {
    return this.#json('GET', paths.apps(user, name));
  }
  /** The URL of a port (`"3000"`) or a declared app. */
  appUrl(user: string, name: string, target: string): Promise<AppUrl> {
    return this.#json('GET', paths.app(user, name, target));
  }
  shareApp(user: string, name: string, target: string, level: ShareLevel): Promise<AppUrl> {
    return this.#json('PUT', paths.appShare(user, name, target), { body: { level } });
  }
  restartApp(user: string, name: string, app: string): Promise<AppUrl> {
    return this.#json('POST', paths.appRestart(user, name, app), { body: {} });
  }
  /** The TCP ports the running workspace listens on now, each with its URL and sharing. */
  listPorts(user: string, name: string): Promise<ListeningPorts> {
    return this.#json('GET', paths.ports(user, name));
  }
}
