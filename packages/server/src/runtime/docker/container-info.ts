import type Docker from 'dockerode';
import type { ContainerInfo, ContainerStatus } from '../runtime.js';

const STATUSES: ReadonlySet<string> = new Set<ContainerStatus>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

/** The engine's zero time, reported as `StartedAt` for containers that never started. */
const NEVER = '0001-01-01T00:00:00Z';

/** Maps `GET /containers/{id}/json` to a {@link ContainerInfo}. */
export function fromInspect(info: Docker.ContainerInspectInfo): ContainerInfo {
  const status = toStatus(info.State.Status);
  const stopped = status === 'exited' || status === 'dead';
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Image,
    status,
    labels: info.Config.Labels ?? {},
    ...(info.State.StartedAt && info.State.StartedAt !== NEVER ? { startedAt: info.State.StartedAt } : {}),
    ...(stopped ? { exitCode: info.State.ExitCode } : {}),
  };
}

/** Maps an entry of `GET /containers/json`, which carries neither start time nor exit code. */
export function fromListEntry(entry: Docker.ContainerInfo): ContainerInfo {
  return {
    id: entry.Id,
    name: (entry.Names[0] ?? '').replace(/^\//, ''),
    image: entry.ImageID,
    status: toStatus(entry.State),
    labels: entry.Labels ?? {},
  };
}

function toStatus(state: string): ContainerStatus {
  // An engine newer than this code could add a state; "dead" is the safe reading of the unknown.
  return STATUSES.has(state) ? (state as ContainerStatus) : 'dead';
}
