/**
 * A list of workspaces is answered with JSON.stringify, as UTF-8 bytes (http/view-serialization.ts):
 * its views must come out exactly as the schema's own serializer (fast-json-stringify) writes them,
 * for views of every kind: only the schema's fields, in its order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Workspace } from '@hearth/sdk';
import { Type } from '@sinclair/typebox';
import { serializerCompiler } from '../../../src/http/serialization.js';
import { viewSerializerCompiler } from '../../../src/http/view-serialization.js';
import { buildView, workspaceView } from '../../../src/workspaces/views.js';
import { buildViewRow } from '../../support/build-view-row.js';
import { workspaceViewRecord } from '../../support/workspace-view-record.js';

const at = '2026-12-01T10:00:00.000Z';
const later = '2026-12-01T10:05:00.000Z';

const workspace = workspaceViewRecord({ state_message: 'stopped by ada "quoted" \\ é' });

const build = buildViewRow();

const known = { bytes: 4096, measuredAt: at, unknownReason: null };
const unknown = { bytes: null, measuredAt: null, unknownReason: 'not measured yet' };

/** Views of every kind a list shows. */
const views = [
  workspaceView(workspace, buildView(build, null), known),
  workspaceView({ ...workspace, image_digest: null, username: null, engine: null }, null, unknown),
  workspaceView(
    {
      ...workspace,
      state: 'running',
      image_digest: 'sha256:old',
      catalogue_digest: null,
      catalogue_image_id: null,
      last_activity_at: at,
      auto_off_at: later,
      auto_off_warned_for: later,
      auto_off_override_ms: 1_800_000,
      autostart: 1,
      cpu_millis: 1500,
    },
    buildView({ ...build, status: 'failed', error: 'boom', claimed_by: 'replica-1', gpus: 1 }, null),
    known,
  ),
  workspaceView(
    { ...workspace, state: 'pending', org_auto_off_user_override: 0, auto_off_override_ms: 60_000 },
    buildView({ ...build, status: 'queued', started_at: null, finished_at: null, stages: '[]' }, 3),
    unknown,
  ),
];

const schemaJson = serializerCompiler({
  schema: Type.Array(Workspace),
  method: 'GET',
  url: '/workspaces',
  httpStatus: '200',
} as never);
const viewBytes = viewSerializerCompiler({
  schema: Type.Array(Workspace),
  method: 'GET',
  url: '/workspaces',
  httpStatus: '200',
} as never) as unknown as (doc: unknown) => Buffer;
const viewJson = (doc: unknown) => viewBytes(doc).toString('utf8');

describe('list views, serialized', () => {
  it('given views of every kind, when serialized as a list is, then the JSON is what the schema serializer writes', () => {
    assert.equal(viewJson(views), schemaJson(views));
    // Bytes, UTF-8: the state message's é is two of them.
    assert.ok(Buffer.isBuffer(viewBytes(views)));
    assert.equal(viewBytes(views).length, Buffer.byteLength(schemaJson(views)));
  });

  it('given a stored stage with a field beyond the schema and another order, when viewed, then its JSON has the schema fields only, in order', () => {
    const stages = JSON.stringify([
      { durationMs: 7, startedAt: at, status: 'failed', name: 'pull', error: 'x' },
    ]);
    const view = [workspaceView(workspace, buildView({ ...build, stages }, null), known)];
    assert.equal(viewJson(view), schemaJson(view));
    assert.match(
      viewJson(view),
      /"stages":\[\{"name":"pull","status":"failed","durationMs":7,"error":"x"\}\]/,
    );
  });

  it('given the same view objects in two answers, when one has changed in between, then each answer is the JSON of its own views', () => {
    const first = [views[0]!, views[1]!];
    assert.equal(viewJson(first), JSON.stringify(first));
    // A list reuses a view object only while it is unchanged (view-cache.ts); a changed workspace is a new object.
    const changed = workspaceView({ ...workspace, state: 'running' }, null, known);
    const second = [views[0]!, changed, views[1]!];
    assert.equal(viewJson(second), JSON.stringify(second));
    assert.equal(viewJson([]), '[]');
  });
});
