/**
 * The `apps` build stage: reads the apps the image declares (Coder's `/coder/apps/config.yaml`,
 * Hearth's `/hearth/apps.yaml`) through the engine's archive API, records them on the workspace,
 * and starts those with a command. A problem here is a warning: the workspace is still usable.
 */

import { startApp } from '../apps/app-process.js';
import { APPS_CONFIG_PATHS, mergeApps, type ParsedApps, parseAppsConfig } from '../core/apps-config.js';
import type { Database } from '../store/database.js';
import { updateWorkspace } from '../store/repositories/workspaces.repository.js';
import { type BuildStage, homeOf } from './build-stage.js';

export function appsStage(deps: { db: Database }): BuildStage {
  return {
    name: 'apps',
    critical: false,
    async run(ctx) {
      const containerId = ctx.containerId!;
      const files: ParsedApps[] = [];
      for (const path of APPS_CONFIG_PATHS) {
        const text = await ctx.runtime.readTextFile(containerId, path);
        if (text !== undefined) files.push(parseAppsConfig(text, path, (await import('yaml')).parse));
      }
      const { apps, problems } = mergeApps(files);
      await updateWorkspace(deps.db, ctx.workspace.id, { apps: JSON.stringify(apps) });
      if (files.length === 0) return ctx.log('the image declares no apps');
      for (const problem of problems) ctx.log(`warning: ${problem}`);
      const username = ctx.resolved!.username;
      const target = {
        workspaceId: ctx.workspace.id,
        engineId: ctx.workspace.engine_id,
        containerId,
        username,
        home: homeOf(username),
      };
      const failed: string[] = [];
      for (const app of apps) {
        if (!app.start) {
          ctx.log(`app ${app.name}: port ${app.port} (no command: the image starts it)`);
          continue;
        }
        try {
          await startApp(ctx.runtime, target, app);
          ctx.log(`app ${app.name}: started ${app.start.command} on port ${app.port}`);
        } catch (error) {
          failed.push(app.name);
          ctx.log(`app ${app.name}: ${(error as Error).message}`);
        }
      }
      if (problems.length > 0 || failed.length > 0)
        throw new Error(
          [
            problems.length ? `${problems.length} app declaration(s) not understood` : '',
            failed.length ? `could not start ${failed.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; '),
        );
    },
  };
}
