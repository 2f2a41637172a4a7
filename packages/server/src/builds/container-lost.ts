/**
 * A stage whose failure is only a warning (personalize) still fails the build when the container
 * it ran in is gone: a build never records success for a workspace that has no container.
 */
import type { BuildContext, BuildStage } from './build-stage.js';

/** The workspace's container vanished (or its engine went away) while a stage ran: the build failed. */
export class ContainerLost extends Error {
  override readonly name = 'ContainerLost';
}

/** `stage`, whose failures become {@link ContainerLost} when the container is no longer running. */
export function failsWhenContainerLost(stage: BuildStage): BuildStage {
  return {
    ...stage,
    async run(ctx) {
      try {
        await stage.run(ctx);
      } catch (error) {
        const lost = await whyLost(ctx);
        if (lost) throw new ContainerLost(`${lost} during ${stage.name}: ${(error as Error).message}`);
        throw error;
      }
    },
  };
}

/** A forced removal kills the stage's process a moment before the engine stops reporting the
 * container as running: one that still looks running is looked at once more after this long. */
const SETTLE_MS = 500;

async function whyLost(ctx: BuildContext): Promise<string | undefined> {
  try {
    for (let look = 0; ; look++) {
      const info = await ctx.runtime.inspectContainer(ctx.containerId!);
      if (!info) return 'the container vanished';
      if (info.status !== 'running')
        return `the container stopped (${info.status}${info.exitCode === undefined ? '' : `, exit code ${info.exitCode}`})`;
      if (look > 0) return undefined;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  } catch (error) {
    return `the engine failed (${(error as Error).message})`;
  }
}
