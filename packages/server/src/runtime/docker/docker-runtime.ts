import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import {
  type ContainerInfo,
  type ContainerSpec,
  type EngineMachine,
  type ExecOptions,
  type ExecSession,
  type ImageInfo,
  type PasswdEntry,
  type PathStat,
  type Runtime,
  RuntimeError,
  type RuntimeErrorCode,
  type VolumeInfo,
  type VolumeSpec,
} from '../runtime.js';
import { fromInspect, fromListEntry } from './container-info.js';
import { containerCreateOptions } from './container-spec.js';
import { Docker as DockerClient } from './dockerode.js';
import { type DockerEndpointOptions, resolveEndpoint } from './endpoint.js';
import { engineMessage, statusOf, toRuntimeError } from './errors.js';
import { startExec } from './exec.js';
import { type HostAccess, type HostAccessSettings, hostAccess } from './host-access.js';
import { readFileFollowingLinks, readImagePasswd } from './image-passwd.js';
import { AUTO_NETWORK, chooseNetwork, networkOf } from './network.js';
import { parsePathStat } from './path-stat.js';

/** Where the engine is, and how this driver meets what workspaces need. */
export interface DockerRuntimeOptions extends DockerEndpointOptions {
  /**
   * The engine network for specs asking the `default` network policy (as `--workspace-network` gives it):
   * a network's name, or `auto` (the default): `bridge` when the engine has it, else `none`.
   */
  readonly workspaceNetwork?: string;
  /** The host paths behind server access and tools; without them, a spec asking server access is refused. */
  readonly hostAccess?: HostAccessSettings;
}

/** How long {@link DockerRuntime.removeContainer} waits for a removal someone else started. */
const CONCURRENT_REMOVAL_TIMEOUT_MS = 60_000;

/** The {@link Runtime} port on a Docker engine (API 1.41+), through dockerode. */
export class DockerRuntime implements Runtime {
  readonly #docker: Docker;
  readonly #endpoint: string;
  readonly #workspaceNetwork: string;
  readonly #access: HostAccess | undefined;
  #prepared: Promise<{ network: string }> | undefined;
  #machine: Promise<EngineMachine> | undefined;

  constructor(options: DockerRuntimeOptions = {}) {
    const { modem, describe } = resolveEndpoint(options);
    this.#docker = new DockerClient(modem);
    this.#endpoint = describe;
    this.#workspaceNetwork = options.workspaceNetwork ?? AUTO_NETWORK;
    this.#access = options.hostAccess && hostAccess(options.hostAccess);
  }

  async ping(): Promise<void> {
    try {
      await this.#docker.ping();
    } catch (err) {
      throw new RuntimeError(
        'engine_unreachable',
        `docker engine at ${this.#endpoint} is not reachable: ${engineMessage(err)}`,
        { cause: err },
      );
    }
  }

