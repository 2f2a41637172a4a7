/**
 * Lists of builds never read their logs (up to 1 MiB each): the statements name their columns,
 * as a `*` would make SQLite read every log even when a literal `''` named `log` replaces it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RootOperationNode } from 'kysely';
import { type Database, openSqlite } from '../../../src/store/database.js';
import * as builds from '../../../src/store/repositories/builds.repository.js';

describe('build lists without logs', () => {
  let db: Database;

  before(async () => {
    db = await openSqlite(':memory:');
  });
  after(() => db.destroy());

  /** The SQL of the statements `run` sends. */
  async function statements(run: (db: Database) => Promise<unknown>): Promise<string[]> {
    const nodes: RootOperationNode[] = [];
    const spy = db.withPlugin({
      transformQuery: (args) => {
        nodes.push(args.node);
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    await run(spy);
    return nodes.map((node) => db.getExecutor().compileQuery(node, { queryId: 'spy' } as never).sql);
  }

  for (const [name, run] of [
    ['latestBuilds', (d: Database) => builds.latestBuilds(d, ['w1', 'w2'])],
    ['listBuilds', (d: Database) => builds.listBuilds(d, 'w1', { limit: 10 })],
    ['findBuild', (d: Database) => builds.findBuild(d, 'w1', 1)],
  ] as const) {
    it(`given ${name}, when it runs, then its statement names columns and reads no log`, async () => {
      for (const sql of await statements(run)) {
        assert.doesNotMatch(sql, /\*/, sql);
        assert.doesNotMatch(sql, /(?<!as )"log"/, sql);
        assert.match(sql, /'' as "log"/, sql);
      }
    });
  }
});
