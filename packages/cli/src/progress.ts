/**
 * Turns the workspace watch stream into progress lines for `--wait`: build and stage transitions
 * with durations, and log lines prefixed by their stage. Pure: fed events, returns lines.
 */
import type { Build, Stage, WatchEvent, Workspace, WorkspaceState } from '@hearth/sdk';
import { formatDuration } from './output.js';

/** When a wait is over. */
export interface WaitGoal {
  /** States that end the wait. */
  until: ReadonlySet<WorkspaceState>;
  /** The build the command started; snapshots from before it do not end the wait. */
  build?: number | undefined;
}

/** The states a build settles in. */
export const BUILD_SETTLED: ReadonlySet<WorkspaceState> = new Set(['running', 'stopped', 'failed']);
/** The states a stop settles in. */
export const STOP_SETTLED: ReadonlySet<WorkspaceState> = new Set(['stopped', 'failed']);

/** What one event means for the user. */
export interface ProgressStep {
  lines: string[];
  /** Set once the workspace reached the goal. */
  settled?: Workspace;
}

/** Remembers the last snapshot so that each event prints only what changed. */
export class BuildProgress {
  readonly #goal: WaitGoal;
  #state: WorkspaceState | undefined;
  #build: number | undefined;
  #queuePosition: number | null = null;
  #stages = new Map<string, string>();
  /**
   * Log lines of stages whose `==>` line is not out yet, by `build:stage`. A stage's first lines
   * often arrive before the snapshot that says it started; held, they print under their own stage.
   */
  #held = new Map<string, string[]>();
  /** Builds whose log lines were printed (their warnings among them). */
  #logged = new Set<number>();

  constructor(goal: WaitGoal) {
    this.#goal = goal;
  }

  /** Lines to print for `event`, and the workspace once it has settled. */
  push(event: WatchEvent): ProgressStep {
    if (event.event === 'log') {
      const { build, stage, text } = event.data;
      if (build < (this.#goal.build ?? 0)) return { lines: [] };
      const lines = text.split('\n').map((l) => `[${stage}] ${l}`);
      if (build === this.#build && (this.#stages.get(stage) ?? 'pending') !== 'pending') {
        this.#logged.add(build);
        return { lines };
      }
      const key = `${build}:${stage}`;
      this.#held.set(key, [...(this.#held.get(key) ?? []), ...lines]);
      return { lines: [] };
    }
    const ws = event.data;
    const lines: string[] = [];
    const build = ws.lastBuild;
    if (build && this.#follows(build)) lines.push(...this.#buildLines(build));
    // After the stages: a new state is usually their consequence.
    if (ws.state !== this.#state) {
      lines.push(`==> ${ws.state}: ${ws.stateReason.message}`);
      this.#state = ws.state;
    }
    if (!reached(this.#goal, ws)) return { lines };
    for (const [key, held] of this.#held) {
      this.#logged.add(Number(key.slice(0, key.indexOf(':'))));
      lines.push(...held);
    }
    this.#held.clear();
    return { lines, settled: ws };
  }

  /** Whether the log of build `number` (with its warnings) was printed. */
  showedLogOf(number: number): boolean {
    return this.#logged.has(number);
  }

  // The build the command started; without one (stop, delete), only a build that runs meanwhile.
  #follows(build: Build): boolean {
    if (this.#goal.build !== undefined) return build.number >= this.#goal.build;
    return build.number === this.#build || build.status === 'queued' || build.status === 'running';
  }

  #buildLines(build: Build): string[] {
    const lines: string[] = [];
    if (build.number !== this.#build) {
      this.#build = build.number;
      this.#queuePosition = null;
      this.#stages.clear();
      lines.push(`==> build #${build.number} (${build.reason} by ${build.initiator}): ${build.imageRef}`);
    }
    if (build.status === 'queued' && build.queuePosition !== this.#queuePosition) {
      this.#queuePosition = build.queuePosition;
      lines.push(`==> queued${build.queuePosition ? ` at position ${build.queuePosition}` : ''}`);
    }
    for (const stage of build.stages) {
      const before = this.#stages.get(stage.name) ?? 'pending';
      if (before === stage.status) continue;
      this.#stages.set(stage.name, stage.status);
      const line = stageLine(stage);
      const key = `${build.number}:${stage.name}`;
      const held = stage.status === 'pending' ? undefined : this.#held.get(key);
      if (!held) {
        if (line) lines.push(line);
        continue;
      }
      this.#held.delete(key);
      this.#logged.add(build.number);
      if (stage.status === 'running') {
        lines.push(`==> ${stage.name}`, ...held);
        continue;
      }
      // A stage that started and ended between two snapshots: its lines go under its start and
      // before how it ended, as when it is seen running.
      if (before === 'pending') lines.push(`==> ${stage.name}`);
      lines.push(...held);
      if (line) lines.push(line);
    }
    return lines;
  }
}

/**
 * Whether `ws` is where the goal wants it. With a build to wait for, that build must also have
 * finished: a workspace can still say `running` (its old container) while the new build is queued.
 */
export function reached(goal: WaitGoal, ws: Workspace): boolean {
  if (!goal.until.has(ws.state)) return false;
  if (goal.build === undefined) return true;
  const build = ws.lastBuild;
  return (
    build !== null && build.number >= goal.build && build.status !== 'queued' && build.status !== 'running'
  );
}

/** `==> configure succeeded in 1.2s`; nothing for a stage still pending. */
export function stageLine(stage: Stage): string | undefined {
  switch (stage.status) {
    case 'pending':
      return undefined;
    case 'running':
      return `==> ${stage.name}`;
    case 'skipped':
      return `==> ${stage.name} skipped`;
    // The warning itself is in the stage's log, and in `show`: said once is enough.
    case 'warning':
      return `==> ${stage.name} finished with a warning in ${formatDuration(stage.durationMs)}`;
    default: {
      const why = stage.error ? `: ${stage.error}` : '';
      return `==> ${stage.name} ${stage.status} in ${formatDuration(stage.durationMs)}${why}`;
    }
  }
}

/** Why a build failed, naming the stage: "build #3 failed at configure: exit status 1". */
export function buildFailure(build: Build | null): string {
  if (!build) return 'the workspace failed before any build ran';
  const stage = build.stages.find((s) => s.status === 'failed');
  const where = stage ? ` at ${stage.name}` : '';
  const why = build.error ?? stage?.error;
  return `build #${build.number} failed${where}${why ? `: ${why}` : ''}`;
}

/** "build #3 succeeded in 4.1s", for the last line of a wait and the LAST BUILD column. */
export function buildSummary(build: Build | null): string {
  if (!build) return '-';
  const took = build.durationMs === null ? '' : ` ${formatDuration(build.durationMs)}`;
  return `#${build.number} ${build.status}${took}`;
}
