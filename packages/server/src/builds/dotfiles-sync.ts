/**
 * Bringing `~/dotfiles` to the wanted repository during personalize: update in place, clone, or
 * clone afresh beside the old checkout and swap (the old one is kept as a backup, never deleted).
 */
import {
  CLONE_PROBE_SCRIPT,
  CLONE_SCRIPT,
  cloneFailureHint,
  DOTFILES_DIR,
  type DotfilesSetting,
  parseCloneState,
  syncPlan,
} from '../core/dotfiles.js';
import type { BuildContext } from './build-stage.js';
import { hookFailure } from './hook-exec.js';
import type { UserHooks } from './user-hook.js';

export interface SyncRequest {
  readonly setting: DotfilesSetting;
  readonly now: Date;
  /** Seconds left of the stage's time limit. */
  readonly left: () => number;
  /** The stage's whole time limit, for messages. */
  readonly seconds: number;
  /** Where each failure is noted, with what to do. */
  readonly problems: string[];
}

/** False (with a problem noted) when the repository could not be brought up to date. */
export async function syncDotfiles(hooks: UserHooks, ctx: BuildContext, r: SyncRequest): Promise<boolean> {
  const { setting, left, seconds, problems } = r;
  const state = parseCloneState(await hooks.probe(ctx, CLONE_PROBE_SCRIPT, 'looking at ~/dotfiles'));
  const plan = syncPlan(setting, state, r.now);
  const step = async (what: string, cmd: readonly string[]) => {
    const result = await hooks.run(ctx, cmd, left());
    if (result.code !== 0) problems.push(hookFailure(what, result, seconds));
    return result.code === 0;
  };
  const clone = async (into: string) => {
    const cmd = [
      'sh',
      '-c',
      CLONE_SCRIPT,
      'sh',
      setting.url,
      into,
      ...(setting.branch ? [setting.branch] : []),
    ];
    if (await step(`cloning ${setting.url}`, cmd)) return true;
    const hint = cloneFailureHint(setting.url);
    if (hint) problems.push(hint);
    return false;
  };
  const what = `${setting.url}${setting.branch ? ` (branch ${setting.branch})` : ''}`;
  if (plan.action === 'update') {
    ctx.log(`updating ~/${DOTFILES_DIR} from ${setting.url}`);
    return step('updating the dotfiles (git pull --ff-only)', [
      'git',
      '-C',
      DOTFILES_DIR,
      'pull',
      '--ff-only',
    ]);
  }
  if (plan.action === 'clone') {
    ctx.log(`cloning ${what} into ~/${DOTFILES_DIR}`);
    return clone(DOTFILES_DIR);
  }
  ctx.log(`${plan.why}: cloning ${what} afresh`);
  if (!(await clone(plan.staging))) {
    await hooks.run(ctx, ['rm', '-rf', '--', plan.staging], left(), true);
    return false;
  }
  ctx.log(`moving the old ~/${DOTFILES_DIR} to ~/${plan.backup}`);
  return step(`moving ~/${DOTFILES_DIR} aside`, [
    'sh',
    '-c',
    'mv -n -- "$1" "$2" && mv -n -- "$3" "$1"',
    'sh',
    DOTFILES_DIR,
    plan.backup,
    plan.staging,
  ]);
}
