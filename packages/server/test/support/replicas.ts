/**
 * Several real servers (replicas) on one PostgreSQL database of their own and the one test engine,
 * each with its own data directory, for the multi-replica suites. Registers before/after hooks in
 * the calling suite; afterwards every replica is closed, the workspaces' leftovers removed and the
 * database dropped.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Config } from '../../src/app/config.js';
import type { PostgresConfig } from '../../src/store/postgres.js';
import type { Api } from './api.js';
import { removeDir, removeLeftovers, setupAlice, startHearth, type TestHearth } from './hearth.js';
import { databaseNameFor, dropTestDatabase, testPostgresConfig } from './postgres.js';

export interface ReplicasFixture {
  /** The replicas, started in order (the first one is set up with alice). */
  readonly servers: TestHearth[];
  /** The site admin on the first replica; `.on(i)` for the same login on replica `i`. */
  readonly alice: Api;
  on(i: number, api?: Api): Api;
  /** Ids of workspaces whose engine leftovers `after` removes. */
  readonly created: Set<string>;
  /** The database's URL and the shared secret key file (for replicas spawned as processes). */
  databaseUrl(): string;
  secretKeyFile(): string;
  /** Starts one more replica on the database (closed by `after` too). */
  add(config?: Partial<Config>): Promise<TestHearth>;
}

/** `configs[i]` are replica i's settings over the tests' defaults (its database is the suite's). */
export function useReplicas(configs: Partial<Config>[]): ReplicasFixture {
  const name = databaseNameFor(`replicas-${randomUUID()}`);
  let settings: PostgresConfig;
  const servers: TestHearth[] = [];
  const created = new Set<string>();
  /** Every replica seals secrets with the first one's key (as they must: app/secret-key-check.ts). */
  const secretKeyFile = () => (servers[0] ? { secretKeyFile: join(servers[0].dataDir, 'secret.key') } : {});
  const add = async (config: Partial<Config> = {}) => {
    const server = await startHearth({ config: { ...secretKeyFile(), ...config, postgres: settings } });
    servers.push(server);
    return server;
  };
  const fixture: ReplicasFixture & { alice: Api } = {
    servers,
    created,
    add,
    alice: undefined as unknown as Api,
    databaseUrl: () => settings.url,
    secretKeyFile: () => join(servers[0]!.dataDir, 'secret.key'),
    on(i: number, api: Api = fixture.alice): Api {
      return servers[i]!.api.as(api.token!);
    },
  };
  before(async () => {
    settings = await testPostgresConfig(name);
    for (const config of configs) await add(config);
    fixture.alice = await setupAlice(servers[0]!.api);
  });
  after(async () => {
    await Promise.allSettled(servers.map((s) => s.close()));
    if (servers[0]) await removeLeftovers(servers[0].runtime, created);
    for (const s of servers) await removeDir(s.dataDir);
    await dropTestDatabase(name);
  });
  return fixture;
}
