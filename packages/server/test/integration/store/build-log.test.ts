/**
 * A build's log as the runner keeps it, on the real store: each flush appends what was written
 * since the last as a part of its own (build_log_parts), in order even when flushes overlap; a
 * part the store refused is written by the next flush; and the build's row is told once, in the
 * flush after the log reached its cap.
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
    await builds.insertBuild(db, fixtures.build('b2', 'w1', 2, 'running'));
  });
  after(() => close());

  /** The log of build `id` of w1 as its run starts it, with nothing stored yet. */
  const emptyLog = (id: string, number: number) =>
    new BuildLog(
      { db, clock: systemClock, events: new WorkspaceEvents(new InProcessPubSub()) },
      { id, workspaceId: 'w1', number, log: '' },
    );

  it('given lines past its cap, when flushed, then it keeps what fits, ends with the marker, and the build says it was cut', async () => {
    const log = emptyLog('b1', 1);
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

  it('given flushes that overlap, when they end, then each appended only lines no other did, in the order written', async () => {
    const log = emptyLog('b2', 2);
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      log.write('configure', `line ${i}`);
      flushes.push(log.flush());
    }
    await Promise.all(flushes);
    assert.deepEqual(
      parseStoredLog(await builds.findBuildLog(db, 'b2')).map((l) => l.text),
      ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'],
    );
    const parts = await db
      .selectFrom('build_log_parts')
      .select(['seq', 'text'])
      .where('build_id', '=', 'b2')
      .orderBy('seq')
      .execute();
    // Lines written while a flush is under way go into the next part: no line twice, none lost.
    assert.deepEqual(
      parts.flatMap((p) => parseStoredLog(p.text).map((l) => l.text)),
      ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'],
      'each part holds only what its flush added',
    );
    assert.deepEqual(
      parts.map((p) => p.seq),
      parts.map((_, i) => i),
    );

    // One after another, each flush is one part holding only its own lines.
    for (let i = 5; i < 8; i++) {
      log.write('configure', `line ${i}`);
      await log.flush();
    }
    const more = await db
      .selectFrom('build_log_parts')
      .select('text')
      .where('build_id', '=', 'b2')
      .where('seq', '>=', parts.length)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      more.map((p) => parseStoredLog(p.text).map((l) => l.text)),
      [['line 5'], ['line 6'], ['line 7']],
    );
  });

  it('given a store that refuses a part, when the next flush runs, then that part is written before the lines after it', async () => {
    // No build b3 yet: the part's foreign key refuses it.
    const log = emptyLog('b3', 3);
    log.write('configure', 'refused at first');
    await assert.rejects(log.flush());
    await builds.insertBuild(db, fixtures.build('b3', 'w1', 3, 'running'));
    log.write('configure', 'written after');
    await log.flush();
    assert.deepEqual(
      parseStoredLog(await builds.findBuildLog(db, 'b3')).map((l) => l.text),
      ['refused at first', 'written after'],
    );
  });
});
