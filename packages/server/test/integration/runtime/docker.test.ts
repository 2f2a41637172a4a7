import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DockerRuntime } from '../../../src/runtime/docker/docker-runtime.js';
import { LABELS } from '../../../src/runtime/runtime.js';
import { TEST_DOCKER_HOST, testDocker, testRuntime } from '../../support/engine.js';
import { runtimeContract, TEST_IMAGE } from './contract.js';
import { runExec } from './exec-helpers.js';

runtimeContract('docker', async () => testRuntime());

describe('docker runtime: the workspace network', () => {
  it('given auto, then bridge when the engine has it, else none; given a missing network, then invalid_settings', async () => {
    const names = (await testDocker().listNetworks()).map((network) => network.Name);
    assert.ok(names.includes('none'));
    assert.deepEqual(await testRuntime().prepare(), {
      network: names.includes('bridge') ? 'bridge' : 'none',
    });
    const missing = new DockerRuntime({
      host: TEST_DOCKER_HOST,
      workspaceNetwork: 'hearth-test-no-such-net',
    });
    await assert.rejects(missing.prepare(), {
      code: 'invalid_settings',
      message: /^workspace network "hearth-test-no-such-net" does not exist on the engine \(it has: .*none/,
    });
  });
});

/** What only the Docker driver promises: the engine-level settings behind the contract. */
describe('docker runtime', () => {
  const rt = testRuntime();
  const docker = testDocker();
  const name = `hearth-test-${randomBytes(4).toString('hex')}-hostconfig`;
  let id: string | undefined;

  before(async () => {
    const image = await rt.inspectImage(TEST_IMAGE);
    if (image === undefined)
      throw new Error(`test image ${TEST_IMAGE} is missing: run scripts/build-images.sh`);
    id = await rt.createContainer({
      name,
      image: image.id,
      hostname: 'ws',
      user: '1000:1000',
      env: [],
      labels: { [LABELS.managed]: '1' },
      cpuMillis: 1500,
      memoryBytes: 512 * 1024 * 1024,
      gpus: 0,
      volumes: [],
      workingDir: '/home/dev',
      network: { kind: 'none' },
    });
  });

  after(async () => {
    if (id !== undefined) await rt.removeContainer(id);
  });

  it('creates containers with init, limits, no restart policy and a keep-alive entrypoint', async () => {
    const info = await docker.getContainer(id ?? name).inspect();
    assert.equal(info.HostConfig.Init, true);
    assert.equal(info.HostConfig.NanoCpus, 1_500_000_000);
    assert.equal(info.HostConfig.Memory, 512 * 1024 * 1024);
    assert.equal(info.HostConfig.RestartPolicy?.Name, 'no');
    assert.equal(info.HostConfig.NetworkMode, 'none');
    assert.deepEqual(info.Config.Entrypoint, ['sleep', 'infinity']);
    assert.equal(info.Config.Hostname, 'ws');
    assert.equal(info.Config.Tty, false);
  });

  it('makes the hostname resolve inside a container without a network', async () => {
    await rt.startContainer(id!);
    const hosts = await runExec(rt, id!, { cmd: ['getent', 'hosts', 'ws'], user: '1000:1000' });
    assert.equal(hosts.code, 0, hosts.stderr);
    assert.match(hosts.stdout, /^127\.0\.1\.1\s+ws$/m);
  });

  it('reports an unreachable engine with code and endpoint', async () => {
    const missing = new DockerRuntime({ socketPath: '/nonexistent/docker.sock' });
    await assert.rejects(missing.ping(), {
      code: 'engine_unreachable',
      message: /^docker engine at \/nonexistent\/docker\.sock is not reachable: /,
    });
  });

  it('fails a pull from an unreachable registry with image_pull_failed', async () => {
    await assert.rejects(rt.pullImage('127.0.0.1:1/hearth/nothing:latest'), {
      code: 'image_pull_failed',
      message: /^pull image 127\.0\.0\.1:1\/hearth\/nothing:latest: /,
    });
  });
});
