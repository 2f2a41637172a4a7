/**
 * The `container` stage: replaces the workspace's container with a new one from the resolved
 * image, with the build's resources, the home volume and what the other stages asked for
 * (secret files, server access, tools), then hands a fresh home volume's root to the user.
 */

import { formatSize } from '@hearth/sdk/sizes';
import { containerName } from '../core/container-name.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { formatCpu } from '../core/units.js';
import { type ContainerSpec, LABELS, type Runtime } from '../runtime/runtime.js';
import type { Database } from '../store/database.js';
import { findOrgById } from '../store/repositories/orgs.repository.js';
import { updateWorkspace } from '../store/repositories/workspaces.repository.js';
import { type BuildContext, type BuildStage, homeOf } from './build-stage.js';

export interface ContainerSettings {
  /** This installation's id, labelled on everything it creates. */
  readonly instanceId: string;
  /** Seconds between SIGTERM and SIGKILL when replacing a container. */
  readonly stopGraceSeconds: number;
}

/** The part of a workspace's {@link ContainerSpec} other stages ask for. */
export type WorkspaceNeeds = Pick<ContainerSpec, 'env' | 'secretFiles' | 'serverAccess' | 'tools'>;

export function containerStage(deps: {
  db: Database;
  settings: ContainerSettings;
  /** What else the container needs (the hook stages' secret files, server access and tools), and its environment. */
  extras?: (ctx: BuildContext) => WorkspaceNeeds;
}): BuildStage {
  const { db, settings, extras } = deps;
  return {
    name: 'container',
    critical: true,
    async run(ctx) {
      const { runtime } = ctx;
      const resolved = ctx.resolved!;
      const home = homeOf(resolved.username);
      for (const old of await runtime.listContainers({ [LABELS.workspaceId]: ctx.workspace.id })) {
        ctx.log(`stopping previous container ${old.name} (grace ${settings.stopGraceSeconds}s)`);
        await runtime.stopContainer(old.id, settings.stopGraceSeconds);
        await runtime.removeContainer(old.id);
      }
      const { env: moreEnv, ...needs } = extras?.(ctx) ?? { env: [] };
      const org = await findOrgById(db, ctx.workspace.org_id);
      const id = await runtime.createContainer({
        name: containerName({
          owner: ctx.workspace.owner,
          name: ctx.workspace.name,
          workspaceId: ctx.workspace.id,
          build: ctx.build.number,
        }),
        image: resolved.id,
        hostname: ctx.workspace.name,
        user: `${resolved.uid}:${resolved.gid}`,
        env: [
          `HOME=${home}`,
          `USER=${resolved.username}`,
          `HEARTH_WORKSPACE=${ctx.workspace.name}`,
          `HEARTH_OWNER=${ctx.workspace.owner}`,
          ...moreEnv,
        ],
        labels: { ...labelsOf(ctx, settings), [LABELS.buildNumber]: String(ctx.build.number) },
        cpuMillis: ctx.build.cpu_millis,
        memoryBytes: Number(ctx.build.memory_bytes),
        gpus: ctx.build.gpus,
        pidsLimit: org?.pids_limit ?? DEFAULT_LIMITS.pidsLimit,
        volumes: [{ volume: ctx.workspace.volume_name, target: home }],
        workingDir: home,
        network: { kind: 'default' },
        ...needs,
      });
      ctx.containerId = id;
      // Recorded before start, so a crash from here on leaves nothing the reconciler cannot find.
      await updateWorkspace(db, ctx.workspace.id, { container_id: id });
      await runtime.startContainer(id);
      ctx.log(
        `started container ${id.slice(0, 12)} (cpu ${formatCpu(ctx.build.cpu_millis)}, memory ${formatSize(Number(ctx.build.memory_bytes))})`,
      );
      if (ctx.workspace.home_ready !== 1) await claimHome(runtime, id, home, resolved.uid, resolved.gid, ctx);
      await updateWorkspace(db, ctx.workspace.id, { home_ready: 1 });
    },
  };
}

/** Gives a fresh home volume's root to the workspace user (its contents are never touched). */
async function claimHome(
  runtime: Runtime,
  containerId: string,
  home: string,
  uid: number,
  gid: number,
  ctx: BuildContext,
) {
  const session = await runtime.exec(containerId, { cmd: ['chown', `${uid}:${gid}`, home], user: 'root' });
  session.stdin.end();
  const chunks: Buffer[] = [];
  session.stderr.on('data', (c: Buffer) => chunks.push(c));
  session.stdout.resume();
  const code = await session.exit;
  if (code !== 0) throw new Error(`chown ${home}: exit ${code}: ${Buffer.concat(chunks).toString().trim()}`);
  ctx.log(`home ${home} belongs to ${uid}:${gid}`);
}

/** The labels on everything a workspace's build creates: whose, which, and by which installation. */
export function labelsOf(ctx: BuildContext, settings: ContainerSettings): Record<string, string> {
  return {
    [LABELS.managed]: '1',
    [LABELS.instance]: settings.instanceId,
    [LABELS.workspaceId]: ctx.workspace.id,
    [LABELS.workspaceName]: ctx.workspace.name,
    [LABELS.owner]: ctx.workspace.owner,
  };
}
