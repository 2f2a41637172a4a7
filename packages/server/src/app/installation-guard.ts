/**
 * Keeps this server's run marker on the engine fresh and refuses to go on while another server of
 * the same installation is live there (see core/installation-runs.ts). A marker is an empty volume
 * labelled with the installation, the run (this server's replica id, new per start), the host and
 * the pid; every beat makes a new one and removes this run's previous one, since labels cannot
 * change. Another live run is no conflict when it is a replica: registered, with a fresh
 * heartbeat, in this server's own shared database (see replica-registry.ts), which each beat
 * refreshes before the marker, so a replica is registered before any other sees its marker.
 */
import { hostname } from 'node:os';
import { describeRun, judgeRuns, type RunMarker } from '../core/installation-runs.js';
import { newId } from '../ports/ids.js';
import type { InstallationCheck } from '../ports/installation-check.js';
import type { Logger } from '../ports/logger.js';
import { LABELS, type Runtime, type VolumeInfo } from '../runtime/runtime.js';
import { REPLICA_BEAT_MS, REPLICA_STALE_MS, type ReplicaRegistry } from './replica-registry.js';

/** How often a live server renews its marker, and when an unrenewed one stops counting. */
const BEAT_MS = REPLICA_BEAT_MS;
const STALE_AFTER_MS = REPLICA_STALE_MS;
const PURPOSE = 'run-marker';

/** Another live server has this installation's id on the same engine. */
export class InstallationConflictError extends Error {
  override readonly name = 'InstallationConflictError';
  constructor(live: readonly RunMarker[]) {
    super(
      `another server of this installation is live on the same engine: ${live.map(describeRun).join('; ')}. ` +
        'Its data directory has this one’s installation id (a copy, such as a restored backup), and each ' +
        'server would remove the other’s containers as orphans, so this one removes nothing while that one ' +
        'runs. Stop one of the two servers (replicas of one installation share one PostgreSQL database and ' +
        'each has a data directory of its own)',
    );
  }
}

export class InstallationGuard implements InstallationCheck {
  readonly run: string;
  readonly #registry: ReplicaRegistry | undefined;
  readonly #runtime: Runtime;
  readonly #instanceId: string;
  readonly #log: Logger;
  readonly #host = hostname();
  #beats = 0;
  #marker: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** The beat in flight: the timer's and the reconciler's share it, so one marker is made at a time. */
  #beat: Promise<void> | undefined;

  /** `registry`: this server's replica entry; without one, every other live run is a conflict. */
  constructor(deps: { runtime: Runtime; instanceId: string; logger: Logger; registry?: ReplicaRegistry }) {
    this.#registry = deps.registry;
    this.run = deps.registry?.id ?? newId();
    this.#runtime = deps.runtime;
    this.#instanceId = deps.instanceId;
    this.#log = deps.logger.child({ component: 'installation', run: this.run });
  }

  assertAlone(): Promise<void> {
    this.#beat ??= this.#renew().finally(() => {
      this.#beat = undefined;
    });
    return this.#beat;
  }

  async #renew(): Promise<void> {
    await this.#registry?.beat();
    const marker = `hearth-run-${this.run}-${++this.#beats}`;
    await this.#runtime.ensureVolume({
      name: marker,
      labels: {
        [LABELS.instance]: this.#instanceId,
        [LABELS.purpose]: PURPOSE,
        [LABELS.run]: this.run,
        [LABELS.runHost]: this.#host,
        [LABELS.runPid]: String(process.pid),
      },
    });
    this.#marker = marker;
    const found = await this.#runtime.listVolumes({ [LABELS.purpose]: PURPOSE });
    const ours = found.filter((v) => v.labels[LABELS.instance] === this.#instanceId).map(toMarker);
    const { live, stale } = judgeRuns(ours, { run: this.run, marker }, STALE_AFTER_MS, (m) =>
      this.#isDead(m),
    );
    // Other installations' markers are theirs to judge, except those of a dead process on this
    // host (a server killed with no successor, as tests do): litter anyone may sweep.
    const litter = found
      .filter((v) => v.labels[LABELS.instance] !== this.#instanceId)
      .map(toMarker)
      .filter((m) => this.#isDead(m));
    for (const m of [...stale, ...litter]) await this.#runtime.removeVolume(m.name).catch(() => undefined);
    const conflicts: RunMarker[] = [];
    for (const m of live) if (!(await this.#registry?.isLiveReplica(m.run))) conflicts.push(m);
    if (conflicts.length > 0) throw new InstallationConflictError(conflicts);
  }

  /** Renews the marker every beat; a conflict is logged (the reconciler refuses on its own). */
  start(): void {
    this.#timer = setInterval(
      () =>
        void this.assertAlone().catch((error) =>
          this.#log.error({ err: error }, 'installation check failed'),
        ),
      BEAT_MS,
    );
    this.#timer.unref();
  }

  /** Stops renewing and removes this run's marker, so a successor need not wait for it to age. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#beat?.catch(() => undefined);
    if (this.#marker) await this.#runtime.removeVolume(this.#marker).catch(() => undefined);
    this.#marker = undefined;
    await this.#registry?.leave().catch(() => undefined);
  }

  /** A run on this host whose process is gone is dead, however fresh its marker. */
  #isDead(m: RunMarker): boolean {
    if (m.host !== this.#host || !Number.isInteger(m.pid) || m.pid <= 0) return false;
    try {
      process.kill(m.pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}

const toMarker = (v: VolumeInfo): RunMarker => ({
  name: v.name,
  run: v.labels[LABELS.run] ?? '',
  host: v.labels[LABELS.runHost] ?? '',
  pid: Number(v.labels[LABELS.runPid]),
  createdAt: v.createdAt,
});
