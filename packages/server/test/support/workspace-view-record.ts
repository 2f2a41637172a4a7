/**
 * A workspace row as a list's view reads it, for unit tests of views and their caches: a stopped
 * workspace of the default org with no build, its stamp (row versions 0), `fields` on top.
 */
import type { ListedWorkspace } from '../../src/store/repositories/workspaces.repository.js';

const at = '2026-12-01T10:00:00.000Z';

export const workspaceViewRecord = (fields: Partial<ListedWorkspace> = {}): ListedWorkspace => ({
  id: 'w1',
  name: 'ws1',
  owner: 'ada',
  org: 'default',
  image_ref: 'hearth-demo:latest',
  image_digest: 'sha256:a',
  catalogue_digest: 'sha256:a',
  catalogue_image_id: 'i1',
  username: 'dev',
  cpu_millis: 500,
  memory_bytes: 1024,
  disk_bytes: 2048,
  gpus: 0,
  state: 'stopped',
  state_reason: 'user_stop',
  state_message: 'stopped by its owner',
  state_actor: 'ada',
  state_changed_at: at,
  volume_name: 'hearth-home-w1',
  created_at: at,
  updated_at: at,
  last_activity_at: null,
  auto_off_at: null,
  auto_off_warned_for: null,
  auto_off_override_ms: null,
  autostart: 0,
  engine_id: 'default',
  engine: 'default',
  org_auto_off_ms: 7_200_000,
  org_auto_off_user_override: 1,
  row_version: 0,
  org_row_version: 0,
  build_id: null,
  build_row_version: null,
  lastBuild: null,
  ...fields,
});
