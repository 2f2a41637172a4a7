/**
 * The runtime port: the only contract through which Hearth talks to a container engine.
 *
 * A driver (one folder per implementation, e.g. `docker/`) implements {@link Runtime}. Every driver
 * must pass the shared contract suite in `test/integration/runtime/contract.ts`. Drivers never decide anything
 * about workspaces: they create, start, stop, remove and inspect what they are told to, and report
 * engine failures as {@link RuntimeError} with a short lowercase context ("create container: …").
 *
 * Nothing here may remove a volume except {@link Runtime.removeVolume}, which only an explicit
 * workspace delete calls.
 */
import type { Duplex, Readable, Writable } from 'node:stream';

/** Labels Hearth puts on every object it creates, so reconciliation can find them. */
export const LABELS = {
  /** Present (value "1") on every container and volume Hearth manages. */
  managed: 'dev.hearth.managed',
  /** The Hearth installation (data directory) that owns the object; servers leave others' alone. */
  instance: 'dev.hearth.instance',
  workspaceId: 'dev.hearth.workspace-id',
  workspaceName: 'dev.hearth.workspace-name',
  owner: 'dev.hearth.owner',
  buildNumber: 'dev.hearth.build-number',
  /**
   * On short-lived helper containers a driver creates for itself (value e.g. `read-passwd`). They are removed
   * right after use; one that outlives a crash is garbage and may be removed by anyone. Also on the server's
   * run markers (value `run-marker`: empty volumes that say a server of an installation is live).
   */
  purpose: 'dev.hearth.purpose',
  /** On a run marker: the server run (random per start), its host and pid. */
  run: 'dev.hearth.run',
  runHost: 'dev.hearth.run-host',
  runPid: 'dev.hearth.run-pid',
} as const;

/** What the engine knows about an image that Hearth needs to build from it. */
export interface ImageInfo {
  /** Content-addressed image id (`sha256:…`). Containers are created from this, never from the tag. */
  readonly id: string;
  /** Registry digests (`repo@sha256:…`) when the image came from a registry; may be empty for local builds. */
  readonly repoDigests: readonly string[];
  /** The image config's `User` exactly as written (`""`, `"dev"`, `"1000"`, `"1000:1000"`, `"dev:staff"`). */
  readonly user: string;
  /** The image config's `Env`, as `KEY=value` strings. */
  readonly env: readonly string[];
  /** The image config's labels. */
  readonly labels: Readonly<Record<string, string>>;
}

/** An account from the image's `/etc/passwd`. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
}

export interface VolumeSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface VolumeInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
}

/**
 * What a workspace container needs, said as intent: which image, user, resources and volumes, and what it
 * gets from this Hearth installation (secret files, server access, tools, a network). How each need is met
 * is the driver's business and its settings' (the Docker driver bind-mounts host paths and picks an engine
 * network); nothing outside the driver knows a host path or an engine network name.
 */
export interface ContainerSpec {
  readonly name: string;
  /** Image id (`sha256:…`) to run. */
  readonly image: string;
  readonly hostname: string;
  /** `uid:gid` the main process runs as. */
  readonly user: string;
  /** `KEY=value` entries. A driver giving {@link tools} puts their directories in front of `PATH`. */
  readonly env: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** Millicores: 1000 = one CPU. 0 = no limit. */
  readonly cpuMillis: number;
  /** Bytes. 0 = no limit. */
  readonly memoryBytes: number;
  /** Number of GPUs to request through device requests. 0 = none. */
  readonly gpus: number;
  /** Most processes (threads included) the container may run at once. Absent or 0 = the engine's default. */
  readonly pidsLimit?: number;
  /** Volumes (the home) mounted read-write. */
  readonly volumes: readonly VolumeMount[];
  readonly workingDir: string;
  readonly network: NetworkPolicy;
  /**
   * A memory-only directory at `path` for secret files: never on disk, gone with the container, writable
   * by every user of the container like /tmp (each user makes a private directory inside), at most
   * `sizeBytes` large.
   */
  readonly secretFiles?: { readonly path: string; readonly sizeBytes: number };
  /**
   * The server's API for the in-workspace CLI: the directory holding the server's unix socket appears at
   * `socketDir` inside the container, read-only. Every request on the socket still needs a token.
   */
  readonly serverAccess?: { readonly socketDir: string };
  /**
   * Programs of this installation the workspace gets on its `PATH`: `hearth-cli` is the `hearth` command
   * (read-only, with the Node it needs). A driver that cannot offer one leaves it out; the image's own
   * programs are unaffected.
   */
  readonly tools?: readonly Tool[];
}

