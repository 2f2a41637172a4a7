/**
 * Builds the object graph of one server: ports, services and the HTTP app, from what preflight
 * opened. Nothing here listens, reconciles or starts a timer (start.ts does, in order).
 */
import { availableParallelism } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadOrCreateHostKey } from '../access/host-key.js';
import { SessionEntry } from '../access/session-entry.js';
import { SshGateway } from '../access/ssh-gateway.js';
import { AppProxy } from '../apps/app-proxy.js';
import { AppService } from '../apps/apps-service.js';
import { ForwardAgents } from '../apps/forward-agent.js';
import { ForwardLinks } from '../apps/forward-links.js';
import { TlsForwardAgents } from '../apps/tls-forward-agents.js';
import { appsStage } from '../builds/apps-stage.js';
import { BuildRunner } from '../builds/build-runner.js';
import { configureStage } from '../builds/configure-stage.js';
import { containerStage } from '../builds/container-stage.js';
import { personalizeStage } from '../builds/personalize-stage.js';
import { pullStage } from '../builds/pull-stage.js';
import { secretsStage, workspaceNeeds } from '../builds/secrets-stage.js';
import { volumeStage } from '../builds/volume-stage.js';
import { InProcessActivity } from '../coordination/in-process/activity.js';
import { InProcessBuildQueue } from '../coordination/in-process/build-queue.js';
import { InProcessLocks } from '../coordination/in-process/locks.js';
import { InProcessLoginWindows } from '../coordination/in-process/login-windows.js';
import { InProcessPubSub } from '../coordination/in-process/pubsub.js';
import { SharedActivity } from '../coordination/postgres/activity.js';
import { DEFAULT_STALE_MS, PostgresBuildQueue } from '../coordination/postgres/build-queue.js';
import { lockPool } from '../coordination/postgres/connections.js';
import { PostgresLocks } from '../coordination/postgres/locks.js';
import { SharedLoginWindows } from '../coordination/postgres/login-windows.js';
import { PostgresPubSub } from '../coordination/postgres/pubsub.js';
import { appLabel } from '../core/app-host.js';
import { type HostRule, hostnameOf, isLoopbackName } from '../core/host-names.js';
import { DEFAULT_TIMING } from '../core/lifecycle.js';
import { EnginePlacement } from '../engines/engine-placement.js';
import { EngineService } from '../engines/engine-service.js';
import { buildApp } from '../http/app.js';
import { DotfilesService } from '../identity/dotfiles.js';
import { MemberService } from '../identity/member-service.js';
import { OrgService } from '../identity/org-service.js';
import { gatedPasswords } from '../identity/password-gate.js';
import { argon2Passwords } from '../identity/passwords.js';
import { Revocations } from '../identity/revocations.js';
import type { SecretBox } from '../identity/secret-box.js';
import { SecretsService } from '../identity/secrets.js';
import { SessionService } from '../identity/session-service.js';
import { SshKeyService } from '../identity/ssh-keys.js';
import { TokenService } from '../identity/token-service.js';
import { UserService } from '../identity/user-service.js';
import { ImageChecker } from '../images/image-check.js';
import { ImageService } from '../images/image-service.js';
import { CampaignService } from '../lifecycle/campaigns.js';
import { LifecycleExecutor } from '../lifecycle/executor.js';
import { LifecycleService } from '../lifecycle/lifecycle-service.js';
import { refreshAutoOff } from '../lifecycle/policy.js';
import type { BuildQueue } from '../ports/build-queue.js';
import type { Clock } from '../ports/clock.js';
import type { Locks } from '../ports/locks.js';
import type { PubSub } from '../ports/pubsub.js';
import type { DockerRuntimeOptions } from '../runtime/docker/docker-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import type { Database } from '../store/database.js';
import { WorkspaceEvents } from '../workspaces/events.js';
import { Reconciler } from '../workspaces/reconcile.js';
import { WorkspaceService } from '../workspaces/workspace-service.js';
import type { Config } from './config.js';
import { EngineInstallations } from './engine-installations.js';
import { EngineRuntimes } from './engine-runtimes.js';
import type { InstallationGuard } from './installation-guard.js';
import { listenUrl } from './listeners.js';
import type { ReplicaRegistry } from './replica-registry.js';
import { driverOptions } from './runtime-driver.js';

