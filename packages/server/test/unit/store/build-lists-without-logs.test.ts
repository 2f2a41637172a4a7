/**
 * Lists of builds never read their logs (up to 1 MiB each): those are rows of build_logs
 * (migration 0013) and build_log_parts (0015), which only findBuildLog reads; a build's own row
 * holds none.
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
    it(`given ${name}, when it runs, then it reads builds and no log`, async () => {
      const sqls = await statements(run);
      assert.ok(sqls.length > 0);
      for (const sql of sqls) {
        assert.match(sql, /from "builds"/, sql);
        assert.doesNotMatch(sql, /build_log|"log"/, sql);
      }
    });
  }

  it("given findBuildLog, when it runs, then it reads that build's row of build_logs and its parts alone", async () => {
    const sqls = await statements((d) => builds.findBuildLog(d, 'b1'));
    assert.deepEqual(sqls, [
      'select "log" from "build_logs" where "build_id" = ?',
      'select "text" from "build_log_parts" where "build_id" = ? order by "seq"',
    ]);
  });
});