export type Tool = 'hearth-cli';

/**
 * Where the Node that `hearth-cli` needs is inside a workspace that has the tool: Hearth's own
 * programs in the workspace (the port forwarder) run on it, so images need no Node of their own.
 */
export const TOOL_NODE = '/opt/hearth/node/bin/node';

/** A volume (by name) mounted at `target`. */
export interface VolumeMount {
  readonly volume: string;
  readonly target: string;
}

/**
 * The network a container is on. `none`: loopback only. `default`: the network the driver's settings give
 * workspaces (the Docker driver's `--workspace-network`). `named`: the engine network of that name.
 */
export type NetworkPolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'default' }
  | { readonly kind: 'named'; readonly name: string };

/** The `PATH` of a container whose image sets none (the engine's own default). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type ContainerStatus =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export interface ContainerInfo {
  readonly id: string;
  readonly name: string;
  /** Id (`sha256:…`) of the image the container was created from. */
  readonly image: string;
  readonly status: ContainerStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly startedAt?: string;
  readonly exitCode?: number;
}

/** What {@link Runtime.statPath} reports about a path. */
export interface PathStat {
  readonly kind: 'file' | 'directory' | 'symlink' | 'other';
  /** Permission bits, e.g. 0o755. */
  readonly mode: number;
  readonly size: number;
}

export interface ExecOptions {
  readonly cmd: readonly string[];
  /** `uid:gid`, a user name, or `root`. */
  readonly user: string;
  readonly env?: readonly string[];
  readonly workingDir?: string;
  /**
   * Attach stdin: the session's `stdin` stream is then writable; ending it sends EOF to the process. With a
   * TTY, ending it only stops input (as sshd does on a PTY): the process keeps its terminal, and its output
   * flows until it exits.
   */
  readonly stdin?: boolean;
  /** Allocate a pseudo-terminal: stdout carries the terminal and stderr is unused. */
  readonly tty?: boolean;
  /**
   * Terminal size, in effect by the time `exec` resolves. A process that reads it in its very first instant
   * may still see 0x0 on engines older than Docker API 1.42; interactive programs catch up on SIGWINCH.
   */
  readonly initialSize?: { readonly cols: number; readonly rows: number };
}

/**
 * A running process inside a container. Output is already demultiplexed.
 * `exit` resolves once the process has ended and its output has been fully delivered.
 *
 * Output is flow-controlled like a pipe: when `stdout` or `stderr` is not read, the process eventually blocks
 * on writing and never exits. Consume both (or `resume()` them) while awaiting `exit`.
 */
export interface ExecSession {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * Resolves to the process exit code (137 when killed by SIGKILL, etc.). After {@link close} it rejects if
   * the process was still running. Never left unhandled: not awaiting it is safe.
   */
  readonly exit: Promise<number>;
  /** Resizes the terminal; does nothing for a session without a TTY. */
  resize(size: { cols: number; rows: number }): Promise<void>;
  /** Tear the session down (ends the output streams; the process may keep running in the container). */
  close(): void;
}

/** Raw duplex handed to drivers' internals; exported for drivers sharing helpers. */
export type RawStream = Duplex;

/** What {@link Runtime.machine} tells of the engine's machine. */
export interface EngineMachine {
  /** Its CPUs, as containers see them (Docker's `NCPU`). */
  readonly cpus: number;
}

