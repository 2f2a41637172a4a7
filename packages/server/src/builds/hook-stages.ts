/**
 * The hook stages that run inside the new container, as the image's user (never root), with the
 * home directory as cwd: `configure` (the image's own setup script; a failure fails the build) and
 * `personalize` (the user's dotfiles and `~/personalize`; a failure is only a warning).
 */
import {
  CLONE_PROBE_SCRIPT,
  CLONE_SCRIPT,
  cloneFailureHint,
  DOTFILES_DIR,
  type DotfilesSetting,
  hasCredentials,
  installPlan,
  PROBE_SCRIPT,
  type Probe,
  parseCloneState,
  parseProbe,
  redactUrl,
  renderActions,
  syncPlan,
} from '../core/dotfiles.js';
import { INJECT_FAILED, withSecretEnv, withSecretsWritten } from '../core/secrets.js';
import type { DotfilesService } from '../identity/dotfiles.js';
import { hookTimeouts } from '../images/image-service.js';
import type { Clock } from '../ports/clock.js';
import type { Runtime } from '../runtime/runtime.js';
import { type BuildContext, type BuildStage, homeOf } from './build-stage.js';
import { failsWhenContainerLost } from './container-lost.js';
import { formatSeconds, hookFailure, runHook } from './hook-exec.js';

/** Where an image may put its setup script; the first that exists runs. */
export const CONFIGURE_PATHS = ['/hearth/configure', '/coder/configure'] as const;
/** Time allowed for the small probes the stages run before the real work. */
const PROBE_SECONDS = 60;
/** Time allowed for writing the secrets when there is no configure script to run with them. */
const INJECT_SECONDS = 60;
/** No prompt may wait for a terminal that is not there. */
const GIT_ENV = ['GIT_TERMINAL_PROMPT=0'];

