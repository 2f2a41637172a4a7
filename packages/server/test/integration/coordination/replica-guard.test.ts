/**
 * Replicas on one engine: servers with data directories of their own on one PostgreSQL database
 * are replicas of one installation, not copies, so the second starts and neither one's
 * reconciler refuses or removes the other's containers. A copy of a replica's data directory (the
 * same data directory id) is still refused, as a copied SQLite data directory is
 * (installation-conflict.test.ts).
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LABELS } from '../../../src/runtime/runtime.js';
import type { Api } from '../../support/api.js';
import {
  DEMO_IMAGE,
  removeDir,
  removeLeftovers,
  settled,
  setupAlice,
  startHearth,
  type TestHearth,
} from '../../support/hearth.js';
import { suiteDatabase } from './postgres-database.js';

const db = suiteDatabase();

describe('two replicas on one database and one engine', () => {
  let a: TestHearth;
  let b: TestHearth | undefined;
  let alice: Api;
  let copy: string | undefined;
  let containerId: string;
  const created = new Set<string>();

  before(async () => {
    a = await startHearth({ config: { postgres: db.settings } });
    alice = await setupAlice(a.api);
    const ws = await alice.post('/workspaces', { name: 'original', image: DEMO_IMAGE });
    assert.equal(ws.status, 201, JSON.stringify(ws.body));
    created.add(ws.body.id);
    assert.equal((await settled(alice, 'me', 'original')).state, 'running');
    const [container] = await a.runtime.listContainers({ [LABELS.workspaceId]: ws.body.id });
    containerId = container!.id;
  });
  after(async () => {
    await b?.close();
    await a.close();
    await removeLeftovers(a.runtime, created);
    for (const dir of [a.dataDir, b?.dataDir, copy]) if (dir) await removeDir(dir);
  });

  it('given replica A running, when B starts on the same database, then both reconcile and remove nothing', async () => {
    b = await startHearth({
      config: { postgres: db.settings, secretKeyFile: join(a.dataDir, 'secret.key') },
    });
    assert.equal((await b.server.reconciler.check()).errors, 0);
    assert.equal((await a.server.reconciler.check()).errors, 0);
    assert.equal((await a.runtime.inspectContainer(containerId))?.status, 'running');
    const onB = await b.api.as(alice.token!).get('/users/me/workspaces/original');
    assert.equal(onB.body.state, 'running', 'B serves what A built');
  });

  it('given a third server with a secret key of its own, then it refuses to start, saying replicas need one key', async () => {
    const own = await mkdtemp(join(tmpdir(), 'hearth-test-replica-key-'));
    await assert.rejects(startHearth({ dataDir: own, config: { postgres: db.settings } }), (error: Error) => {
      assert.match(error.message, /is not the one this database's secrets are sealed with/);
      assert.match(error.message, /Copy secret\.key from the data directory of the first server/);
      return true;
    });
    await removeDir(own);
  });

  it('given a copy of A’s data directory on the same database, then the copy refuses to start and removes nothing', async () => {
    copy = await mkdtemp(join(tmpdir(), 'hearth-test-replica-copy-'));
    cpSync(a.dataDir, copy, { recursive: true, filter: (path) => !path.endsWith('.sock') });
    await assert.rejects(
      startHearth({ dataDir: copy, config: { postgres: db.settings } }),
      (error: Error) => {
        assert.match(error.message, /another server of this installation is live on the same engine/);
        assert.match(error.message, new RegExp(`pid ${process.pid}`));
        return true;
      },
    );
    assert.equal((await a.runtime.inspectContainer(containerId))?.status, 'running');
    assert.equal((await a.server.reconciler.check()).errors, 0, 'the refused copy left no live marker');
  });
});