/**
 * A container engine as Hearth uses it. All methods reject with {@link RuntimeError} on engine failure.
 */
export interface Runtime {
  /** Checks the engine answers; rejects with a RuntimeError naming the endpoint otherwise. */
  ping(): Promise<void>;
  /**
   * Settles the driver's own settings against the engine, before any workspace container is created (the
   * Docker driver picks or checks its workspace network). Rejects with `invalid_settings` and a message that
   * says what to change; resolves to what it chose, for the start-up log (e.g. `{ network: "bridge" }`).
   * Calling it again answers the same; creating a container calls it when it needs to.
   */
  prepare(): Promise<Readonly<Record<string, string>>>;
  /**
   * The machine the engine runs its containers on, read once: no single container can ask for more
   * CPUs than it has (Docker refuses `--cpus` over its `NCPU`; memory over its total it allows).
   */
  machine(): Promise<EngineMachine>;

  /** Inspects a local image by reference or id; `undefined` when the engine does not have it. */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /** Pulls `ref` from its registry, reporting progress lines; rejects with code `image_pull_failed`. */
  pullImage(ref: string, onProgress?: (line: string) => void): Promise<void>;
  /**
   * Reads `/etc/passwd` from an image without starting it (a created-then-removed container).
   * An image without the file yields `[]`; a missing image rejects with `image_not_found`.
   */
  readImagePasswd(imageId: string): Promise<PasswdEntry[]>;

  /** Creates the volume if it does not exist. `created` is true only when this call created it. */
  ensureVolume(spec: VolumeSpec): Promise<{ created: boolean }>;
  inspectVolume(name: string): Promise<VolumeInfo | undefined>;
  /** Volumes whose labels include every given label. */
  listVolumes(labels: Readonly<Record<string, string>>): Promise<VolumeInfo[]>;
  /**
   * Removes a volume. Only workspace deletion may call this for a home volume (the only other
   * caller removes the server's own empty run markers). Missing volumes are not an error.
   */
  removeVolume(name: string): Promise<void>;
  /**
   * Bytes used by every volume the engine can size, by name; a volume it cannot size is absent.
   * One call may size every volume on the engine (Docker's `/system/df` does): callers cache the
   * answer and never ask concurrently.
   */
  volumeSizes(): Promise<ReadonlyMap<string, number>>;

  /** Creates (does not start) a container; returns its id. */
  createContainer(spec: ContainerSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, wait up to `graceSeconds`, then SIGKILL. Stopping a stopped or missing container is not an error. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container (forcefully if running). A missing container is not an error. Never touches volumes. */
  removeContainer(id: string): Promise<void>;
  /** `undefined` when no such container exists. */
  inspectContainer(idOrName: string): Promise<ContainerInfo | undefined>;
  /**
   * Containers (running or not) whose labels include every given label.
   * Entries may lack `startedAt` and `exitCode`; {@link inspectContainer} has them.
   */
  listContainers(labels: Readonly<Record<string, string>>): Promise<ContainerInfo[]>;

  /**
   * Metadata of the file at `path` inside a container, read through the engine (no process is
   * started); `undefined` when nothing is there. Paths in {@link ContainerSpec.secretFiles} are not visible this way.
   */
  statPath(containerId: string, path: string): Promise<PathStat | undefined>;

  /**
   * A small text file's content (UTF-8) inside a container, read through the engine (no process is
   * started; symlinks are followed); `undefined` when nothing is there. For config files, not data.
   */
  readTextFile(containerId: string, path: string): Promise<string | undefined>;

  /**
   * Runs a process inside a running container. Rejects with `container_not_found` or
   * `container_not_running` when there is nothing to run it in.
   */
  exec(containerId: string, options: ExecOptions): Promise<ExecSession>;
}

export type RuntimeErrorCode =
  | 'engine_unreachable'
  | 'image_not_found'
  | 'image_pull_failed'
  | 'container_not_found'
  | 'container_not_running'
  | 'invalid_settings'
  | 'engine_error';

/** An engine failure, with a stable code and a short lowercase context. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
