/**
 * Running a command inside the new container as the image's user (never root), with the home
 * directory as cwd, for the configure and personalize stages. The build's first hook also writes
 * the secrets the `secrets` stage left, before its command starts.
 */
import { INJECT_FAILED, withSecretEnv, withSecretsWritten } from '../core/secrets.js';
import { type BuildContext, homeOf } from './build-stage.js';
import { hookFailure, runHook } from './hook-exec.js';

/** Time allowed for the small probes the stages run before the real work. */
const PROBE_SECONDS = 60;
/** No prompt may wait for a terminal that is not there. */
const GIT_ENV = ['GIT_TERMINAL_PROMPT=0'];

export interface UserHooks {
  /** Runs `cmd`; its output goes to the build log unless `quiet` (then it is returned in `output`). */
  run(
    ctx: BuildContext,
    cmd: readonly string[],
    timeoutSeconds: number,
    quiet?: boolean,
  ): Promise<Awaited<ReturnType<typeof runHook>> & { output: string }>;
  /** Runs a probe script and returns its output; a probe that fails is an error naming `what`. */
  probe(ctx: BuildContext, script: string, what: string): Promise<string>;
}

export function userHooks(): UserHooks {
  const run: UserHooks['run'] = async (ctx, cmd, timeoutSeconds, quiet = false) => {
    const output: string[] = [];
    const resolved = ctx.resolved!;
    const secrets = ctx.pendingSecrets;
    ctx.pendingSecrets = undefined;
    // stderr joins stdout inside the container, so the log keeps the order the hook wrote in.
    const command = withSecretEnv(['sh', '-c', 'exec "$@" 2>&1', 'sh', ...cmd]);
    const result = await runHook(ctx.runtime, ctx.containerId!, {
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
  return {
    run,
    async probe(ctx, script, what) {
      const result = await run(ctx, ['sh', '-c', script], PROBE_SECONDS, true);
      if (result.code !== 0) throw new Error(hookFailure(what, result, PROBE_SECONDS));
      return result.output;
    },
  };
}
