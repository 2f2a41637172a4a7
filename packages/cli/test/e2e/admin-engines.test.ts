/**
 * `hearth admin engines` as a site admin types it: the pool of one (`default`, the server's own
 * engine), declaring its capacity, draining it (then nothing can be created), and the refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

describe('hearth admin engines', () => {
  let e: E2E;

  before(async () => {
    e = await startE2E('hearth-e2e-engines-');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    await e.ok(['images', 'add', 'hearth-demo:latest', '--org', 'default', '--default-cpu', '1']);
  });

  after(async () => {
    await e.close();
  });

  it('given a new server, when listed, then the pool is its own engine, reachable, without declared capacity', async () => {
    const list = await e.ok(['admin', 'engines', 'list']);
    assert.match(list.stdout, /^NAME\s+DOCKER HOST\s+CAPACITY/m);
    assert.match(
      list.stdout,
      /^default\s+\S+\s+no limit\s+0 CPU, 0 ?B, 0 GPU\s+no limit\s+0\s+no\s+yes\s*$/m,
    );
    const json = JSON.parse((await e.ok(['admin', 'engines', 'list', '-o', 'json'])).stdout);
    assert.deepEqual(
      json.map((x: { name: string; reachable: boolean }) => [x.name, x.reachable]),
      [['default', true]],
    );
  });

  it('given the default engine drained, when a workspace is created, then it is refused naming the engine', async () => {
    await e.ok(['admin', 'engines', 'capacity', 'default', '--cpu', '4', '--memory', '8GiB']);
    await e.ok(['admin', 'engines', 'drain', 'default']);
    const refused = await e.hearth(['create', 'x', '--image', 'hearth-demo:latest']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /no engine has room .*default is drained/);
    await e.ok(['admin', 'engines', 'undrain', 'default']);
    const list = await e.ok(['admin', 'engines', 'list']);
    assert.match(list.stdout, /^default\s+\S+\s+4 CPU, 8 ?GiB, 0 GPU\s/m);
  });

  it('given bad requests, when sent, then each says what to do and nothing changes', async () => {
    const unreachable = await e.hearth([
      'admin',
      'engines',
      'add',
      'gone',
      '--docker-host',
      'unix:///nonexistent/docker.sock',
      '--cpu',
      '2',
      '--memory',
      '4GiB',
    ]);
    assert.notEqual(unreachable.code, 0);
    assert.match(unreachable.stderr, /engine gone does not answer/);
    const tls = await e.hearth([
      'admin',
      'engines',
      'add',
      'tls',
      '--docker-host',
      'tcp://127.0.0.1:1',
      '--tls-verify',
      '--cpu',
      '2',
      '--memory',
      '4GiB',
    ]);
    assert.match(tls.stderr, /--tls-verify needs --tls-ca/);
    const removeDefault = await e.hearth(['admin', 'engines', 'remove', 'default']);
    assert.match(removeDefault.stderr, /cannot be removed/);
    const list = JSON.parse((await e.ok(['admin', 'engines', 'list', '-o', 'json'])).stdout);
    assert.equal(list.length, 1);
  });
});
