import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerName } from '../../../src/core/container-name.js';

const ID = '0c2f9d1e-8a4b-4c7e-9f10-123456789abc';

describe('containerName', () => {
  it("given dev's team-api and dev-team's api, when named, then the names differ", () => {
    const a = containerName({ owner: 'dev', name: 'team-api', workspaceId: ID, build: 1 });
    const b = containerName({ owner: 'dev-team', name: 'api', workspaceId: ID, build: 1 });
    assert.notEqual(a, b);
    assert.equal(a, `hearth-dev.team-api-1-${ID}`);
  });

  it('given owner/name splits that join to the same text, when named, then every one is distinct', () => {
    const names = new Set<string>();
    const splits = [
      ['a', 'b-c-d'],
      ['a-b', 'c-d'],
      ['a-b-c', 'd'],
    ];
    for (const [owner, name] of splits)
      for (const build of [1, 12])
        names.add(containerName({ owner: owner!, name: name!, workspaceId: ID, build }));
    assert.equal(names.size, splits.length * 2);
  });

  it('given the same owner and name but another workspace id or build, when named, then the names differ', () => {
    const base = { owner: 'alice', name: 'api', workspaceId: ID, build: 1 };
    assert.notEqual(containerName(base), containerName({ ...base, build: 2 }));
    assert.notEqual(containerName(base), containerName({ ...base, workspaceId: ID.replace('0c', '0d') }));
  });

  it('given the longest names, when named, then it is a valid engine name', () => {
    const long = 'a'.repeat(63);
    const name = containerName({ owner: long, name: long, workspaceId: ID, build: 99999 });
    assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
  });
});
