import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DataDirBusyError, DataDirLock } from '../../../src/store/data-dir-lock.js';

describe('the data directory lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-lock-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const now = new Date('2026-01-02T03:04:05Z');

  it('given a held directory, when another takes it, then it is refused at once, naming the holder', () => {
    const held = DataDirLock.acquire(dir, now);
    try {
      assert.throws(
        () => DataDirLock.acquire(dir, now),
        (error: Error) => {
          assert.ok(error instanceof DataDirBusyError);
          assert.equal(error.holder?.pid, process.pid);
          assert.match(
            error.message,
            new RegExp(`pid ${process.pid} \\(still starting, since 2026-01-02T03:04:05\\.000Z\\)`),
          );
          return true;
        },
      );
      held.announce('http://127.0.0.1:7080');
      assert.throws(() => DataDirLock.acquire(dir, now), /serving on http:\/\/127\.0\.0\.1:7080/);
    } finally {
      held.release();
    }
  });

  it('given a released directory or a stale holder file, when taken, then it is taken', () => {
    writeFileSync(join(dir, 'server.json'), '{"pid": 999999999, "since": "then"}');
    const held = DataDirLock.acquire(dir, now);
    held.release();
    DataDirLock.acquire(dir, now).release();
  });
});
