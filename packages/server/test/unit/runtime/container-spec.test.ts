import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containerCreateOptions, KEPT_CAPABILITIES } from '../../../src/runtime/docker/container-spec.js';
import type { ContainerSpec } from '../../../src/runtime/runtime.js';

const base: ContainerSpec = {
  name: 'ws-1',
  image: 'sha256:abc',
  hostname: 'ws',
  user: '1000:1000',
  env: ['A=1'],
  labels: { 'dev.hearth.managed': '1' },
  cpuMillis: 0,
  memoryBytes: 0,
  gpus: 0,
  mounts: [],
  workingDir: '/home/dev',
  network: 'none',
};

describe('containerCreateOptions', () => {
  it('keeps the container alive under init, with no restart policy and no TTY', () => {
    const options = containerCreateOptions(base);
    assert.deepEqual(options.Entrypoint, ['sleep', 'infinity']);
    assert.deepEqual(options.Cmd, []);
    assert.equal(options.Tty, false);
    assert.equal(options.HostConfig?.Init, true);
    assert.deepEqual(options.HostConfig?.RestartPolicy, { Name: 'no' });
    assert.equal(options.HostConfig?.NetworkMode, 'none');
    assert.equal(options.User, '1000:1000');
    assert.equal(options.WorkingDir, '/home/dev');
  });

  it('makes the hostname resolve without a network, and leaves it to the engine on one', () => {
    assert.deepEqual(containerCreateOptions(base).HostConfig?.ExtraHosts, ['ws:127.0.1.1']);
    assert.equal(containerCreateOptions({ ...base, network: 'bridge' }).HostConfig?.ExtraHosts, undefined);
  });

  it('drops every capability but the ones sudo and package installs need, and caps processes when asked', () => {
    const hostConfig = containerCreateOptions({ ...base, pidsLimit: 512 }).HostConfig ?? {};
    assert.deepEqual(hostConfig.CapDrop, ['ALL']);
    assert.deepEqual(hostConfig.CapAdd, [...KEPT_CAPABILITIES]);
    for (const dropped of ['MKNOD', 'NET_RAW', 'SETFCAP', 'SETPCAP', 'SYS_CHROOT', 'SYS_ADMIN'])
      assert.ok(!((hostConfig.CapAdd ?? []) as string[]).includes(dropped), dropped);
    assert.equal(hostConfig.PidsLimit, 512);
    assert.equal('PidsLimit' in (containerCreateOptions(base).HostConfig ?? {}), false);
  });

  it('leaves out limits and device requests that are zero', () => {
    const hostConfig = containerCreateOptions(base).HostConfig ?? {};
    assert.equal('NanoCpus' in hostConfig, false);
    assert.equal('Memory' in hostConfig, false);
    assert.equal('DeviceRequests' in hostConfig, false);
  });

  it('maps millicores to nano-CPUs, memory to bytes and GPUs to a device request', () => {
    const hostConfig = containerCreateOptions({
      ...base,
      cpuMillis: 1500,
      memoryBytes: 2 ** 30,
      gpus: 2,
    }).HostConfig;
    assert.equal(hostConfig?.NanoCpus, 1_500_000_000);
    assert.equal(hostConfig?.Memory, 2 ** 30);
    assert.deepEqual(hostConfig?.DeviceRequests, [{ Driver: '', Count: 2, Capabilities: [['gpu']] }]);
  });

  it('maps volume, bind and tmpfs mounts', () => {
    const mounts = containerCreateOptions({
      ...base,
      mounts: [
        { type: 'volume', source: 'home', target: '/home/dev' },
        { type: 'bind', source: '/srv/shared', target: '/shared', readOnly: true },
        { type: 'tmpfs', source: '', target: '/run/secrets', tmpfsSizeBytes: 1 << 20, tmpfsMode: 0o700 },
        { type: 'tmpfs', source: 'ignored', target: '/scratch' },
      ],
    }).HostConfig?.Mounts;
    assert.deepEqual(mounts, [
      { Type: 'volume', Source: 'home', Target: '/home/dev', ReadOnly: false },
      { Type: 'bind', Source: '/srv/shared', Target: '/shared', ReadOnly: true },
      {
        Type: 'tmpfs',
        Source: '',
        Target: '/run/secrets',
        TmpfsOptions: { SizeBytes: 1 << 20, Mode: 0o700 },
      },
      { Type: 'tmpfs', Source: '', Target: '/scratch' },
    ]);
  });
});
