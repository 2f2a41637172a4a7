/**
 * SQLite's write-ahead log checkpointed by a worker thread, on a real database file: the server's
 * connection stops checkpointing once the worker is up, the worker copies the log back, and the
 * server's connection checkpoints again when the worker stops or cannot start.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { checkpointOffLoop } from '../../../src/store/wal-checkpoints.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-wal-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function open(name: string): SQLite.Database {
  const db = new SQLite(join(dir, name));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

const autocheckpoint = (db: SQLite.Database) => db.pragma('wal_autocheckpoint', { simple: true });

/**
 * The log's frames and how many of them are back in the database file, from the WAL index (the
 * `-shm` file: mxFrame in its header, nBackfill after the header's two copies), read without a
 * connection, which would checkpoint on its own.
 */
function walIndex(file: string): { frames: number; backfilled: number } {
  const shm = readFileSync(`${file}-shm`);
  return { frames: shm.readUInt32LE(16), backfilled: shm.readUInt32LE(96) };
}

/** Writes about `pages` pages in one transaction each of 100 rows. */
function write(db: SQLite.Database, pages: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS t (v BLOB)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const many = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run(Buffer.alloc(4000, i));
  });
  for (let done = 0; done < pages; done += 100) many(100);
}

describe('WAL checkpoints off the event loop', () => {
  it('given the worker up, when the log grows past SQLite’s own threshold, then the worker copies it back and the connection does not', async () => {
    const db = open('a.db');
    const checkpoints = checkpointOffLoop(db, join(dir, 'a.db'), 20);
    try {
      assert.equal(await checkpoints.ready, true);
      assert.equal(autocheckpoint(db), 0, 'the server’s connection no longer checkpoints');
      write(db, 1500);
      const { frames } = walIndex(join(dir, 'a.db'));
      assert.ok(frames >= 1500, `the log holds the writes: ${frames} frames`);
      for (let i = 0; i < 200 && walIndex(join(dir, 'a.db')).backfilled < frames; i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.equal(walIndex(join(dir, 'a.db')).backfilled, frames, 'the worker checkpointed the log');
    } finally {
      checkpoints.stop();
      db.close();
    }
  });

  it('given the worker stopped, then the connection checkpoints as SQLite would', async () => {
    const db = open('b.db');
    const checkpoints = checkpointOffLoop(db, join(dir, 'b.db'), 20);
    assert.equal(await checkpoints.ready, true);
    checkpoints.stop();
    assert.equal(autocheckpoint(db), 1000);
    db.close();
  });

  it('given a worker that cannot open the database, then it reports so and the connection keeps checkpointing', async () => {
    const db = open('c.db');
    const checkpoints = checkpointOffLoop(db, join(dir, 'missing.db'), 20);
    assert.equal(await checkpoints.ready, false);
    assert.equal(autocheckpoint(db), 1000);
    checkpoints.stop();
    db.close();
  });
});
