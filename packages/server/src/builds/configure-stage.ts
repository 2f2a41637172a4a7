/**
 * The `configure` stage: the image's own setup script, run as the image's user in the home
 * directory; a failure fails the build. With no script, the secrets are still written.
 */
import { hookTimeouts } from '../images/image-service.js';
import type { BuildContext, BuildStage } from './build-stage.js';
import { formatSeconds, hookFailure } from './hook-exec.js';
import { type UserHooks, userHooks } from './user-hook.js';

/** Where an image may put its setup script; the first that exists runs. */
export const CONFIGURE_PATHS = ['/hearth/configure', '/coder/configure'] as const;
/** Time allowed for writing the secrets when there is no configure script to run with them. */
const INJECT_SECONDS = 60;

type Script = { path: string; executable: boolean };

export function configureStage(): BuildStage {
  const hooks = userHooks();
  /** The configure script of each image id: files in an image never change, so each is looked up once. */
  const scripts = new Map<string, Script | null>();
  return {
    name: 'configure',
    critical: true,
    async run(ctx) {
      const script = await findConfigure(hooks, scripts, ctx);
      if (!script) {
        ctx.log(`the image has no ${CONFIGURE_PATHS.join(' or ')}; nothing to configure`);
        return writeSecrets(hooks, ctx);
      }
      const { path } = script;
      if (!script.executable) throw new Error(`${path} is not executable; the image must chmod +x it`);
      const seconds = hookTimeouts(ctx.image).configureTimeoutSeconds;
      ctx.log(`running ${path} as ${ctx.resolved!.username} (time limit ${formatSeconds(seconds)})`);
      const result = await hooks.run(ctx, [path], seconds);
      if (result.code !== 0) throw new Error(hookFailure(path, result, seconds));
      ctx.log(`${path} finished`);
    },
  };
}

/** Writes the pending secrets with an exec of their own (when no configure script carries them). */
async function writeSecrets(hooks: UserHooks, ctx: BuildContext): Promise<void> {
  if (ctx.pendingSecrets === undefined) return;
  const result = await hooks.run(ctx, ['true'], INJECT_SECONDS);
  if (result.code !== 0) throw new Error(hookFailure('writing the secrets', result, INJECT_SECONDS));
}

/** The image's configure script, through the engine's file metadata; a symlink asks the shell. */
async function findConfigure(
  hooks: UserHooks,
  scripts: Map<string, Script | null>,
  ctx: BuildContext,
): Promise<Script | null> {
  const imageId = ctx.resolved!.id;
  const known = scripts.get(imageId);
  if (known !== undefined) return known;
  let found: Script | null = null;
  for (const path of CONFIGURE_PATHS) {
    const stat = await ctx.runtime.statPath(ctx.containerId!, path);
    if (!stat) continue;
    if (stat.kind === 'file') found = { path, executable: (stat.mode & 0o111) !== 0 };
    else {
      const answer = await hooks.probe(
        ctx,
        `if [ -x ${path} ] && [ -f ${path} ]; then echo x; fi`,
        'looking for the configure script',
      );
      found = { path, executable: answer.trim() === 'x' };
    }
    break;
  }
  scripts.set(imageId, found);
  return found;
}
