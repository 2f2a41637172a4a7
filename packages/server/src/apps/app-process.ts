/**
 * Running the apps an image declares: starting an app's command as the workspace user (at the end
 * of every build, so a web IDE that takes seconds to start is ready by the time someone opens it,
 * as Coder v1 does) and checking its health as declared.
 */
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { runHook } from '../builds/hook-exec.js';
import type { AppCommand, AppSpec } from '../core/apps-config.js';
import { withSecretEnv } from '../core/secrets.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';
import { type AppUpstreams, upstreamFor } from './tls-forward-agents.js';

/** Where an app's output and pid live, in the home directory (kept across rebuilds for a look back). */
export const APP_STATE_DIR = '.local/state/hearth/apps';
const HEALTH_SECONDS = 5;

/**
 * Starts (or restarts) `app`'s command detached in its own session, so it outlives the exec that
 * started it; the previous run, if any, is stopped first. Output goes to `~/<APP_STATE_DIR>/NAME.log`.
 */
export async function startApp(runtime: Runtime, target: ExecTarget, app: AppSpec): Promise<void> {
  const start = app.start!;
  const script = `dir="$HOME/${APP_STATE_DIR}"; mkdir -p "$dir" || exit 1
name=$1; wd=$2; shift 2
if [ -f "$dir/$name.pid" ]; then kill -- "-$(cat "$dir/$name.pid")" 2>/dev/null; fi
cd "$wd" 2>/dev/null || cd "$HOME"
setsid "$@" >"$dir/$name.log" 2>&1 </dev/null &
echo $! >"$dir/$name.pid"`;
  const lines: string[] = [];
  const result = await runHook(runtime, target.containerId, {
    cmd: withSecretEnv([
      'sh',
      '-c',
      script,
      'start-app',
      app.name,
      app.workingDirectory ?? target.home,
      start.command,
      ...start.args,
    ]),
    user: target.username,
    workingDir: target.home,
    env: [`HOME=${target.home}`, `USER=${target.username}`, `LOGNAME=${target.username}`],
    timeoutSeconds: 30,
    onLine: (line) => lines.push(line),
  });
  if (result.code !== 0)
    throw new Error(`start app ${app.name}: exit ${result.code}: ${lines.join('\n') || 'no output'}`);
}

/** The declared health check's result now: every declared check must pass. */
export async function checkHealth(
  runtime: Runtime,
  upstreams: AppUpstreams,
  target: ExecTarget,
  app: AppSpec,
): Promise<'healthy' | 'unhealthy' | 'no_check'> {
  if (!app.health) return 'no_check';
  const checks: Promise<boolean>[] = [];
  if (app.health.exec) checks.push(execCheck(runtime, target, app.health.exec));
  if (app.health.http) checks.push(httpCheck(upstreams, target, app.health.http));
  const results = await Promise.all(checks.map((c) => c.catch(() => false)));
  return results.every(Boolean) ? 'healthy' : 'unhealthy';
}

async function execCheck(runtime: Runtime, target: ExecTarget, check: AppCommand): Promise<boolean> {
  const result = await runHook(runtime, target.containerId, {
    cmd: [check.command, ...check.args],
    user: target.username,
    workingDir: target.home,
    timeoutSeconds: HEALTH_SECONDS,
    onLine: () => undefined,
  });
  return result.code === 0;
}

/**
 * GET of the address on the workspace's own loopback (its host is always the workspace itself),
 * over TLS for an `https:` address.
 */
async function httpCheck(upstreams: AppUpstreams, target: ExecTarget, address: string): Promise<boolean> {
  const url = new URL(address);
  const tls = url.protocol === 'https:';
  const port = Number(url.port || (tls ? 443 : 80));
  // A connection of its own, closed after the answer: a check every few seconds needs no pool.
  const socket = await upstreamFor(upstreams, tls ? 'https' : 'http').connect(target, port);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        createConnection: () => socket as Socket,
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host },
        timeout: HEALTH_SECONDS * 1000,
      },
      (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 400);
      },
    );
    req.on('timeout', () => req.destroy(new Error('health check timed out')));
    req.on('close', () => socket.destroy());
    req.on('error', reject);
    req.end();
  });
}
