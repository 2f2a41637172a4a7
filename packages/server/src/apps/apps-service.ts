/**
 * Workspace apps and port URLs as use cases: which workspace and port a hostname names, who may
 * open it, sharing, the declared apps with their health, and signing in on an app origin.
 */
import type { AppHealth, AppUrl, ListeningPorts, ShareLevel, WorkspaceApp, WorkspaceApps } from '@hearth/sdk';
import { homeOf } from '../builds/build-stage.js';
import { type AppAddress, addressCandidates, appHost, portOf } from '../core/app-host.js';
import { ICON_MAX_BYTES } from '../core/app-icon.js';
import { effectiveLevel, isShareLevel, mayOpenApp, shareProblem } from '../core/app-sharing.js';
import type { AppSpec } from '../core/apps-config.js';
import { HearthError } from '../errors.js';
import type { Actor } from '../identity/actor.js';
import type { UserService } from '../identity/user-service.js';
import type { ActivitySink } from '../ports/activity.js';
import type { Clock } from '../ports/clock.js';
import type { Runtimes } from '../runtime/runtimes.js';
import type { Database } from '../store/database.js';
import { findOrgById } from '../store/repositories/orgs.repository.js';
import * as shares from '../store/repositories/shares.repository.js';
import { findWorkspace, type WorkspaceRecord } from '../store/repositories/workspaces.repository.js';
import type { OrgRow } from '../store/schema.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import { type AppIcon, readAppIcon } from './app-icon.js';
import { checkHealth, startApp } from './app-process.js';
import { AppSessions } from './app-sessions.js';
import type { ForwardAgents } from './forward-agent.js';
import type { TlsForwardAgents } from './tls-forward-agents.js';
import { readListeningPorts } from './workspace-ports.js';

/** Where app URLs live: `scheme://TARGET--WORKSPACE--OWNER.<domain>/`. */
export interface AppsOrigin {
  /** e.g. `localhost:7080`; read when needed, since the default follows the bound port. */
  domain(): string;
  readonly scheme: 'http' | 'https';
}

/** A hostname resolved to what it serves. */
export interface ResolvedApp {
  readonly host: string;
  readonly address: AppAddress;
  readonly workspace: WorkspaceRecord;
  readonly port: number;
  readonly app: AppSpec | undefined;
  /** The sharing level in force (the share, capped by the org). */
  readonly level: ShareLevel;
}

export const maxShareLevel = (org: OrgRow): ShareLevel =>
  isShareLevel(org.max_share_level) ? org.max_share_level : 'owner';

export const declaredApps = (ws: { apps: string | null }): AppSpec[] =>
  ws.apps ? (JSON.parse(ws.apps) as AppSpec[]) : [];

export const targetOf = (ws: WorkspaceRecord): ExecTarget => ({
  workspaceId: ws.id,
  engineId: ws.engine_id,
  containerId: ws.container_id!,
  username: ws.username!,
  home: homeOf(ws.username!),
});

export interface AppsDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly users: Pick<UserService, 'findUser'>;
  /** A workspace's apps run on its engine. */
  readonly runtimes: Runtimes;
  readonly agents: ForwardAgents;
  readonly tlsAgents: TlsForwardAgents;
  readonly activity: ActivitySink;
  readonly origin: AppsOrigin;
}

/**
 * How long a hostname's resolution is reused: a browser loading a web IDE sends hundreds of
 * requests, and each would otherwise cost four queries. A change of sharing clears it at once; a
 * workspace that stopped meanwhile is noticed by its forwarder failing.
 */
const RESOLVE_TTL_MS = 1000;

interface Resolution {
  readonly at: number;
  readonly value: Promise<ResolvedApp | undefined>;
  /** Set once `value` has arrived. */
  settled?: { readonly app: ResolvedApp | undefined };
}

export class AppService {
  readonly #d: AppsDeps;
  readonly sessions: AppSessions;
  readonly #resolved = new Map<string, Resolution>();

