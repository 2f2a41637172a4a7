import type Docker from 'dockerode';
import type { ContainerSpec, Mount } from '../runtime.js';

/**
 * Maps a {@link ContainerSpec} to the engine's create-container body.
 *
 * The main process only keeps the container alive (`sleep infinity`); everything a workspace does runs
 * through exec. `Init` puts tini in front of it so SIGTERM ends the container at once instead of waiting
 * out the stop grace period (sleep as PID 1 would ignore it).
 */
export function containerCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const hostConfig: Docker.HostConfig = {
    Init: true,
    NetworkMode: spec.network,
    RestartPolicy: { Name: 'no' },
    Mounts: spec.mounts.map(mountSettings),
  };
  // On a network the engine names the hostname in /etc/hosts; without one it does not, and sudo, among
  // others, complains on every call that it cannot resolve it. Debian's own convention maps it to 127.0.1.1.
  if (spec.network === 'none') hostConfig.ExtraHosts = [`${spec.hostname}:127.0.1.1`];
  // The engine reads 0 as "no limit" too, but leaving the fields out keeps inspect output honest.
  if (spec.cpuMillis > 0) hostConfig.NanoCpus = spec.cpuMillis * 1_000_000;
  if (spec.memoryBytes > 0) hostConfig.Memory = spec.memoryBytes;
  if (spec.gpus > 0) hostConfig.DeviceRequests = [{ Driver: '', Count: spec.gpus, Capabilities: [['gpu']] }];
  return {
    name: spec.name,
    Image: spec.image,
    Hostname: spec.hostname,
    User: spec.user,
    Env: [...spec.env],
    Labels: { ...spec.labels },
    WorkingDir: spec.workingDir,
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    Tty: false,
    HostConfig: hostConfig,
  };
}

function mountSettings(mount: Mount): Docker.MountSettings {
  if (mount.type === 'tmpfs') {
    const tmpfs: Docker.MountSettings = { Type: 'tmpfs', Source: '', Target: mount.target };
    if (mount.readOnly) tmpfs.ReadOnly = true;
    if (mount.tmpfsSizeBytes !== undefined || mount.tmpfsMode !== undefined) {
      // The engine treats 0 as "its default" for both fields.
      tmpfs.TmpfsOptions = { SizeBytes: mount.tmpfsSizeBytes ?? 0, Mode: mount.tmpfsMode ?? 0 };
    }
    return tmpfs;
  }
  return { Type: mount.type, Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly ?? false };
}
