/**
 * `--wait`: follows the workspace's watch stream, printing progress to stderr, until it settles.
 * A dropped stream (server restart) is reopened: the first snapshot tells where things stand.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HearthClient, Workspace } from '@hearth/sdk';
import { HearthApiError } from '@hearth/sdk/errors';
import { CliError } from './errors.js';
import { formatDuration } from './output.js';
import { BuildProgress, buildFailure, type WaitGoal } from './progress.js';
import { formatWorkspaceRef, type WorkspaceRef } from './workspace-ref.js';

const RETRIES = 10;
const RETRY_DELAY_MS = 1000;

/**
 * Waits until the workspace reaches `goal` and returns it; ending up failed is thrown as a
 * {@link CliError} carrying the build's error.
 */
export async function waitForWorkspace(
  client: HearthClient,
  ref: WorkspaceRef,
  goal: WaitGoal,
  stderr: NodeJS.WritableStream,
): Promise<Workspace> {
  const progress = new BuildProgress(goal);
  const ws = await follow(client, ref, stderr, (event) => progress.push(event));
  if (!ws) throw new CliError(`workspace ${formatWorkspaceRef(ref)} was deleted while waiting`);
  const name = formatWorkspaceRef(ref);
  // Only for the build this command waited for, and only if its log (which says them) was not shown.
  const waited = goal.build !== undefined ? ws.lastBuild : null;
  if (waited && !progress.showedLogOf(waited.number)) {
    for (const warning of waited.warnings) stderr.write(`warning: ${warning}\n`);
  }
  if (ws.state === 'failed') {
    throw new CliError(buildFailure(ws.lastBuild), {
      hints: [`the full log: \`hearth logs ${name}\`; try again with \`hearth rebuild ${name}\``],
    });
  }
  const b = ws.lastBuild;
  const how = ws.state === 'running' && b ? ` (build #${b.number} took ${formatDuration(b.durationMs)})` : '';
  stderr.write(`Workspace ${name} is ${ws.state}${how}.\n`);
  return ws;
}

/** Waits until the workspace no longer exists. */
export async function waitForDeletion(
  client: HearthClient,
  ref: WorkspaceRef,
  stderr: NodeJS.WritableStream,
): Promise<void> {
  const progress = new BuildProgress({ until: new Set() });
  await follow(client, ref, stderr, (event) => progress.push(event));
  stderr.write(`Workspace ${formatWorkspaceRef(ref)} is gone.\n`);
}

type Step = ReturnType<BuildProgress['push']>;

/** Runs the watch loop; resolves with the settled workspace, or undefined once it is gone (404). */
async function follow(
  client: HearthClient,
  ref: WorkspaceRef,
  stderr: NodeJS.WritableStream,
  onEvent: (event: Parameters<BuildProgress['push']>[0]) => Step,
): Promise<Workspace | undefined> {
  let failures = 0;
  for (;;) {
    try {
      for await (const event of client.watchWorkspace(ref.owner, ref.name)) {
        failures = 0;
        const step = onEvent(event);
        for (const line of step.lines) stderr.write(`${line}\n`);
        if (step.settled) return step.settled;
      }
    } catch (err) {
      if (err instanceof HearthApiError && err.status === 404) return undefined;
      if (!(err instanceof HearthApiError && err.status === 0) || failures >= RETRIES) throw err;
    }
    failures++;
    if (failures > RETRIES) throw new CliError('the server keeps closing the watch stream');
    await sleep(RETRY_DELAY_MS);
  }
}
