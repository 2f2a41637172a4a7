/**
 * A real Hearth server for a test: temp data dir, loopback port 0, the real Docker engine, and
 * SQLite in the data dir, or with HEARTH_TEST_DATABASE=postgres a PostgreSQL database of its own
 * (one per data dir, so a restart on the same data dir finds its data).
 * `cleanup()` deletes everything the test's workspaces left on the engine, volumes included.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import pino from 'pino';
import type { Config } from '../../src/app/config.js';
import { type RunningServer, startServer } from '../../src/app/server.js';
import type { Clock } from '../../src/ports/clock.js';
import type { DockerRuntime, DockerRuntimeOptions } from '../../src/runtime/docker/docker-runtime.js';
import { LABELS, type Runtime } from '../../src/runtime/runtime.js';
import { runExec } from '../integration/runtime/exec-helpers.js';
import { Api } from './api.js';
import { TEST_DOCKER_HOST, testRuntime } from './engine.js';
import { databaseNameFor, dropTestDatabase, TEST_DIALECT, testPostgresConfig } from './postgres.js';
import { waitFor } from './wait.js';

export const DEMO_IMAGE = 'hearth-demo:latest';
export const PASSWORD = 'correct horse battery';

export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    databaseFile: join(dataDir, 'hearth.db'),
    dockerHost: TEST_DOCKER_HOST,
    buildConcurrency: 2,
    stopGraceSeconds: 10,
    workspaceNetwork: 'auto',
    reconcileIntervalMs: 0,
    lifecycleIntervalMs: 0,
    autoOffWarningMs: 15 * 60_000,
    imageCheckIntervalMs: 0,
    logLevel: process.env.HEARTH_TEST_LOG ?? 'silent',
    secretKeyFile: join(dataDir, 'secret.key'),
    ...overrides,
  };
}

/** {@link testConfig} on the tests' database: with HEARTH_TEST_DATABASE=postgres, the data dir's own database. */
export async function testServerConfig(dataDir: string, overrides: Partial<Config> = {}): Promise<Config> {
  return testConfig(dataDir, {
    ...(TEST_DIALECT === 'postgres' ? { postgres: await testPostgresConfig(databaseNameFor(dataDir)) } : {}),
    ...overrides,
  });
}

/** The `hearth server` flags that put a spawned server on the tests' database (none for SQLite). */
export async function testDatabaseArgs(dataDir: string): Promise<string[]> {
  const config = await testServerConfig(dataDir);
  return config.postgres ? ['--database-url', config.postgres.url] : [];
}

export interface TestHearth {
  readonly server: RunningServer;
  readonly dataDir: string;
  /** Unauthenticated API. */
  readonly api: Api;
  readonly runtime: DockerRuntime;
  close(): Promise<void>;
}

export async function startHearth(
  options: {
    clock?: Clock;
    config?: Partial<Config>;
    dataDir?: string;
    runtime?: (options: DockerRuntimeOptions) => Runtime;
  } = {},
): Promise<TestHearth> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'hearth-test-')));
  const config = await testServerConfig(dataDir, options.config);
  const server = await startServer(config, {
    logger: pino({ level: config.logLevel }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.runtime ? { runtime: options.runtime } : {}),
  });
  const runtime = testRuntime();
  return {
    server,
    dataDir,
    api: new Api(server.url),
    runtime,
    async close() {
      await server.close(5_000);
    },
  };
}

/** Sets the server up with `alice` as site admin and the demo image in org default; returns alice's API. */
export async function setupAlice(api: Api): Promise<Api> {
  const setup = await api.post('/setup', {
    username: 'alice',
    email: 'alice@example.com',
    password: PASSWORD,
  });
  if (setup.status !== 201) throw new Error(`setup: ${setup.status} ${JSON.stringify(setup.body)}`);
  const alice = api.as(setup.body.token);
  const image = await alice.post('/orgs/default/images', {
    ref: DEMO_IMAGE,
    defaults: { cpu: 1, memory: '1GiB', disk: '10GiB' },
  });
  if (image.status !== 201) throw new Error(`add image: ${image.status} ${JSON.stringify(image.body)}`);
  return alice;
}

/** Creates a member of org default and returns their API. */
export async function addMember(admin: Api, username: string): Promise<Api> {
  const created = await admin.post('/users', {
    username,
    email: `${username}@example.com`,
    password: PASSWORD,
  });
  if (created.status !== 201)
    throw new Error(`create user: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await admin.as('').post('/auth/login', { username, password: PASSWORD });
  return admin.as(login.body.token);
}

/** Waits until the workspace has left pending/building/stopping, and returns it. */
export async function settled(api: Api, owner: string, name: string, timeoutMs = 60_000): Promise<any> {
  return waitFor(
    `${owner}/${name} to settle`,
    async () => {
      const ws = await api.get(`/users/${owner}/workspaces/${name}`);
      if (ws.status === 404) return { state: 'gone' };
      return ['running', 'stopped', 'failed'].includes(ws.body.state) ? ws.body : undefined;
    },
    timeoutMs,
  );
}

/** Runs a command in a workspace's container directly through the engine (test-side check). */
export async function shell(runtime: DockerRuntime, containerId: string, script: string, user = '1000:1000') {
  return runExec(runtime, containerId, { cmd: ['sh', '-c', script], user });
}

/** Removes containers and volumes of the given workspaces (test cleanup; the product never does this). */
export async function removeLeftovers(runtime: DockerRuntime, workspaceIds: Iterable<string>): Promise<void> {
  for (const id of workspaceIds) {
    for (const c of await runtime.listContainers({ [LABELS.workspaceId]: id }))
      await runtime.removeContainer(c.id);
    await runtime.removeVolume(`hearth-home-${id}`);
  }
}

/** Removes a data dir, and its PostgreSQL database when the tests run on PostgreSQL. */
export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  if (TEST_DIALECT === 'postgres') await dropTestDatabase(databaseNameFor(dir));
}

/** What {@link useHearth} gives a suite once its `before` hook has run. */
export interface HearthFixture {
  readonly hearth: TestHearth;
  /** The site admin, with the demo image in org default. */
  readonly alice: Api;
  /** Ids of workspaces whose engine leftovers `after` removes. */
  readonly created: Set<string>;
}

/**
 * Registers `before`/`after` hooks in the calling suite: a fresh server with alice set up, and
 * afterwards the server closed, the workspaces' containers and volumes removed, the data dir gone.
 */
export function useHearth(options: Parameters<typeof startHearth>[0] = {}): HearthFixture {
  const fixture = { created: new Set<string>() } as { hearth: TestHearth; alice: Api; created: Set<string> };
  before(async () => {
    fixture.hearth = await startHearth(options);
    fixture.alice = await setupAlice(fixture.hearth.api);
  });
  after(async () => {
    await fixture.hearth.close();
    await removeLeftovers(fixture.hearth.runtime, fixture.created);
    await removeDir(fixture.hearth.dataDir);
  });
  return fixture;
}
