/**
 * Starting a server: take the data directory's lock, check what start-up depends on (preflight),
 * wire the services (wiring), reconcile with the engine, listen (listeners), start the periodic
 * jobs; and shut down in order (shutdown). Tests start real servers through {@link startServer}.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { InProcessActivity } from '../coordination/in-process/activity.js';
import type { SharedActivity } from '../coordination/postgres/activity.js';
import type { LifecycleExecutor } from '../lifecycle/executor.js';
import { type Clock, systemClock } from '../ports/clock.js';
import { newId } from '../ports/ids.js';
import { DockerRuntime, type DockerRuntimeOptions } from '../runtime/docker/docker-runtime.js';
import type { Runtime } from '../runtime/runtime.js';
import { DataDirBusyError, DataDirLock } from '../store/data-dir-lock.js';
import { ensureSetting } from '../store/repositories/settings.repository.js';
import type { Reconciler } from '../workspaces/reconcile.js';
import type { WorkspaceService } from '../workspaces/workspace-service.js';
import type { Config } from './config.js';
import { InstallationGuard } from './installation-guard.js';
import { listenAll, listenUrl } from './listeners.js';
import { startPeriodicJobs } from './periodic-jobs.js';
import { checkDataDir, checkEngine, openSecretBox, openStore, prepareDriver } from './preflight.js';
import { replicaIdFor } from './replica-id.js';
import { ReplicaRegistry } from './replica-registry.js';
import { driverOptions, serverSocketDir } from './runtime-driver.js';
import { checkSharedSecretKey } from './secret-key-check.js';
import { shutdown } from './shutdown.js';
import { StartupError } from './startup-error.js';
import { StartupPhases } from './startup-phases.js';
import { type Foundation, httpApp, type Wired, wire } from './wiring.js';

export { StartupError } from './startup-error.js';
export { VERSION } from './wiring.js';

export interface RunningServer {
  readonly url: string;
  /** `host:port` of the plain SSH listener, when `--ssh-listen` asked for one. */
  readonly sshAddress: string | undefined;
  readonly app: FastifyInstance;
  readonly workspaces: WorkspaceService;
  readonly reconciler: Reconciler;
  /** Auto-off and auto-start; tests call `tick()` with their own clock. */
  readonly executor: LifecycleExecutor;
  readonly activity: InProcessActivity | SharedActivity;
  /** Stops accepting requests, lets running builds finish (up to `graceMs`), closes the store. */
  close(graceMs?: number): Promise<void>;
}

type StartOptions = {
  logger?: Logger;
  clock?: Clock;
  /** The engine driver, made from the settings the default Docker driver gets (tests wrap it); every engine of the pool gets one. */
  runtime?: (options: DockerRuntimeOptions) => Runtime;
};

/**
 * Starts a server that owns `config.dataDir`: nothing in it (the database included) is read or
 * written, and the engine is not touched, before this process holds the data directory's lock.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const phases = new StartupPhases();
  checkDataDir(config.dataDir);
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(config.dataDir, (options.clock ?? systemClock).now());
  } catch (error) {
    if (error instanceof DataDirBusyError) throw new StartupError(error.message);
    throw new StartupError(`cannot lock the data directory ${config.dataDir}: ${(error as Error).message}`);
  }
  phases.end('lock');
  try {
    return await startOwned(await foundation(config, options, phases), lock, phases);
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Preflight: the engine and its driver's settings, the database, the installation id and the
 * secret key. The engine's checks and the database's opening wait on each other for nothing, so
 * they run at once; a failure of either stops start-up (the engine's is told first) and closes
 * what the other opened.
 */