export function hookStages(deps: {
  runtime: Runtime;
  dotfiles: Pick<DotfilesService, 'forUser'>;
  clock: Clock;
}): {
  configure: BuildStage;
  personalize: BuildStage;
} {
  const { runtime, dotfiles, clock } = deps;
  /** The configure script of each image id: files in an image never change, so each is looked up once. */
  const configureScripts = new Map<string, { path: string; executable: boolean } | null>();

  /**
   * Runs `cmd` as the workspace user in home; output goes to the build log unless `quiet`. The
   * build's first hook also writes the secrets the `secrets` stage left, before `cmd` starts.
   */
  const hook = async (ctx: BuildContext, cmd: readonly string[], timeoutSeconds: number, quiet = false) => {
    const output: string[] = [];
    const resolved = ctx.resolved!;
    const secrets = ctx.pendingSecrets;
    ctx.pendingSecrets = undefined;
    // stderr joins stdout inside the container, so the log keeps the order the hook wrote in.
    const command = withSecretEnv(['sh', '-c', 'exec "$@" 2>&1', 'sh', ...cmd]);
    const result = await runHook(runtime, ctx.containerId!, {
      cmd: secrets === undefined ? command : withSecretsWritten(command),
      user: `${resolved.uid}:${resolved.gid}`,
      workingDir: homeOf(resolved.username),
      env: GIT_ENV,
      timeoutSeconds,
      ...(secrets === undefined ? {} : { input: secrets }),
      ...(ctx.redactions ? { mask: ctx.redactions } : {}),
      onLine: (line) => (quiet ? output.push(line) : ctx.log(line)),
    });
    if (secrets !== undefined && result.code === INJECT_FAILED) {
      throw new Error(hookFailure('writing the secrets', result, timeoutSeconds));
    }
    return { ...result, output: output.join('\n') };
  };

  /** Runs a probe script and returns its output; a probe that fails is an error. */
  const probe = async (ctx: BuildContext, script: string, what: string): Promise<string> => {
    const result = await hook(ctx, ['sh', '-c', script], PROBE_SECONDS, true);
    if (result.code !== 0) throw new Error(hookFailure(what, result, PROBE_SECONDS));
    return result.output;
  };

  return {
    configure: {
      name: 'configure',
      critical: true,
      async run(ctx) {
        const script = await findConfigure(ctx);
        if (!script) {
          ctx.log(`the image has no ${CONFIGURE_PATHS.join(' or ')}; nothing to configure`);
          return writeSecrets(ctx);
        }
        const { path } = script;
        if (!script.executable) throw new Error(`${path} is not executable; the image must chmod +x it`);
        const seconds = hookTimeouts(ctx.image).configureTimeoutSeconds;
        ctx.log(`running ${path} as ${ctx.resolved!.username} (time limit ${formatSeconds(seconds)})`);
        const result = await hook(ctx, [path], seconds);
        if (result.code !== 0) throw new Error(hookFailure(path, result, seconds));
        ctx.log(`${path} finished`);
      },
    },
    personalize: failsWhenContainerLost(runtime, {
      name: 'personalize',
      critical: false,
      async run(ctx) {
        const seconds = hookTimeouts(ctx.image).personalizeTimeoutSeconds;
        const deadline = performance.now() + seconds * 1000;
        const left = () => Math.max(1, Math.round((deadline - performance.now()) / 1000));
        const problems: string[] = [];

        const setting = await dotfiles.forUser(ctx.workspace.owner_id);
        const lookAtHome = async () =>
          parseProbe(await probe(ctx, PROBE_SCRIPT, 'looking at the home directory'));
        let personalize: Probe['personalize'];
        if (setting && !hasCredentials(setting.url)) {
          const synced = await sync(ctx, setting, left, seconds, problems);
          const found = await lookAtHome();
          if (synced) {
            const result = await hook(ctx, ['sh', '-c', renderActions(installPlan(found))], left());
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
          const result = await hook(ctx, [`${homeOf(ctx.resolved!.username)}/personalize`], left());
          if (result.code !== 0) problems.push(hookFailure('~/personalize', result, seconds));
        } else if (personalize === 'plain') {
          ctx.log('~/personalize is not an executable file; skipped (chmod +x ~/personalize to run it)');
        }
        if (problems.length > 0) throw new Error(problems.join('\n'));
      },
    }),
  };

  /** Writes the pending secrets with an exec of their own (when no configure script carries them). */
  async function writeSecrets(ctx: BuildContext): Promise<void> {
    if (ctx.pendingSecrets === undefined) return;
    const result = await hook(ctx, ['true'], INJECT_SECONDS);
    if (result.code !== 0) throw new Error(hookFailure('writing the secrets', result, INJECT_SECONDS));
  }

  /** The image's configure script, through the engine's file metadata; a symlink asks the shell. */
  async function findConfigure(ctx: BuildContext): Promise<{ path: string; executable: boolean } | null> {
    const imageId = ctx.resolved!.id;
    const known = configureScripts.get(imageId);
    if (known !== undefined) return known;
    let found: { path: string; executable: boolean } | null = null;
    for (const path of CONFIGURE_PATHS) {
      const stat = await runtime.statPath(ctx.containerId!, path);
      if (!stat) continue;
      if (stat.kind === 'file') found = { path, executable: (stat.mode & 0o111) !== 0 };
      else {
        const answer = await probe(
          ctx,
          `if [ -x ${path} ] && [ -f ${path} ]; then echo x; fi`,
          'looking for the configure script',
        );
        found = { path, executable: answer.trim() === 'x' };
      }
      break;
    }
    configureScripts.set(imageId, found);
    return found;
  }

  /** `~/personalize` as the engine sees it; `undefined` when only the shell can tell (a symlink). */
  async function personalizeScript(ctx: BuildContext): Promise<Probe['personalize'] | undefined> {
    const stat = await runtime.statPath(ctx.containerId!, `${homeOf(ctx.resolved!.username)}/personalize`);
    if (!stat) return 'none';
    if (stat.kind !== 'file') return stat.kind === 'directory' ? 'plain' : undefined;
    return (stat.mode & 0o111) !== 0 ? 'executable' : 'plain';
  }

  /** Brings `~/dotfiles` to the wanted repository; false (with a problem noted) when that failed. */
  async function sync(
    ctx: BuildContext,
    setting: DotfilesSetting,
    left: () => number,
    seconds: number,
    problems: string[],
  ): Promise<boolean> {
    const state = parseCloneState(await probe(ctx, CLONE_PROBE_SCRIPT, 'looking at ~/dotfiles'));
    const plan = syncPlan(setting, state, clock.now());
    const step = async (what: string, cmd: readonly string[]) => {
      const result = await hook(ctx, cmd, left());
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
      await hook(ctx, ['rm', '-rf', '--', plan.staging], left(), true);
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
}