  /** Chooses the workspace network once; a failed attempt is not remembered. */
  prepare(): Promise<{ network: string }> {
    this.#prepared ??= this.#chooseNetwork().catch((err: unknown) => {
      this.#prepared = undefined;
      throw err;
    });
    return this.#prepared;
  }

  /** Asks the engine once; a failed attempt is not remembered. */
  machine(): Promise<EngineMachine> {
    this.#machine ??= this.#call('read the engine information', () => this.#docker.info())
      .then((info: { NCPU?: unknown }) => {
        if (typeof info.NCPU !== 'number' || !(info.NCPU > 0))
          throw new RuntimeError('engine_error', `docker engine at ${this.#endpoint} reports no CPU count`);
        return { cpus: info.NCPU };
      })
      .catch((err: unknown) => {
        this.#machine = undefined;
        throw err;
      });
    return this.#machine;
  }

  async #chooseNetwork(): Promise<{ network: string }> {
    const networks = await this.#call('list networks', () => this.#docker.listNetworks());
    return {
      network: chooseNetwork(
        this.#workspaceNetwork,
        networks.map((network) => network.Name),
      ),
    };
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    const image = await this.#orUndefined(`inspect image ${ref}`, () => this.#docker.getImage(ref).inspect());
    if (image === undefined) return undefined;
    return {
      id: image.Id,
      repoDigests: image.RepoDigests ?? [],
      user: image.Config?.User ?? '',
      env: image.Config?.Env ?? [],
      labels: image.Config?.Labels ?? {},
    };
  }

  async pullImage(ref: string, onProgress?: (line: string) => void): Promise<void> {
    const context = `pull image ${ref}`;
    try {
      const stream = await this.#docker.pull(ref);
      // The engine answers 200 and then reports failures as `error` events inside the progress stream.
      const failure = await new Promise<string | undefined>((resolve, reject) => {
        let error: string | undefined;
        this.#docker.modem.followProgress(
          stream,
          (err: unknown) => (err ? reject(err) : resolve(error)),
          (event: PullEvent) => {
            if (event.error) error = event.error;
            else onProgress?.([event.status, event.id, event.progress].filter(Boolean).join(' '));
          },
        );
      });
      if (failure !== undefined) throw new RuntimeError('image_pull_failed', `${context}: ${failure}`);
    } catch (err) {
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError('image_pull_failed', `${context}: ${engineMessage(err)}`, { cause: err });
    }
  }

  readImagePasswd(imageId: string): Promise<PasswdEntry[]> {
    return readImagePasswd(this.#docker, imageId);
  }

  /** Not atomic: two concurrent calls for a new name may both report `created` (builds are serialized anyway). */
  async ensureVolume(spec: VolumeSpec): Promise<{ created: boolean }> {
    if ((await this.inspectVolume(spec.name)) !== undefined) return { created: false };
    await this.#call(`create volume ${spec.name}`, () =>
      this.#docker.createVolume({ Name: spec.name, Labels: { ...spec.labels } }),
    );
    return { created: true };
  }

  async inspectVolume(name: string): Promise<VolumeInfo | undefined> {
    // @types/dockerode lacks CreatedAt, which the engine has reported since API 1.26.
    const volume: (Docker.VolumeInspectInfo & { CreatedAt?: string }) | undefined = await this.#orUndefined(
      `inspect volume ${name}`,
      () => this.#docker.getVolume(name).inspect(),
    );
    if (volume === undefined) return undefined;
    return { name: volume.Name, labels: volume.Labels ?? {}, createdAt: volume.CreatedAt ?? '' };
  }

  async listVolumes(labels: Readonly<Record<string, string>>): Promise<VolumeInfo[]> {
    const label = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    const answer = await this.#call('list volumes', () => this.#docker.listVolumes({ filters: { label } }));
    // @types/dockerode lacks CreatedAt, as in inspectVolume.
    return ((answer.Volumes ?? []) as (Docker.VolumeInspectInfo & { CreatedAt?: string })[]).map(
      (volume) => ({
        name: volume.Name,
        labels: volume.Labels ?? {},
        createdAt: volume.CreatedAt ?? '',
      }),
    );
  }

  async removeVolume(name: string): Promise<void> {
    await this.#orUndefined(`remove volume ${name}`, () => this.#docker.getVolume(name).remove());
  }

  /**
   * From `/system/df`, which sizes every volume on each call (API 1.41 cannot filter by type), so it costs
   * a walk of all volumes, and the engine refuses a second one while one runs: call it rarely.
   */
  async volumeSizes(): Promise<ReadonlyMap<string, number>> {
    const df: SystemDf = await this.#call('disk usage', () => this.#docker.df());
    const sizes = new Map<string, number>();
    for (const volume of df.Volumes ?? []) {
      const size = volume.UsageData?.Size;
      // The engine answers -1 for a size it has not computed.
      if (size !== undefined && size >= 0) sizes.set(volume.Name, size);
    }
    return sizes;
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    const network = await networkOf(spec.network, async () => (await this.prepare()).network);
    const options = containerCreateOptions(spec, { network, access: this.#access });
    const container = await this.#call(
      `create container ${spec.name}`,
      () => this.#docker.createContainer(options),
      'image_not_found',
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.#call(
      `start container ${id}`,
      () => tolerate(this.#docker.getContainer(id).start(), 304),
      'container_not_found',
    );
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    await this.#orUndefined(`stop container ${id}`, () =>
      tolerate(this.#docker.getContainer(id).stop({ t: graceSeconds }), 304),
    );
  }

  async removeContainer(id: string): Promise<void> {
    try {
      // v=false: anonymous volumes stay too; only removeVolume ever deletes a volume.
      await this.#orUndefined(`remove container ${id}`, () =>
        this.#docker.getContainer(id).remove({ force: true, v: false }),
      );
    } catch (err) {
      if (!(err instanceof RuntimeError && /already in progress/i.test(err.message))) throw err;
      await this.#waitUntilGone(id);
    }
  }

  async readTextFile(containerId: string, path: string): Promise<string | undefined> {
    try {
      return await readFileFollowingLinks(this.#docker.getContainer(containerId), path);
    } catch (err) {
      throw toRuntimeError(`read ${path} in container ${containerId}`, err, 'container_not_found');
    }
  }

  async statPath(containerId: string, path: string): Promise<PathStat | undefined> {
    const response = (await this.#orUndefined(`stat ${path} in container ${containerId}`, () =>
      this.#docker.getContainer(containerId).infoArchive({ path }),
    )) as { headers?: Record<string, string | undefined>; resume?: () => void } | undefined;
    if (!response) return undefined;
    response.resume?.();
    return parsePathStat(response.headers?.['x-docker-container-path-stat']);
  }

  inspectContainer(idOrName: string): Promise<ContainerInfo | undefined> {
    return this.#orUndefined(`inspect container ${idOrName}`, async () =>
      fromInspect(await this.#docker.getContainer(idOrName).inspect()),
    );
  }

  async listContainers(labels: Readonly<Record<string, string>>): Promise<ContainerInfo[]> {
    const label = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
    const entries = await this.#call('list containers', () =>
      this.#docker.listContainers({ all: true, filters: { label } }),
    );
    return entries.map(fromListEntry);
  }

  exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    return startExec(this.#docker, containerId, options);
  }

  async #waitUntilGone(id: string): Promise<void> {
    const deadline = Date.now() + CONCURRENT_REMOVAL_TIMEOUT_MS;
    while ((await this.inspectContainer(id)) !== undefined) {
      if (Date.now() > deadline) {
        throw new RuntimeError('engine_error', `remove container ${id}: removal in progress did not finish`);
      }
      await sleep(100);
    }
  }

  /** Runs one engine call, wrapping failures with `context`. */
  async #call<T>(context: string, call: () => Promise<T>, notFound?: RuntimeErrorCode): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw toRuntimeError(context, err, notFound);
    }
  }

  /** Like {@link #call}, but a 404 means "absent" and yields `undefined`. */
  async #orUndefined<T>(context: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw toRuntimeError(context, err);
    }
  }
}

/** Resolves a call that failed only with `status` (e.g. 304 "already stopped") as success. */
async function tolerate<T>(promise: Promise<T>, status: number): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (statusOf(err) === status) return undefined;
    throw err;
  }
}

/** One line of `POST /images/create` progress. */
interface PullEvent {
  readonly status?: string;
  readonly id?: string;
  readonly progress?: string;
  readonly error?: string;
}

/** The part of `GET /system/df` this driver reads. */
interface SystemDf {
  readonly Volumes?: readonly {
    readonly Name: string;
    readonly UsageData?: { readonly Size: number } | null;
  }[];
}
