import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitLine, type CappedLog, LOG_CAP_BYTES, truncationMarker } from '../../../src/core/log-cap.js';

const EMPTY: CappedLog = { bytes: 0, dropped: 0 };

describe('admitLine', () => {
  it('given room under the cap, when a line arrives, then it is kept and counted', () => {
    assert.deepEqual(admitLine(EMPTY, 40, 100), {
      log: { bytes: 40, dropped: 0 },
      keep: true,
      marker: false,
    });
  });

  it('given a line that fills the cap exactly, when it arrives, then it is kept', () => {
    assert.deepEqual(admitLine({ bytes: 60, dropped: 0 }, 40, 100), {
      log: { bytes: 100, dropped: 0 },
      keep: true,
      marker: false,
    });
  });

  it('given the first line past the cap, when it arrives, then it is dropped and the marker is due', () => {
    assert.deepEqual(admitLine({ bytes: 90, dropped: 0 }, 11, 100), {
      log: { bytes: 90, dropped: 11 },
      keep: false,
      marker: true,
    });
  });

  it('given lines already dropped, when more arrive, then they are dropped without another marker, even small ones', () => {
    assert.deepEqual(admitLine({ bytes: 90, dropped: 11 }, 5, 100), {
      log: { bytes: 90, dropped: 16 },
      keep: false,
      marker: false,
    });
  });

  it('given a single line larger than the cap, when it arrives first, then it is dropped with the marker', () => {
    assert.deepEqual(admitLine(EMPTY, 101, 100), {
      log: { bytes: 0, dropped: 101 },
      keep: false,
      marker: true,
    });
  });

  it('given a stream of lines, when admitted in turn, then the marker shows exactly once and all bytes are accounted for', () => {
    let log = EMPTY;
    let kept = 0;
    let markers = 0;
    for (let i = 0; i < 50; i++) {
      const result = admitLine(log, 7, 100);
      log = result.log;
      if (result.keep) kept += 7;
      if (result.marker) markers++;
    }
    assert.equal(markers, 1);
    assert.equal(kept, 98);
    assert.deepEqual(log, { bytes: 98, dropped: 50 * 7 - 98 });
  });

  it('given no cap argument, when admitted, then the default cap of 1 MiB applies', () => {
    assert.equal(LOG_CAP_BYTES, 1024 * 1024);
    assert.equal(admitLine(EMPTY, LOG_CAP_BYTES).keep, true);
    assert.equal(admitLine(EMPTY, LOG_CAP_BYTES + 1).keep, false);
  });
});

describe('truncationMarker', () => {
  it('given the default cap, when written, then it says 1024 KiB and that further lines are not kept', () => {
    assert.equal(
      truncationMarker(),
      "[hearth: this build's log reached 1024 KiB; further lines are not kept]",
    );
  });

  it('given another cap, when written, then it gives that cap in KiB', () => {
    assert.match(truncationMarker(64 * 1024), /reached 64 KiB/);
  });
});
