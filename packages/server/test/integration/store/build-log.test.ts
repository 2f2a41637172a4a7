/**
 * A build's log as the runner keeps it, on the real store: lines go to build_logs at each flush,
 * and the build's row is told once, in the flush after the log reached its cap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BuildLog, parseStoredLog } from '../../../src/builds/build-log.js';
import { InProcessPubSub } from '../../../src/coordination/in-process/pubsub.js';
import { LOG_CAP_BYTES, truncationMarker } from '../../../src/core/log-cap.js';
import { systemClock } from '../../../src/ports/clock.js';
import type { Database } from '../../../src/store/database.js';
import * as builds from '../../../src/store/repositories/builds.repository.js';
import { WorkspaceEvents } from '../../../src/workspaces/events.js';
import { openTestStore } from '../../support/test-store.js';
import { fixtures, insertWorkspaceW1 } from './dialects.js';

describe("a build's log", () => {
  let db: Database;
  let close: () => Promise<void>;

  before(async () => {
    ({ db, close } = await openTestStore('sqlite'));
    await insertWorkspaceW1(db);
    await builds.insertBuild(db, fixtures.build('b1', 'w1', 1, 'running'));
  });
  after(() => close());

  it('given lines past its cap, when flushed, then it keeps what fits, ends with the marker, and the build says it was cut', async () => {
    const events = new WorkspaceEvents(new InProcessPubSub());
    const log = new BuildLog(
      { db, clock: systemClock, events },
      { id: 'b1', workspaceId: 'w1', number: 1, log: '' },
    );
    log.write('configure', 'first');
    await log.flush();
    assert.deepEqual(
      parseStoredLog(await builds.findBuildLog(db, 'b1')).map((l) => l.text),
      ['first'],
    );
    assert.equal((await builds.findBuildById(db, 'b1'))?.log_truncated, 0);

    const line = 'x'.repeat(1024);
    for (let written = 0; written <= LOG_CAP_BYTES; written += line.length) log.write('configure', line);
    await log.flush();
    const stored = await builds.findBuildLog(db, 'b1');
    assert.ok(Buffer.byteLength(stored) <= LOG_CAP_BYTES + 1024, `${Buffer.byteLength(stored)} bytes`);
    assert.equal(parseStoredLog(stored).at(-1)?.text, truncationMarker());
    assert.equal((await builds.findBuildById(db, 'b1'))?.log_truncated, 1);

    // Further lines are dropped, and the row stays marked.
    log.write('configure', 'after the cap');
    await log.flush();
    assert.equal(await builds.findBuildLog(db, 'b1'), stored);
    assert.equal((await builds.findBuildById(db, 'b1'))?.log_truncated, 1);
  });
});