export const VERSION = '0.1.0';

/** What start-up opened and checked before wiring: every part below is built from these. */
export interface Foundation {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  /** The runtime of `--docker-host`: the engine `default`. */
  readonly runtime: Runtime;
  /** Makes the driver of an engine of the pool from its options. */
  readonly makeRuntime: (options: DockerRuntimeOptions) => Runtime;
  readonly db: Database;
  readonly box: SecretBox;
  /** This installation's id, labelled on everything it creates on the engine. */
  readonly instanceId: string;
  /** This server's entry among the installation's replicas (its id: `replicas.id`). */
  readonly replicas: ReplicaRegistry;
  /** This run's marker on the engine, and the check that no other live server has the same id. */
  readonly installation: InstallationGuard;
  /** What the engine driver chose from its settings (the workspace network), for the log. */
  readonly driver: Readonly<Record<string, string>>;
  /** `<data dir>/run`: the server's unix socket, mounted into workspaces. */
  readonly socketDir: string;
}

/** The port the HTTP listener bound (tests listen on port 0); app URLs follow it. */
export interface Bound {
  port: number;
}

export type Wired = ReturnType<typeof wireEngines> &
  ReturnType<typeof wireCoordination> &
  ReturnType<typeof wireIdentity> &
  ReturnType<typeof wireBuilds> &
  ReturnType<typeof wireWorkspaces> &
  ReturnType<typeof wireAccess> & { readonly bound: Bound; readonly appsDomain: () => string };

/**
 * Half the cores hash passwords at most, so logins never take the whole machine; 32 more wait
 * (about a second at m=19 MiB), and beyond that a login is told to come back (429, Retry-After; not logged as a failure).
 */
const PASSWORD_GATE = { concurrency: Math.max(1, Math.floor(availableParallelism() / 2)), queue: 32 };

export function wire(f: Foundation): Wired {
  const bound: Bound = { port: f.config.port };
  const appsDomain = () => f.config.appsDomain ?? `localhost:${bound.port}`;
  const engines = wireEngines(f);
  const coordination = wireCoordination(f);
  const identity = wireIdentity(f, coordination);
  const builds = wireBuilds(f, engines, coordination, identity);
  const workspaces = wireWorkspaces(f, engines, coordination, identity, builds);
  const access = wireAccess(f, engines, coordination, identity, builds, workspaces, { bound, appsDomain });
  return { ...engines, ...coordination, ...identity, ...builds, ...workspaces, ...access, bound, appsDomain };
}

/** The pool of engines: one runtime per engine (`default` is start-up's), and the service over them. */
function wireEngines(f: Foundation) {
  const runtimes = new EngineRuntimes({
    db: f.db,
    defaultRuntime: f.runtime,
    base: driverOptions(f.config),
    make: f.makeRuntime,
  });
  const engines = new EngineService({
    db: f.db,
    clock: f.clock,
    runtimes,
    defaultHost: f.config.dockerHost,
  });
  const installations = new EngineInstallations({
    defaultGuard: f.installation,
    runtimes,
    instanceId: f.instanceId,
    logger: f.logger,
  });
  return { runtimes, engines, installations };
}

type Engines = ReturnType<typeof wireEngines>;

/**
 * What crosses services, behind ports: workspace changes, build log lines and revoked credentials
 * (pub/sub), per-workspace locks, and failed-login windows. On SQLite (one server) the adapters
 * are in-process; on PostgreSQL pub/sub and locks go through the database, so that replicas on
 * it see each other's news and exclude each other (each replica gets a new id per start).
 */
function wireCoordination({ config, logger, replicas, db }: Foundation) {
  const replicaId = replicas.id;
  let pubsub: PubSub = new InProcessPubSub();
  let locks: Locks = new InProcessLocks();
  let closeCoordination = async () => {};
  if (config.postgres) {
    const log = logger.child({ component: 'coordination', replica: replicaId });
    const shared = new PostgresPubSub(config.postgres, (err) => log.warn({ err }, 'pub/sub connection'));
    const lockPostgres = new PostgresLocks(
      lockPool(config.postgres, (err) => log.warn({ err }, 'a lock connection was lost while idle')),
    );
    pubsub = shared;
    locks = lockPostgres;
    closeCoordination = async () => {
      await Promise.all([shared.close(), lockPostgres.close()]);
    };
  }
  return {
    replicaId,
    events: new WorkspaceEvents(pubsub),
    revocations: new Revocations(pubsub),
    locks,
    // Shared by replicas on PostgreSQL, so a guesser's budgets hold whichever replica it reaches.
    loginWindows: config.postgres ? new SharedLoginWindows(db) : new InProcessLoginWindows(),
    closeCoordination,
  };
}

