/**
 * The `pull` stage: makes the build's image available on the workspace's engine and resolves what the
 * workspace runs as (its user, uid and gid) from it.
 */
import type { ImageService } from '../images/image-service.js';
import type { BuildStage } from './build-stage.js';

export function pullStage(deps: { images: Pick<ImageService, 'resolve'> }): BuildStage {
  const { images } = deps;
  return {
    name: 'pull',
    critical: true,
    async run(ctx) {
      ctx.resolved = await images.resolve(ctx.build.image_ref, (line) => ctx.log(line), ctx.runtime);
      ctx.log(
        `image ${ctx.build.image_ref} is ${ctx.resolved.id}; user ${ctx.resolved.username} (${ctx.resolved.uid}:${ctx.resolved.gid})`,
      );
    },
  };
}
