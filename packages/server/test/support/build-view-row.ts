/**
 * A build row as a view reads it, for unit tests of views: a finished rebuild with stages of every
 * kind (one with an error) and a warning, `fields` on top.
 */
import type { BuildViewRow } from '../../src/store/repositories/builds.repository.js';

export const buildViewRow = (fields: Partial<BuildViewRow> = {}): BuildViewRow => ({
  id: 'b1',
  number: 2,
  reason: 'rebuild',
  initiator: 'ada',
  status: 'succeeded',
  image_ref: 'hearth-demo:latest',
  image_digest: 'sha256:a',
  cpu_millis: 500,
  memory_bytes: 1024,
  disk_bytes: 2048,
  gpus: 0,
  stages: JSON.stringify([
    { name: 'pull', status: 'succeeded', durationMs: 120 },
    { name: 'personalize', status: 'warning', durationMs: 5, error: 'no ~/personalize' },
    { name: 'ready', status: 'pending', durationMs: null },
  ]),
  error: null,
  warnings: JSON.stringify(['dotfiles: no install script']),
  queued_at: '2026-12-01T10:00:00.000Z',
  started_at: '2026-12-01T10:00:00.000Z',
  finished_at: '2026-12-01T10:05:00.000Z',
  claimed_by: null,
  ...fields,
});