type Coordination = ReturnType<typeof wireCoordination>;

function wireIdentity({ db, clock, box }: Foundation, { revocations, loginWindows }: Coordination) {
  const passwords = gatedPasswords(argon2Passwords, PASSWORD_GATE);
  const orgs = new OrgService({ db, clock });
  const tokens = new TokenService({ db, clock, revocations });
  return {
    orgs,
    tokens,
    users: new UserService({ db, clock, passwords, orgs, revocations }),
    members: new MemberService({ db, clock, orgs, revocations }),
    sessions: new SessionService({
      db,
      clock,
      passwords,
      tokens,
      revocations,
      loginWindows,
    }),
    sshKeys: new SshKeyService({ db, clock, revocations }),
    secrets: new SecretsService({ db, clock, box, revocations }),
    dotfiles: new DotfilesService({ db, clock }),
  };
}

function wireBuilds(
  f: Foundation,
  { runtimes }: Engines,
  { events, replicaId }: Coordination,
  { orgs, secrets, dotfiles }: ReturnType<typeof wireIdentity>,
) {
  const { db, runtime, clock, logger, config } = f;
  const images = new ImageService({ db, runtime, clock, orgs });
  const settings = { instanceId: f.instanceId, stopGraceSeconds: config.stopGraceSeconds };
  const record = (id: string, lastUse: Date | undefined) => refreshAutoOff(db, id, lastUse);
  // On PostgreSQL sessions hold leases and uses are flushed often, so every replica counts them.
  const activity = config.postgres
    ? new SharedActivity({ db, replicaId, record, clock, logger })
    : new InProcessActivity({ record, clock, logger });
  const runner = new BuildRunner({
    db,
    clock,
    events,
    logger,
    activity,
    runtimes,
    stages: [
      pullStage({ images }),
      volumeStage({ db, settings }),
      containerStage({ db, settings, extras: workspaceNeeds }),
      secretsStage({ secrets }),
      configureStage(),
      personalizeStage({ dotfiles, clock }),
      appsStage({ db }),
    ],
  });
  // Held until the server listens: start-up reconciliation queues builds before that, and a server
  // that then fails to listen must not leave builds running behind it.
  const run = (id: string) => runner.run(id);
  /** Set once the reconciler exists: it fails and resumes the builds taken over from a gone replica. */
  const takeOver = { to: async (_id: string) => {} };
  const queue: BuildQueue = config.postgres
    ? new PostgresBuildQueue({
        db,
        clock,
        replicaId,
        concurrency: config.buildConcurrency,
        run,
        abandoned: (id) => takeOver.to(id),
        held: true,
        onError: (err) => logger.warn({ err, replica: replicaId }, 'build queue'),
      })
    : new InProcessBuildQueue(config.buildConcurrency, run, { held: true });
  return { images, activity, runner, queue, takeOver };
}

function wireWorkspaces(
  f: Foundation,
  { runtimes, installations }: Engines,
  { events, revocations, locks, replicaId }: Coordination,
  { users, orgs }: ReturnType<typeof wireIdentity>,
  { images, activity, runner, queue, takeOver }: ReturnType<typeof wireBuilds>,
) {
  const { db, runtime, clock, logger, config } = f;
  const workspaces = new WorkspaceService({
    db,
    clock,
    events,
    runtimes,
    placement: new EnginePlacement({ db, runtimes }),
    users,
    orgs,
    images,
    queue,
    runner,
    logger,
    stopGraceSeconds: config.stopGraceSeconds,
    activity,
    revocations,
    locks,
  });
  const reconciler = new Reconciler({
    instanceId: f.instanceId,
    installations,
    db,
    runtimes,
    workspaces,
    queue,
    clock,
    logger,
    revocations,
    claimStaleMs: DEFAULT_STALE_MS,
    replicaId: f.config.postgres ? replicaId : undefined,
  });
  takeOver.to = (id) => reconciler.takeOver(id);
  return {
    workspaces,
    reconciler,
    imageChecker: new ImageChecker({ db, runtime, orgs, logger }),
    campaigns: new CampaignService({ db, clock, orgs, workspaces, logger }),
    executor: new LifecycleExecutor({
      db,
      clock,
      logger,
      workspaces,
      activity,
      events,
      timing: { ...DEFAULT_TIMING, warningMs: config.autoOffWarningMs },
    }),
  };
}