  constructor(deps: AppsDeps) {
    this.#d = deps;
    this.sessions = new AppSessions(deps.clock);
  }

  /** Forgets cached resolutions (a policy or share changed). */
  forget(): void {
    this.#resolved.clear();
  }

  get origin(): AppsOrigin {
    return this.#d.origin;
  }

  urlOf(address: AppAddress): string {
    return `${this.#d.origin.scheme}://${appHost(address, this.#d.origin.domain())}/`;
  }

  /** What `label` (the hostname's first label) serves, or undefined when nothing by that name exists. */
  resolve(label: string): Promise<ResolvedApp | undefined> {
    const now = this.#d.clock.now().getTime();
    const cached = this.#resolved.get(label);
    if (cached && now - cached.at < RESOLVE_TTL_MS) return cached.value;
    if (this.#resolved.size > 10_000) this.#resolved.clear();
    const value = this.#lookup(label);
    const resolution: Resolution = { at: now, value };
    this.#resolved.set(label, resolution);
    value.then(
      (app) => {
        resolution.settled = { app };
      },
      () => this.#resolved.delete(label),
    );
    return value;
  }

  /**
   * What {@link resolve} would give, when a resolution still fresh has already arrived: the proxy
   * then admits a request in the same turn, with no promise to wait for. Undefined otherwise (ask
   * `resolve`); `{ app: undefined }` when nothing by that name exists.
   */
  resolvedNow(label: string): { readonly app: ResolvedApp | undefined } | undefined {
    const cached = this.#resolved.get(label);
    if (!cached?.settled || this.#d.clock.now().getTime() - cached.at >= RESOLVE_TTL_MS) return undefined;
    return cached.settled;
  }

  async #lookup(label: string): Promise<ResolvedApp | undefined> {
    const found: { address: AppAddress; ws: WorkspaceRecord }[] = [];
    for (const address of addressCandidates(label)) {
      const owner = await this.#d.users.findUser(address.owner);
      const ws = owner && (await findWorkspace(this.#d.db, owner.id, address.workspace));
      if (ws) found.push({ address, ws });
    }
    // Names made before `--` was refused in them can read as one host in two ways (web--api of
    // bob, web of api--bob): such a host is nobody's, rather than whichever reading comes first.
    if (found.length !== 1) return undefined;
    const { address, ws } = found[0]!;
    const app =
      portOf(address.target) === undefined
        ? declaredApps(ws).find((a) => a.name === address.target)
        : undefined;
    const port = portOf(address.target) ?? app?.port;
    if (port === undefined) return undefined;
    const org = await findOrgById(this.#d.db, ws.org_id);
    const shared = (await shares.findShare(this.#d.db, ws.id, address.target))?.level ?? 'owner';
    const level = effectiveLevel(isShareLevel(shared) ? shared : 'owner', org ? maxShareLevel(org) : 'owner');
    return { host: appHost(address, this.#d.origin.domain()), address, workspace: ws, port, app, level };
  }

  /** Whether `viewer` (undefined = signed out) may open `resolved`. */
  mayOpen(resolved: ResolvedApp, viewer: Actor | undefined): boolean {
    return mayOpenApp(resolved.level, resolved.workspace.owner_id, viewer?.id);
  }

  /**
   * A one-time ticket for `actor` to sign in on the app host of `url`. Refused exactly as for an
   * app that does not exist when the actor may not open it.
   */
  async ticketFor(actor: Actor, url: string): Promise<{ host: string; ticket: string; path: string }> {
    const notFound = new HearthError(
      'app_not_found',
      `no app or port at ${url}; check the URL ("hearth apps list")`,
    );
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new HearthError(
        'invalid_input',
        `redirect "${url}" is not a URL; give the app URL, e.g. ${this.urlOf({ target: '3000', workspace: 'api', owner: actor.username })}`,
      );
    }
    const domain = this.#d.origin.domain().toLowerCase();
    const host = parsed.host.toLowerCase();
    if (!host.endsWith(`.${domain}`) || parsed.protocol !== `${this.#d.origin.scheme}:`) throw notFound;
    const resolved = await this.resolve(host.slice(0, -domain.length - 1));
    if (!resolved || resolved.host !== host || !this.mayOpen(resolved, actor)) throw notFound;
    return { host, ticket: this.sessions.issue(actor, host), path: `${parsed.pathname}${parsed.search}` };
  }

  /** The workspace `owner/name` as its owner sees it (others: not found). */
  async #owned(actor: Actor, owner: string, name: string): Promise<{ ws: WorkspaceRecord; org: OrgRow }> {
    const ownerName = owner === 'me' ? actor.username : owner;
    const user = await this.#d.users.findUser(ownerName);
    const ws = user && (await findWorkspace(this.#d.db, user.id, name));
    const org = ws && (await findOrgById(this.#d.db, ws.org_id));
    // Apps are entered like exec: only the owner manages their sharing, and others cannot tell it exists.
    if (!ws || !org || ws.owner_id !== actor.id)
      throw new HearthError(
        'workspace_not_found',
        `no workspace named ${owner === 'me' ? name : `${ownerName}/${name}`}; see "hearth list"`,
      );
    return { ws, org };
  }

  #checkTarget(ws: WorkspaceRecord, target: string): AppSpec | undefined {
    if (portOf(target) !== undefined) return undefined;
    const app = declaredApps(ws).find((a) => a.name === target);
    if (!app)
      throw new HearthError(
        'app_not_found',
        `"${target}" is neither a port (1-65535) nor an app of ${ws.name} ${appsOf(ws)}`,
      );
    return app;
  }

  async url(actor: Actor, owner: string, name: string, target: string): Promise<AppUrl> {
    const { ws, org } = await this.#owned(actor, owner, name);
    this.#checkTarget(ws, target);
    const shared = (await shares.findShare(this.#d.db, ws.id, target))?.level ?? 'owner';
    return this.#view(
      ws,
      target,
      effectiveLevel(isShareLevel(shared) ? shared : 'owner', maxShareLevel(org)),
    );
  }

  async share(actor: Actor, owner: string, name: string, target: string, level: ShareLevel): Promise<AppUrl> {
    const { ws, org } = await this.#owned(actor, owner, name);
    this.#checkTarget(ws, target);
    const problem = shareProblem(level, maxShareLevel(org), org.name);
    if (problem) throw new HearthError('forbidden', problem);
    await shares.putShare(this.#d.db, ws.id, target, level, this.#d.clock.now().toISOString());
    this.forget();
    return this.#view(ws, target, level);
  }

  async restart(actor: Actor, owner: string, name: string, appName: string): Promise<AppUrl> {
    const { ws, org } = await this.#owned(actor, owner, name);
    // Only an app has a command to run again: a port (or a typo) is not something to restart.
    const app = declaredApps(ws).find((a) => a.name === appName);
    if (!app)
      throw new HearthError(
        'app_not_found',
        `only apps can be restarted, and "${appName}" is not an app of ${ws.name} ${appsOf(ws)}`,
      );
    if (!app.start)
      throw new HearthError('invalid_input', `app ${appName} declares no command, so Hearth does not run it`);
    this.#requireRunning(ws);
    await startApp(await this.#d.runtimes.of(ws.engine_id), targetOf(ws), app);
    const shared = (await shares.findShare(this.#d.db, ws.id, appName))?.level ?? 'owner';
    return this.#view(
      ws,
      appName,
      effectiveLevel(isShareLevel(shared) ? shared : 'owner', maxShareLevel(org)),
    );
  }

  async list(actor: Actor, owner: string, name: string): Promise<WorkspaceApps> {
    const { ws, org } = await this.#owned(actor, owner, name);
    const max = maxShareLevel(org);
    const rows = await shares.listShares(this.#d.db, ws.id);
    const levelOf = (target: string): ShareLevel => {
      const level = rows.find((r) => r.target === target)?.level ?? 'owner';
      return effectiveLevel(isShareLevel(level) ? level : 'owner', max);
    };
    const running = ws.state === 'running' && ws.container_id !== null;
    const apps: WorkspaceApp[] = await Promise.all(
      declaredApps(ws).map(async (app) => {
        const health: AppHealth = !running
          ? 'workspace_not_running'
          : await checkHealth(await this.#d.runtimes.of(ws.engine_id), this.#d, targetOf(ws), app);
        return {
          name: app.name,
          port: app.port,
          scheme: app.scheme,
          url: this.urlOf({ target: app.name, workspace: ws.name, owner: ws.owner }),
          command: app.start ? [app.start.command, ...app.start.args].join(' ') : null,
          iconPath: app.iconPath ?? null,
          health,
          sharing: levelOf(app.name),
        };
      }),
    );
    const ports = rows
      .filter((r) => portOf(r.target) !== undefined)
      .map((r) => this.#view(ws, r.target, levelOf(r.target)));
    return { apps, ports, maxShareLevel: max };
  }

  /** The ports the running workspace listens on now, each with its URL, sharing and declared app. */
  async ports(actor: Actor, owner: string, name: string): Promise<ListeningPorts> {
    const { ws, org } = await this.#owned(actor, owner, name);
    this.#requireRunning(ws);
    const max = maxShareLevel(org);
    const [open, rows] = await Promise.all([
      this.#d.runtimes.of(ws.engine_id).then((runtime) => readListeningPorts(runtime, targetOf(ws))),
      shares.listShares(this.#d.db, ws.id),
    ]);
    const apps = declaredApps(ws);
    return {
      ports: open.map((port) => {
        const shared = rows.find((r) => r.target === String(port))?.level ?? 'owner';
        return {
          ...this.#view(ws, String(port), effectiveLevel(isShareLevel(shared) ? shared : 'owner', max)),
          port,
          app: apps.find((a) => a.port === port)?.name ?? null,
        };
      }),
      maxShareLevel: max,
    };
  }

  /** A declared app's icon from the running workspace, or not found (no icon, not an image, too big). */
  async icon(actor: Actor, owner: string, name: string, appName: string): Promise<AppIcon> {
    const { ws } = await this.#owned(actor, owner, name);
    const app = this.#checkTarget(ws, appName);
    const icon =
      app?.iconPath && ws.state === 'running' && ws.container_id
        ? await readAppIcon(await this.#d.runtimes.of(ws.engine_id), targetOf(ws), app.iconPath)
        : undefined;
    if (!icon)
      throw new HearthError(
        'app_not_found',
        `app ${appName} of ${ws.name} has no icon to show (none declared, the workspace is not running, or its icon-path is not a readable image file of at most ${ICON_MAX_BYTES / 1024} KiB)`,
      );
    return icon;
  }

  #requireRunning(ws: WorkspaceRecord): void {
    if (ws.state !== 'running' || !ws.container_id)
      throw new HearthError(
        'workspace_not_running',
        `workspace ${ws.name} is ${ws.state}; start it with "hearth start ${ws.name}"`,
      );
  }

  #view(ws: WorkspaceRecord, target: string, sharing: ShareLevel): AppUrl {
    return { target, url: this.urlOf({ target, workspace: ws.name, owner: ws.owner }), sharing };
  }
}

/** "(its apps: api, web)", or that it has none: what a wrong app name is told to pick from. */
function appsOf(ws: WorkspaceRecord): string {
  const names = declaredApps(ws).map((a) => a.name);
  return names.length ? `(its apps: ${names.join(', ')})` : '(its image declares no apps)';
}
