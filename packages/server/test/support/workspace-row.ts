/**
 * A workspace row as the store holds it, for tests that write rows straight into a store (the
 * executor's and the batch builds' tests): a stopped-looking row of org `o` with its home ready,
 * `fields` on top.
 */
import type { NewWorkspace } from '../../src/store/schema.js';

export const workspaceRow = (
  fields: Pick<NewWorkspace, 'id' | 'owner_id' | 'state' | 'state_changed_at' | 'created_at' | 'updated_at'> &
    Partial<NewWorkspace>,
): NewWorkspace => ({
  org_id: 'o',
  name: fields.id,
  image_ref: 'hearth-demo:latest',
  image_digest: 'sha256:1',
  username: 'dev',
  cpu_millis: 1000,
  memory_bytes: 2 ** 30,
  disk_bytes: 2 ** 33,
  gpus: 0,
  state_reason: 'seeded',
  state_message: 'seeded',
  state_actor: 'system',
  container_id: null,
  volume_name: `v-${fields.id}`,
  home_ready: 1,
  ...fields,
});
