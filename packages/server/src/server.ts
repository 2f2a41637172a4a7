/**
 * Wires the ports, services and HTTP app together, checks what start-up depends on, and shuts
 * down in order. Tests start real servers through {@link startServer}.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { loadOrCreateHostKey } from './access/host-key.js';
import { SshGateway } from './access/ssh-gateway.js';
import type { Config } from './config.js';
import { buildApp } from './http/app.js';
import { DockerRuntime } from './runtime/docker/docker-runtime.js';
import type { Runtime } from './runtime/runtime.js';
import type { ActivitySink } from './services/activity.js';
import { BuildQueue } from './services/build-queue.js';
import { coreStages } from './services/build-stages.js';
import { BuildRunner } from './services/builds.js';
import { WorkspaceEvents } from './services/events.js';
import { IdentityService } from './services/identity.js';
import { ImageService } from './services/images.js';
import { argon2Passwords, type Clock, newId, systemClock } from './services/ports.js';
import { Reconciler } from './services/reconcile.js';
import { WorkspaceService } from './services/workspaces.js';
import { type Database, openSqlite } from './store/database.js';
import { ensureSetting } from './store/repositories/settings.repository.js';

export const VERSION = '0.1.0';

/** Until an activity tracker is wired in, sessions report to nobody. */
const NO_ACTIVITY: ActivitySink = { sessionOpened: () => () => undefined, touch: () => undefined };

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly workspaces: WorkspaceService;
  readonly reconciler: Reconciler;
  /** Stops accepting requests, lets running builds finish (up to `graceMs`), closes the store. */
  close(graceMs?: number): Promise<void>;
}

/** A start-up failure with one message that says what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export async function startServer(
  config: Config,
  options: { logger?: Logger; clock?: Clock; runtime?: Runtime; activity?: ActivitySink } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'hearth' } });
  const clock = options.clock ?? systemClock;
  checkDataDir(config.dataDir);
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
  const events = new WorkspaceEvents();
  const identity = new IdentityService({ db, clock, passwords: argon2Passwords });
  const images = new ImageService({ db, runtime, clock, identity });
  const stages = coreStages({
    db,
    runtime,
    images,
    settings: { instanceId, network, stopGraceSeconds: config.stopGraceSeconds },
  });
  const runner = new BuildRunner({
    db,
    clock,
    events,
    logger,
    stages: [stages.pull, stages.volume, stages.container],
  });
  const queue = new BuildQueue(config.buildConcurrency, (id) => runner.run(id));
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
  });
  const activity = options.activity ?? NO_ACTIVITY;
  const ssh = new SshGateway({
    hostKey: loadOrCreateHostKey(config.dataDir),
    runtime,
    events,
    stateOf: async (id) => (await workspaces.snapshot(id))?.state,
    activity,
    logger,
  });
  const reconciler = new Reconciler({ instanceId, db, runtime, workspaces, queue, clock, logger });

  const app = await buildApp(
    { identity, images, workspaces, events, runtime, version: VERSION, activity, ssh },
    logger,
  );
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await db.destroy();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(
        `${config.host}:${config.port} is already in use: stop what listens there or choose another with --listen`,
      );
    throw new StartupError(`cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  const report = await reconciler.startup();
  logger.info({ report, network }, 'reconciled with the engine');
  const timer =
    config.reconcileIntervalMs > 0
      ? setInterval(
          () => void reconciler.check().catch((error) => logger.error({ err: error }, 'reconcile failed')),
          config.reconcileIntervalMs,
        )
      : undefined;
  timer?.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, dataDir: config.dataDir, docker: config.dockerHost }, 'hearth is serving');

  return {
    url,
    app,
    workspaces,
    reconciler,
    async close(graceMs = 30_000) {
      clearInterval(timer);
      await app.close();
      const settled = Promise.all([queue.idle(), workspaces.settle()]);
      await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      await db.destroy();
    },
  };
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
