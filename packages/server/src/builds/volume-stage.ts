/**
 * The `volume` stage: makes sure the workspace's home volume exists. It creates one the first
 * time and reuses it on every rebuild; no stage ever removes it.
 */
import type { Database } from '../store/database.js';
import { updateWorkspace } from '../store/repositories/workspaces.repository.js';
import type { BuildStage } from './build-stage.js';
import { type ContainerSettings, labelsOf } from './container-stage.js';

export function volumeStage(deps: { db: Database; settings: ContainerSettings }): BuildStage {
  const { db, settings } = deps;
  return {
    name: 'volume',
    critical: true,
    async run(ctx) {
      const { created } = await ctx.runtime.ensureVolume({
        name: ctx.workspace.volume_name,
        labels: labelsOf(ctx, settings),
      });
      if (created) {
        // A new volume's root must be handed to the user once the container runs.
        await updateWorkspace(db, ctx.workspace.id, { home_ready: 0 });
        ctx.workspace.home_ready = 0;
      }
      ctx.log(`${created ? 'created' : 'reusing'} home volume ${ctx.workspace.volume_name}`);
    },
  };
}
