/**
 * The `personalize` stage: the user's dotfiles (cloned or updated into `~/dotfiles`, then
 * installed) and `~/personalize`, run as the image's user. A failure is only a warning.
 */
import {
  hasCredentials,
  installPlan,
  PROBE_SCRIPT,
  type Probe,
  parseProbe,
  redactUrl,
  renderActions,
} from '../core/dotfiles.js';
import type { DotfilesService } from '../identity/dotfiles.js';
import { hookTimeouts } from '../images/image-service.js';
import type { Clock } from '../ports/clock.js';
import { type BuildContext, type BuildStage, homeOf } from './build-stage.js';
import { failsWhenContainerLost } from './container-lost.js';
import { syncDotfiles } from './dotfiles-sync.js';
import { hookFailure } from './hook-exec.js';
import { userHooks } from './user-hook.js';

export function personalizeStage(deps: {
  dotfiles: Pick<DotfilesService, 'forUser'>;
  clock: Clock;
}): BuildStage {
  const { dotfiles, clock } = deps;
  const hooks = userHooks();
  return failsWhenContainerLost({
    name: 'personalize',
    critical: false,
    async run(ctx) {
      const seconds = hookTimeouts(ctx.image).personalizeTimeoutSeconds;
      const deadline = performance.now() + seconds * 1000;
      const left = () => Math.max(1, Math.round((deadline - performance.now()) / 1000));
      const problems: string[] = [];

      const setting = await dotfiles.forUser(ctx.workspace.owner_id);
      const lookAtHome = async () =>
        parseProbe(await hooks.probe(ctx, PROBE_SCRIPT, 'looking at the home directory'));
      let personalize: Probe['personalize'];
      if (setting && !hasCredentials(setting.url)) {
        const synced = await syncDotfiles(hooks, ctx, { setting, now: clock.now(), left, seconds, problems });
        const found = await lookAtHome();
        if (synced) {
          const result = await hooks.run(ctx, ['sh', '-c', renderActions(installPlan(found))], left());
          if (result.code !== 0) problems.push(hookFailure('installing the dotfiles', result, seconds));
        }
        personalize = found.personalize;
      } else {
        // A URL with credentials was stored before such URLs were refused: it is never used, so
        // its credentials reach no log.
        if (setting)
          problems.push(
            `the dotfiles URL ${redactUrl(setting.url)} carries credentials and was not used: set it again without them ("hearth dotfiles set URL")`,
          );
        else ctx.log('no dotfiles repository set ("hearth dotfiles set URL" sets one)');
        // Only ~/personalize matters then, and the engine can tell without starting a process.
        personalize = (await personalizeScript(ctx)) ?? (await lookAtHome()).personalize;
      }
      if (personalize === 'executable') {
        ctx.log('running ~/personalize');
        const result = await hooks.run(ctx, [`${homeOf(ctx.resolved!.username)}/personalize`], left());
        if (result.code !== 0) problems.push(hookFailure('~/personalize', result, seconds));
      } else if (personalize === 'plain') {
        ctx.log('~/personalize is not an executable file; skipped (chmod +x ~/personalize to run it)');
      }
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
  });
}

/** `~/personalize` as the engine sees it; `undefined` when only the shell can tell (a symlink). */
async function personalizeScript(ctx: BuildContext): Promise<Probe['personalize'] | undefined> {
  const stat = await ctx.runtime.statPath(ctx.containerId!, `${homeOf(ctx.resolved!.username)}/personalize`);
  if (!stat) return 'none';
  if (stat.kind !== 'file') return stat.kind === 'directory' ? 'plain' : undefined;
  return (stat.mode & 0o111) !== 0 ? 'executable' : 'plain';
}
