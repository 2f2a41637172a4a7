import type Docker from 'dockerode';
import type { ContainerSpec, Mount } from '../runtime.js';

/**
 * Maps a {@link ContainerSpec} to the engine's create-container body.
 *
 * The main process only keeps the container alive (`sleep infinity`); everything a workspace does runs
 * through exec. `Init` puts tini in front of it so SIGTERM ends the container at once instead of waiting
 * out the stop grace period (sleep as PID 1 would ignore it).
 */
/**
 * The capabilities a workspace keeps; every other one is dropped (`CapDrop: ALL`, then these back).
 * A development container needs root inside only through sudo, for the image's own business:
 * installing packages (dpkg chowns, overrides permissions, keeps setuid bits: CHOWN, DAC_OVERRIDE,
 * FOWNER, FSETID), switching users (sudo, su, setpriv: SETUID, SETGID, and AUDIT_WRITE, which sudo
 * and PAM use to log), signalling other users' processes (KILL) and serving on ports below 1024
 * inside its own network namespace (NET_BIND_SERVICE).
 * Dropped from Docker's defaults: MKNOD (device nodes), NET_RAW (raw sockets, spoofing; ping still
 * works through ICMP datagram sockets), SETPCAP and SETFCAP (granting capabilities to processes or
 * files), SYS_CHROOT (chroot: build tools that need it are rare in a dev box).
 */
export const KEPT_CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'SETUID',
  'SETGID',
  'AUDIT_WRITE',
  'KILL',
  'NET_BIND_SERVICE',
] as const;

export function containerCreateOptions(spec: ContainerSpec): Docker.ContainerCreateOptions {
  const hostConfig: Docker.HostConfig = {
    Init: true,
    NetworkMode: spec.network,
    RestartPolicy: { Name: 'no' },
    Mounts: spec.mounts.map(mountSettings),
    CapDrop: ['ALL'],
    CapAdd: [...KEPT_CAPABILITIES],
  };
  // On a network the engine names the hostname in /etc/hosts; without one it does not, and sudo, among
  // others, complains on every call that it cannot resolve it. Debian's own convention maps it to 127.0.1.1.
  if (spec.network === 'none') hostConfig.ExtraHosts = [`${spec.hostname}:127.0.1.1`];
  // The engine reads 0 as "no limit" too, but leaving the fields out keeps inspect output honest.
  if (spec.cpuMillis > 0) hostConfig.NanoCpus = spec.cpuMillis * 1_000_000;
  if (spec.memoryBytes > 0) hostConfig.Memory = spec.memoryBytes;
  if (spec.pidsLimit) hostConfig.PidsLimit = spec.pidsLimit;
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
