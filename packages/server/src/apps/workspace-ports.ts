/**
 * Reading which ports a running workspace listens on: its `/proc/net/tcp` and `/proc/net/tcp6`,
 * read as the workspace user through the engine's exec (they describe the container's own
 * network namespace, which the engine's archive API cannot read), parsed by core/listening-ports.
 */

import { runHook } from '../builds/hook-exec.js';
import { listeningPorts } from '../core/listening-ports.js';
import type { Runtime } from '../runtime/runtime.js';
import type { ExecTarget } from '../workspaces/workspace-access.js';

const READ_SECONDS = 5;

/** The listening ports a port URL reaches, ascending; rejects when the workspace could not be read. */
export async function readListeningPorts(runtime: Runtime, target: ExecTarget): Promise<number[]> {
  const lines: string[] = [];
  // tcp6 is missing when the kernel has no IPv6: that is no error.
  const result = await runHook(runtime, target.containerId, {
    cmd: ['sh', '-c', 'cat /proc/net/tcp && { cat /proc/net/tcp6 2>/dev/null || true; }'],
    user: target.username,
    workingDir: target.home,
    timeoutSeconds: READ_SECONDS,
    onLine: (line) => lines.push(line),
  });
  if (result.code !== 0)
    throw new Error(`read /proc/net/tcp: exit ${result.code}: ${result.tail.join('\n') || 'no output'}`);
  return listeningPorts(lines.join('\n'));
}
