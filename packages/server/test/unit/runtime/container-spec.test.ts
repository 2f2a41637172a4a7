import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { containerCreateOptions, KEPT_CAPABILITIES } from '../../../src/runtime/docker/container-spec.js';
import { hostAccess } from '../../../src/runtime/docker/host-access.js';
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
  volumes: [],
  workingDir: '/home/dev',
  network: { kind: 'none' },
};

const NONE = { network: 'none' };

describe('containerCreateOptions', () => {
  it('keeps the container alive under init, with no restart policy and no TTY', () => {
    const options = containerCreateOptions(base, NONE);
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
    assert.deepEqual(containerCreateOptions(base, NONE).HostConfig?.ExtraHosts, ['ws:127.0.1.1']);
    assert.equal(containerCreateOptions(base, { network: 'bridge' }).HostConfig?.ExtraHosts, undefined);
  });

  it("gives the workspace IPv6's loopback (::1), which the engine would leave off, except on the host's network", () => {
    assert.deepEqual(containerCreateOptions(base, NONE).HostConfig?.Sysctls, {
      'net.ipv6.conf.lo.disable_ipv6': '0',
    });
    assert.equal(containerCreateOptions(base, { network: 'host' }).HostConfig?.Sysctls, undefined);
  });

  it('drops every capability but the ones sudo and package installs need, and caps processes when asked', () => {
    const hostConfig = containerCreateOptions({ ...base, pidsLimit: 512 }, NONE).HostConfig ?? {};
    assert.deepEqual(hostConfig.CapDrop, ['ALL']);
    assert.deepEqual(hostConfig.CapAdd, [...KEPT_CAPABILITIES]);
    for (const dropped of ['MKNOD', 'NET_RAW', 'SETFCAP', 'SETPCAP', 'SYS_CHROOT', 'SYS_ADMIN'])
      assert.ok(!((hostConfig.CapAdd ?? []) as string[]).includes(dropped), dropped);
    assert.equal(hostConfig.PidsLimit, 512);
    assert.equal('PidsLimit' in (containerCreateOptions(base, NONE).HostConfig ?? {}), false);
  });

  it('leaves out limits and device requests that are zero', () => {
    const hostConfig = containerCreateOptions(base, NONE).HostConfig ?? {};
    assert.equal('NanoCpus' in hostConfig, false);
    assert.equal('Memory' in hostConfig, false);
    assert.equal('DeviceRequests' in hostConfig, false);
  });

  it('maps millicores to nano-CPUs, memory to bytes and GPUs to a device request', () => {
    const hostConfig = containerCreateOptions(
      { ...base, cpuMillis: 1500, memoryBytes: 2 ** 30, gpus: 2 },
      NONE,
    ).HostConfig;
    assert.equal(hostConfig?.NanoCpus, 1_500_000_000);
    assert.equal(hostConfig?.Memory, 2 ** 30);
    assert.deepEqual(hostConfig?.DeviceRequests, [{ Driver: '', Count: 2, Capabilities: [['gpu']] }]);
  });

  it('maps the home volume and the secret files, which become a sticky tmpfs of their size', () => {
    const mounts = containerCreateOptions(
      {
        ...base,
        volumes: [{ volume: 'home', target: '/home/dev' }],
        secretFiles: { path: '/run/hearth', sizeBytes: 1 << 20 },
      },
      NONE,
    ).HostConfig?.Mounts;
    assert.deepEqual(mounts, [
      { Type: 'volume', Source: 'home', Target: '/home/dev', ReadOnly: false },
      {
        Type: 'tmpfs',
        Source: '',
        Target: '/run/hearth',
        TmpfsOptions: { SizeBytes: 1 << 20, Mode: 0o1777 },
      },
    ]);
  });

  describe('server access and tools', () => {
    const appRoot = mkdtempSync(join(tmpdir(), 'hearth-app-'));
    mkdirSync(join(appRoot, 'bin'));
    writeFileSync(join(appRoot, 'bin', 'hearth'), '');
    const settings = {
      socketDir: '/srv/hearth/run',
      appRoot,
      nodeBinary: '/usr/bin/node',
      dataDir: '/srv/hearth',
    };
    const wants: ContainerSpec = {
      ...base,
      env: ['PATH=/usr/bin:/bin', 'A=1'],
      serverAccess: { socketDir: '/run/hearth/server' },
      tools: ['hearth-cli'],
    };

    it('bind-mounts the socket directory, the CLI and Node read-only, with the CLI in front of PATH', () => {
      const options = containerCreateOptions(wants, { ...NONE, access: hostAccess(settings) });
      assert.deepEqual(options.HostConfig?.Mounts, [
        { Type: 'bind', Source: '/srv/hearth/run', Target: '/run/hearth/server', ReadOnly: true },
        { Type: 'bind', Source: join(appRoot, 'bin'), Target: '/opt/hearth/app/bin', ReadOnly: true },
        {
          Type: 'bind',
          Source: join(appRoot, 'packages'),
          Target: '/opt/hearth/app/packages',
          ReadOnly: true,
        },
        {
          Type: 'bind',
          Source: join(appRoot, 'node_modules'),
          Target: '/opt/hearth/app/node_modules',
          ReadOnly: true,
        },
        { Type: 'bind', Source: '/usr/bin/node', Target: '/opt/hearth/node/bin/node', ReadOnly: true },
        {
          Type: 'bind',
          Source: join(appRoot, 'bin', 'hearth-in-workspace'),
          Target: '/usr/local/bin/hearth',
          ReadOnly: true,
        },
        {
          Type: 'bind',
          Source: join(appRoot, 'bin', 'hearth-in-workspace'),
          Target: '/opt/hearth/bin/hearth',
          ReadOnly: true,
        },
      ]);
      assert.deepEqual(options.Env, ['PATH=/opt/hearth/node/bin:/opt/hearth/bin:/usr/bin:/bin', 'A=1']);
    });

    it('leaves the CLI out, and PATH as it is, when the installation has none or would mount the data directory', () => {
      for (const access of [
        hostAccess({ ...settings, appRoot: join(appRoot, 'missing') }),
        hostAccess({ ...settings, dataDir: join(appRoot, 'packages', 'data') }),
      ]) {
        const options = containerCreateOptions(wants, { ...NONE, access });
        assert.deepEqual(options.HostConfig?.Mounts, [
          { Type: 'bind', Source: '/srv/hearth/run', Target: '/run/hearth/server', ReadOnly: true },
        ]);
        assert.deepEqual(options.Env, wants.env);
      }
    });

    it('refuses server access when the driver was given no host paths', () => {
      assert.throws(() => containerCreateOptions(wants, NONE), {
        code: 'invalid_settings',
        message: /create container ws-1: server access was asked for/,
      });
    });

    it('gives nothing from the host to a spec that asks for nothing', () => {
      const options = containerCreateOptions(base, { ...NONE, access: hostAccess(settings) });
      assert.deepEqual(options.HostConfig?.Mounts, []);
      assert.deepEqual(options.Env, base.env);
    });
  });
});