async function foundation(config: Config, options: StartOptions, phases: StartupPhases): Promise<Foundation> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'hearth' } });
  const clock = options.clock ?? systemClock;
  const makeRuntime = options.runtime ?? ((o) => new DockerRuntime(o));
  const runtime = makeRuntime(driverOptions(config));
  const engineReady = checkEngine(runtime).then(() => prepareDriver(runtime));
  const storeReady = openStore(config, logger).then(async (db) => {
    try {
      return { db, instanceId: await ensureSetting(db, 'instance_id', newId) };
    } catch (error) {
      await db.destroy();
      throw error;
    }
  });
  const [engine, store] = await Promise.allSettled([
    phases.beside('engine', engineReady),
    phases.beside('store', storeReady),
  ]);
  if (engine.status === 'rejected' || store.status === 'rejected') {
    if (store.status === 'fulfilled') await store.value.db.destroy();
    throw engine.status === 'rejected' ? engine.reason : (store as PromiseRejectedResult).reason;
  }
  phases.end('preflight');
  const driver = engine.value;
  const { db, instanceId } = store.value;
  const replicas = new ReplicaRegistry({
    db,
    replicaId: replicaIdFor(config.dataDir),
    shared: config.postgres !== undefined,
  });
  // Before anything is read from or done to the engine on this installation's behalf.
  const installation = new InstallationGuard({ runtime, instanceId, logger, registry: replicas });
  try {
    await installation.assertAlone();
  } catch (error) {
    await installation.stop();
    await db.destroy();
    throw new StartupError((error as Error).message);
  }
  phases.end('installation');
  try {
    const box = openSecretBox(config);
    if (config.postgres)
      await checkSharedSecretKey(db, box, config.secretKey ? 'HEARTH_SECRET_KEY' : config.secretKeyFile);
    phases.end('secretKey');
    return {
      config,
      logger,
      clock,
      runtime,
      makeRuntime,
      db,
      box,
      instanceId,
      replicas,
      installation,
      driver,
      socketDir: serverSocketDir(config),
    };
  } catch (error) {
    await installation.stop();
    await db.destroy();
    throw error;
  }
}

async function startOwned(f: Foundation, lock: DataDirLock, phases: StartupPhases): Promise<RunningServer> {
  const { config, logger } = f;
  const w = wire(f);
  let app: FastifyInstance;
  try {
    app = await httpApp(f, w);
    phases.end('wiring');
    await reconcileAtStartup(f, w);
    phases.end('reconcile');
  } catch (error) {
    // PostgreSQL's pub/sub and lock connections would keep the process alive.
    await w.closeCoordination();
    throw error;
  }
  /** Start-up failed after reconciling: let its unfinished stops and deletes end, then close the store. */
  const abandon = async () => {
    await w.workspaces.settle();
    if ('close' in w.activity) await w.activity.close();
    await f.installation.stop();
    await w.closeCoordination();
    await f.db.destroy();
  };
  const { port, sshAddress, unixServer } = await listenAll(config, app, w.ssh, f.socketDir, abandon);
  phases.end('listen');
  w.queue.release();
  const stopJobs = startPeriodicJobs(config, f, w);
  w.bound.port = port;
  const url = listenUrl(config.host, port);
  lock.announce(url);
  await f.replicas
    .announce(config.accessUrl ?? url)
    .catch((err) => logger.warn({ err }, 'could not record this replica’s address'));
  logger.info(
    {
      url,
      apps: w.appsDomain(),
      ssh: sshAddress,
      dataDir: config.dataDir,
      docker: config.dockerHost,
      startupMs: phases.ms,
      startupCpuMs: phases.cpuMs,
    },
    'hearth is serving',
  );
  const running = { f, w, app, unixServer, stopJobs, lock };
  return {
    url,
    sshAddress,
    app,
    workspaces: w.workspaces,
    reconciler: w.reconciler,
    executor: w.executor,
    activity: w.activity,
    close: (graceMs = 30_000) => shutdown(running, graceMs),
  };
}

/**
 * Reconciled before anyone can ask, so no request meets a build or a stop the last server left
 * half done. The builds it queues wait (the queue is held) until the server listens.
 */
async function reconcileAtStartup(f: Foundation, w: Wired): Promise<void> {
  const report = await w.reconciler.startup();
  const interrupted = await w.campaigns.interruptRunning();
  if (interrupted > 0) f.logger.warn({ interrupted }, 'rebuild campaigns were cut short by a restart');
  f.logger.info({ report, ...f.driver }, 'reconciled with the engine');
}