function wireAccess(
  f: Foundation,
  { runtimes }: Engines,
  { events, revocations }: Coordination,
  { users, orgs, sshKeys }: ReturnType<typeof wireIdentity>,
  { activity }: ReturnType<typeof wireBuilds>,
  { workspaces }: ReturnType<typeof wireWorkspaces>,
  { bound, appsDomain }: { bound: Bound; appsDomain: () => string },
) {
  const { db, clock, logger, config } = f;
  const sessionEntry = new SessionEntry({ runtimes, activity, workspaces });
  const ssh = new SshGateway({
    hostKey: loadOrCreateHostKey(config.dataDir),
    sessions: sessionEntry,
    events,
    stateOf: (id) => workspaces.stateOf(id),
    logger,
    clock,
    revocations,
    keys: sshKeys,
  });
  // One forwarder per workspace carries both kinds of upstream.
  const links = new ForwardLinks(sessionEntry);
  const agents = new ForwardAgents(links);
  const tlsAgents = new TlsForwardAgents(links);
  const apps = new AppService({
    db,
    clock,
    users,
    runtimes,
    agents,
    tlsAgents,
    activity,
    origin: { domain: appsDomain, scheme: config.accessUrl?.startsWith('https:') ? 'https' : 'http' },
  });
  revocations.subscribe((revocation) => apps.sessions.revoked(revocation));
  const lifecycle = new LifecycleService({
    db,
    clock,
    users,
    orgs,
    workspaces,
    sessions: sessionEntry,
    events,
    policyChanged: () => apps.forget(),
  });
  const accessUrl = () => config.accessUrl ?? listenUrl(config.host, bound.port);
  const proxy = new AppProxy({ apps, agents, tlsAgents, activity, workspaces, accessUrl, logger });
  return { sessionEntry, ssh, links, agents, tlsAgents, apps, lifecycle, proxy };
}

/** The HTTP app over the wired services; app hosts go to the app proxy before Fastify sees them. */
export function httpApp(f: Foundation, w: Wired): Promise<FastifyInstance> {
  return buildApp(
    {
      sessions: w.sessions,
      users: w.users,
      orgs: w.orgs,
      members: w.members,
      tokens: w.tokens,
      images: w.images,
      workspaces: w.workspaces,
      engines: w.engines,
      events: w.events,
      sessionEntry: w.sessionEntry,
      version: VERSION,
      lifecycle: w.lifecycle,
      executorStats: () => ({ intervalMs: f.config.lifecycleIntervalMs, ...w.executor.stats() }),
      replicas: () => f.replicas.overview(),
      imageChecker: w.imageChecker,
      campaigns: w.campaigns,
      dotfiles: w.dotfiles,
      secrets: w.secrets,
      ssh: w.ssh,
      sshKeys: w.sshKeys,
      apps: w.apps,
      revocations: w.revocations,
      clock: f.clock,
    },
    f.logger,
    {
      hosts: hostRule(f.config),
      apps: {
        labelOf: (host) => appLabel(host, w.appsDomain()),
        request: (label, req, res) => w.proxy.request(label, req, res),
        upgrade: (label, req, socket, head) => w.proxy.upgrade(label, req, socket, head),
      },
    },
  );
}

/** The Host names the server answers for (core/host-names.ts): all, unless it listens on loopback only. */
function hostRule(config: Pick<Config, 'host' | 'accessUrl' | 'appsDomain'>): HostRule {
  const configured = [config.accessUrl && new URL(config.accessUrl).host, config.appsDomain];
  return {
    loopbackOnly: isLoopbackName(hostnameOf(config.host)),
    names: configured.filter((n): n is string => Boolean(n)).map(hostnameOf),
  };
}
