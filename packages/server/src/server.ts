/**
 * Wires the ports, services and HTTP app together, checks what start-up depends on, and shuts
 * down in order. Tests start real servers through {@link startServer}.
 */
import { accessSync, chmodSync, constants, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { loadOrCreateHostKey } from './access/host-key.js';
import { SshGateway } from './access/ssh-gateway.js';
import { AppProxy } from './apps/app-proxy.js';
import { AppService } from './apps/apps-service.js';
import { appsStage } from './apps/apps-stage.js';
import { ForwardAgents } from './apps/forward-agent.js';
import type { Config } from './config.js';
import { appLabel } from './core/app-host.js';
import { DEFAULT_TIMING } from './core/lifecycle.js';
import { SERVER_SOCKET } from './core/secrets.js';
import { buildApp } from './http/app.js';
import { clientErrorHandler } from './http/errors.js';
import { ActivityTracker } from './lifecycle/activity.js';
import { LifecycleExecutor } from './lifecycle/executor.js';
import { DockerRuntime } from './runtime/docker/docker-runtime.js';
import type { Runtime } from './runtime/runtime.js';
import { BuildQueue } from './services/build-queue.js';
import { coreStages } from './services/build-stages.js';
import { BuildRunner } from './services/builds.js';
import { CampaignService } from './services/campaigns.js';
import { DotfilesService } from './services/dotfiles.js';
import { WorkspaceEvents } from './services/events.js';
import { hookStages } from './services/hook-stages.js';
import { IdentityService } from './services/identity.js';
import { ImageChecker } from './services/image-check.js';
import { ImageService } from './services/images.js';
import { InstallationGuard } from './services/installation-guard.js';
import { LifecycleService } from './services/lifecycle.js';
import { gatedPasswords } from './services/password-gate.js';
import { argon2Passwords, type Clock, newId, systemClock } from './services/ports.js';
import { Reconciler } from './services/reconcile.js';
import { Revocations } from './services/revocations.js';
import { loadSecretKey, SecretBox } from './services/secret-box.js';
import { SecretsService } from './services/secrets.js';
import { secretsStage, workspaceAccess } from './services/secrets-stage.js';
import { SshKeyService } from './services/ssh-keys.js';
import { WorkspaceService } from './services/workspaces.js';
import { DataDirBusyError, DataDirLock } from './store/data-dir-lock.js';
import { type Database, openSqlite } from './store/database.js';
import { ensureSetting } from './store/repositories/settings.repository.js';

export const VERSION = '0.1.0';

export interface RunningServer {
  readonly url: string;
  /** `host:port` of the plain SSH listener, when `--ssh-listen` asked for one. */
  readonly sshAddress: string | undefined;
  readonly app: FastifyInstance;
  readonly workspaces: WorkspaceService;
  readonly reconciler: Reconciler;
  /** Auto-off and auto-start; tests call `tick()` with their own clock. */
  readonly executor: LifecycleExecutor;
  readonly activity: ActivityTracker;
  /** Stops accepting requests, lets running builds finish (up to `graceMs`), closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** A start-up failure with one message that says what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

type StartOptions = { logger?: Logger; clock?: Clock; runtime?: Runtime };

/**
 * Starts a server that owns `config.dataDir`: nothing in it (the database included) is read or
 * written, and the engine is not touched, before this process holds the data directory's lock.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  checkDataDir(config.dataDir);
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(config.dataDir, (options.clock ?? systemClock).now());
  } catch (error) {
    if (error instanceof DataDirBusyError) throw new StartupError(error.message);
    throw new StartupError(`cannot lock the data directory ${config.dataDir}: ${(error as Error).message}`);
  }
  try {
    return await startOwned(config, options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startOwned(config: Config, options: StartOptions, lock: DataDirLock): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'hearth' } });
  const clock = options.clock ?? systemClock;
  const runtime = options.runtime ?? new DockerRuntime({ host: config.dockerHost });
  try {
    await runtime.ping();
  } catch (error) {
    throw new StartupError(
      `${(error as Error).message}. Start the engine (scripts/setup-host.sh does) or point --docker-host / DOCKER_HOST at one.`,
    );
  }
  const network = await chooseNetwork(runtime, config.workspaceNetwork);
  const db: Database = await openSqlite(config.databaseFile).catch((error: Error) => {
    throw new StartupError(`cannot open the database ${config.databaseFile}: ${error.message}`);
  });

  const instanceId = await ensureSetting(db, 'instance_id', newId);
  // Before anything is read from or done to the engine on this installation's behalf.
  const installation = new InstallationGuard({ runtime, instanceId, logger });
  try {
    await installation.assertAlone();
  } catch (error) {
    await installation.stop();
    await db.destroy();
    throw new StartupError((error as Error).message);
  }
  let box: SecretBox;
  try {
    box = new SecretBox(
      loadSecretKey({ file: config.secretKeyFile, ...(config.secretKey ? { key: config.secretKey } : {}) }),
    );
  } catch (error) {
    await db.destroy();
    throw new StartupError(`cannot load the secret key ${config.secretKeyFile}: ${(error as Error).message}`);
  }
  const socketDir = join(config.dataDir, 'run');
  const events = new WorkspaceEvents();
  const revocations = new Revocations();
  const passwords = gatedPasswords(argon2Passwords, PASSWORD_GATE);
  const identity = new IdentityService({ db, clock, passwords, revocations });
  const sshKeys = new SshKeyService({ db, clock, revocations });
  const images = new ImageService({ db, runtime, clock, identity });
  const stages = coreStages({
    db,
    runtime,
    images,
    settings: { instanceId, network, stopGraceSeconds: config.stopGraceSeconds },
    extras: workspaceAccess({
      socketDir,
      appRoot: APP_ROOT,
      nodeBinary: process.execPath,
      dataDir: config.dataDir,
    }),
  });
  const activity = new ActivityTracker({ db, clock, logger });
  const secrets = new SecretsService({ db, clock, box, revocations });
  const dotfiles = new DotfilesService({ db, clock });
  const hooks = hookStages({ runtime, dotfiles, clock });
  const runner = new BuildRunner({
    db,
    clock,
    events,
    logger,
    activity,
    stages: [
      stages.pull,
      stages.volume,
      stages.container,
      secretsStage({ secrets }),
      hooks.configure,
      hooks.personalize,
      appsStage({ runtime, db }),
    ],
  });
  // Held until the server listens: start-up reconciliation queues builds before that, and a server
  // that then fails to listen must not leave builds running behind it.
  const queue = new BuildQueue(config.buildConcurrency, (id) => runner.run(id), { held: true });
  const workspaces = new WorkspaceService({
    db,
    clock,
    events,
    runtime,
    identity,
    images,
    queue,
    runner,
    logger,
    stopGraceSeconds: config.stopGraceSeconds,
    activity,
    revocations,
  });
  const ssh = new SshGateway({
    hostKey: loadOrCreateHostKey(config.dataDir),
    runtime,
    events,
    stateOf: async (id) => (await workspaces.snapshot(id))?.state,
    activity,
    logger,
    clock,
    revocations,
    keys: sshKeys,
    execTarget: (principal, owner, name) => workspaces.execTarget(principal, owner, name),
    mayEnter: (userId, workspaceId) => workspaces.stillAllowed(userId, workspaceId, 'exec'),
  });
  const reconciler = new Reconciler({
    instanceId,
    installation,
    db,
    runtime,
    workspaces,
    queue,
    clock,
    logger,
    revocations,
  });
  const imageChecker = new ImageChecker({ db, runtime, identity, logger });
  const campaigns = new CampaignService({ db, clock, identity, workspaces, logger });
  const executor = new LifecycleExecutor({
    db,
    clock,
    logger,
    workspaces,
    activity,
    events,
    timing: { ...DEFAULT_TIMING, warningMs: config.autoOffWarningMs },
  });

  // The default apps domain follows the port actually bound (tests listen on port 0).
  let boundPort = config.port;
  const appsDomain = () => config.appsDomain ?? `localhost:${boundPort}`;
  const accessUrl = () => config.accessUrl ?? listenUrl(config.host, boundPort);
  const agents = new ForwardAgents(runtime);
  const apps = new AppService({
    db,
    clock,
    identity,
    runtime,
    agents,
    activity,
    origin: { domain: appsDomain, scheme: config.accessUrl?.startsWith('https:') ? 'https' : 'http' },
  });
  revocations.subscribe((revocation) => apps.sessions.revoked(revocation));
  const lifecycle = new LifecycleService({
    db,
    clock,
    identity,
    workspaces,
    activity,
    events,
    policyChanged: () => apps.forget(),
  });
  const proxy = new AppProxy({ apps, agents, activity, workspaces, accessUrl, logger });
  const app = await buildApp(
    {
      identity,
      images,
      workspaces,
      events,
      runtime,
      version: VERSION,
      lifecycle,
      activity,
      executorStats: () => ({ intervalMs: config.lifecycleIntervalMs, ...executor.stats() }),
      imageChecker,
      campaigns,
      dotfiles,
      secrets,
      ssh,
      sshKeys,
      apps,
      revocations,
      clock,
    },
    logger,
    {
      apps: {
        labelOf: (host) => appLabel(host, appsDomain()),
        request: (label, req, res) => proxy.request(label, req, res),
        upgrade: (label, req, socket, head) => proxy.upgrade(label, req, socket, head),
      },
    },
  );
  // Reconciled before anyone can ask, so no request meets a build or a stop the last server left
  // half done. The builds it queues wait (the queue is held) until the server listens.
  const report = await reconciler.startup();
  const interrupted = await campaigns.interruptRunning();
  if (interrupted > 0) logger.warn({ interrupted }, 'rebuild campaigns were cut short by a restart');
  logger.info({ report, network }, 'reconciled with the engine');
  /** Start-up failed after reconciling: let its unfinished stops and deletes end, then close the store. */
  const abandon = async () => {
    await workspaces.settle();
    await installation.stop();
    await db.destroy();
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await abandon();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(
        `${config.host}:${config.port} is already in use: stop what listens there or choose another with --listen`,
      );
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  let sshAddress: string | undefined;
  if (config.sshListen) {
    const { host, port } = config.sshListen;
    try {
      const bound = await ssh.listen(host, port);
      sshAddress = `${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
    } catch (error) {
      await app.close();
      await abandon();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw new StartupError(
          `${host}:${port} is already in use: stop what listens there or choose another with --ssh-listen`,
        );
      throw new StartupError(`cannot listen for SSH on ${host}:${port}: ${(error as Error).message}`);
    }
  }
  let unixServer: Server;
  try {
    unixServer = await listenOnSocket(app, socketDir);
  } catch (error) {
    await ssh.close();
    await app.close();
    await abandon();
    throw new StartupError(`cannot listen on ${join(socketDir, SERVER_SOCKET)}: ${(error as Error).message}`);
  }
  queue.release();
  const timer =
    config.reconcileIntervalMs > 0
      ? setInterval(
          () => void reconciler.check().catch((error) => logger.error({ err: error }, 'reconcile failed')),
          config.reconcileIntervalMs,
        )
      : undefined;
  timer?.unref();
  executor.start(config.lifecycleIntervalMs);
  installation.start();
  const imageTimer =
    config.imageCheckIntervalMs > 0
      ? setInterval(
          () =>
            void imageChecker.checkAll().catch((error) => logger.error({ err: error }, 'image check failed')),
          config.imageCheckIntervalMs,
        )
      : undefined;
  imageTimer?.unref();
  const address = app.server.address();
  boundPort = typeof address === 'object' && address ? address.port : config.port;
  const url = listenUrl(config.host, boundPort);
  lock.announce(url);
  logger.info(
    { url, apps: appsDomain(), ssh: sshAddress, dataDir: config.dataDir, docker: config.dockerHost },
    'hearth is serving',
  );

  return {
    url,
    sshAddress,
    app,
    workspaces,
    reconciler,
    executor,
    activity,
    async close(graceMs = 30_000) {
      clearInterval(timer);
      clearInterval(imageTimer);
      await executor.stop();
      unixServer.closeAllConnections();
      await new Promise((resolve) => unixServer.close(resolve));
      // Before the HTTP server, so tunnelled sessions still hear why they end.
      await ssh.close();
      await app.close();
      agents.close();
      const settled = Promise.all([queue.idle(), workspaces.settle(), campaigns.settle(), activity.settle()]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      await installation.stop();
      await db.destroy();
      lock.release();
    },
  };
}

/**
 * Half the cores hash passwords at most, so logins never take the whole machine; 32 more wait
 * (about a second at m=19 MiB), and beyond that a login is told to come back (429, Retry-After; not logged as a failure).
 */
const PASSWORD_GATE = { concurrency: Math.max(1, Math.floor(availableParallelism() / 2)), queue: 32 };

const listenUrl = (host: string, port: number): string =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

/** This installation's root (bin/hearth, packages/*): mounted read-only into workspaces for the CLI. */
const APP_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Serves the same API on `<socketDir>/hearth.sock`, the directory workspaces mount: they reach the
 * server without any container network. The socket is world-writable; every request still needs a token.
 */
async function listenOnSocket(app: FastifyInstance, socketDir: string): Promise<Server> {
  mkdirSync(socketDir, { recursive: true, mode: 0o755 });
  chmodSync(socketDir, 0o755);
  const path = join(socketDir, SERVER_SOCKET);
  rmSync(path, { force: true });
  const server = createServer((req, res) => app.server.emit('request', req, res));
  server.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
  server.on('clientError', clientErrorHandler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o666);
  return server;
}

function checkDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new StartupError(
      `the data directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code}): fix its permissions or choose another with --data-dir`,
    );
  }
}

async function chooseNetwork(runtime: Runtime, wanted: string): Promise<string> {
  const networks = await runtime.listNetworks();
  if (wanted === 'auto') return networks.includes('bridge') ? 'bridge' : 'none';
  if (!networks.includes(wanted)) {
    throw new StartupError(
      `workspace network "${wanted}" does not exist on the engine (it has: ${networks.join(', ')}); create it or pass --workspace-network auto`,
    );
  }
  return wanted;
}
