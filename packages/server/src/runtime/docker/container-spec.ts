import type Docker from 'dockerode';
import type { ContainerSpec } from '../runtime.js';
import { accessOf, type HostAccess } from './host-access.js';

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

/** The secret files' tmpfs: sticky and world-writable, as /tmp, so each user can keep a private directory. */
const SECRET_FILES_MODE = 0o1777;

/**
 * Maps a {@link ContainerSpec} to the engine's create-container body.
 *
 * The main process only keeps the container alive (`sleep infinity`); everything a workspace does runs
 * through exec. `Init` puts tini in front of it so SIGTERM ends the container at once instead of waiting
 * out the stop grace period (sleep as PID 1 would ignore it).
 *
 * `engine` is what the driver settled for this spec: the engine network its policy names, and the host
 * paths behind server access and tools.
 */
export function containerCreateOptions(
  spec: ContainerSpec,
  engine: { readonly network: string; readonly access?: HostAccess | undefined },
): Docker.ContainerCreateOptions {
  const access = accessOf(spec, engine.access);
  const mounts: Docker.MountSettings[] = spec.volumes.map((v) => ({
    Type: 'volume',
    Source: v.volume,
    Target: v.target,
    ReadOnly: false,
  }));
  if (spec.secretFiles) {
    mounts.push({
      Type: 'tmpfs',
      Source: '',
      Target: spec.secretFiles.path,
      TmpfsOptions: { SizeBytes: spec.secretFiles.sizeBytes, Mode: SECRET_FILES_MODE },
    });
  }
  mounts.push(...access.mounts);
  const hostConfig: Docker.HostConfig = {
    Init: true,
    NetworkMode: engine.network,
    RestartPolicy: { Name: 'no' },
    Mounts: mounts,
    CapDrop: ['ALL'],
    CapAdd: [...KEPT_CAPABILITIES],
  };
  // On a network the engine names the hostname in /etc/hosts; without one it does not, and sudo, among
  // others, complains on every call that it cannot resolve it. Debian's own convention maps it to 127.0.1.1.
  if (engine.network === 'none') hostConfig.ExtraHosts = [`${spec.hostname}:127.0.1.1`];
  // The engine turns IPv6 off in a container whose network lacks it, loopback included. Dev servers
  // listening on `localhost` may well take ::1 (and port URLs reach it), so a workspace gets IPv6's
  // loopback as any machine has it. The host's network namespace is the host's to configure.
  if (engine.network !== 'host') hostConfig.Sysctls = { 'net.ipv6.conf.lo.disable_ipv6': '0' };
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
    Env: access.env,
    Labels: { ...spec.labels },
    WorkingDir: spec.workingDir,
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    Tty: false,
    HostConfig: hostConfig,
  };
}
