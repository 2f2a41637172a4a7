import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSize } from '@hearth/sdk/sizes';
import {
  formatCpu,
  MAX_DURATION_MS,
  MAX_SIZE_BYTES,
  type Parsed,
  parseCpu,
  parseDuration,
  parseMemory,
  parseSize,
} from '../../../src/core/units.js';

const GiB = 2 ** 30;

function value<T>(parsed: Parsed<T>): T {
  assert.ok(parsed.ok, `expected ok, got: ${parsed.ok ? '' : parsed.problem}`);
  return parsed.value;
}

function problem<T>(parsed: Parsed<T>): string {
  assert.ok(!parsed.ok, `expected a problem, got value ${parsed.ok ? String(parsed.value) : ''}`);
  return parsed.problem;
}

describe('parseSize', () => {
  it('given binary units in every spelling, when parsed, then 4GiB = 4Gi = 4096MiB = 4 * 2^30 bytes', () => {
    for (const input of ['4GiB', '4Gi', '4096MiB', '4gib', '4 GiB', ' 4GiB ', '4194304KiB']) {
      assert.equal(value(parseSize('memory', input)), 4 * GiB, input);
    }
  });

  it("given Docker's letter units in any case, with or without b, when parsed, then they are binary (docker run -m 2g)", () => {
    for (const input of ['2g', '2G', '2gb', '2GB', '2Gb', '2gi', '2GiB'])
      assert.equal(value(parseSize('memory', input)), 2 * GiB, input);
    assert.equal(value(parseSize('memory', '512m')), 512 * 2 ** 20);
    assert.equal(value(parseSize('memory', '512M')), 512 * 2 ** 20);
    assert.equal(value(parseSize('memory', '1T')), 2 ** 40);
    assert.equal(value(parseSize('memory', '10k')), 10 * 1024);
    assert.equal(value(parseSize('memory', '10KB')), 10 * 1024);
  });

  it('given a 2g request, when formatted back, then it reads 2GiB, not 1.9GiB', () => {
    assert.equal(formatSize(value(parseSize('memory', '2g'))), '2GiB');
  });

  it('given a fraction with a unit, when parsed, then 1.5GiB is one and a half GiB', () => {
    assert.equal(value(parseSize('memory', '1.5GiB')), 1.5 * GiB);
  });

  it('given a bare number or a byte unit, when parsed, then it is bytes', () => {
    assert.equal(value(parseSize('memory', '1024')), 1024);
    assert.equal(value(parseSize('memory', '1024b')), 1024);
    assert.equal(value(parseSize('memory', 1024)), 1024);
    assert.equal(value(parseSize('memory', 4 * GiB)), 4 * GiB);
  });

  it('given text that is not a size, when parsed, then the problem names the field and gives examples', () => {
    for (const input of ['junk', '', '-5', 'GiB', '4 G i B', '1.', '.5G']) {
      const text = problem(parseSize('memory', input));
      assert.match(text, /^memory "/, input);
      assert.match(text, /4GiB/, input);
    }
  });

  it('given zero, when parsed, then it must be more than zero', () => {
    assert.match(problem(parseSize('disk', '0')), /^disk "0" must be more than zero/);
    assert.match(problem(parseSize('disk', '0GiB')), /more than zero/);
    assert.match(problem(parseSize('disk', '0.1')), /more than zero/);
  });

  it('given an unknown unit, when parsed, then the problem quotes the unit', () => {
    assert.match(
      problem(parseSize('memory', '4XB')),
      /^memory "4XB" has an unknown unit "XB": write a size like 4GiB/,
    );
    assert.match(problem(parseSize('memory', '4PiB')), /unknown unit "PiB"/);
  });

  it('given a size beyond what a number holds exactly, when parsed, then it is too large', () => {
    assert.match(problem(parseSize('disk', '99999999TiB')), /is too large/);
    assert.match(problem(parseSize('disk', '1'.repeat(400))), /too large/);
  });

  it('given more than 1024TiB, in text or as a number, when parsed, then it is too large and says the maximum', () => {
    assert.equal(value(parseSize('disk', '1024TiB')), MAX_SIZE_BYTES);
    assert.equal(value(parseSize('disk', MAX_SIZE_BYTES)), MAX_SIZE_BYTES);
    assert.match(problem(parseSize('disk', '1025TiB')), /^disk "1025TiB" is too large: at most 1024TiB/);
    assert.match(problem(parseSize('disk', MAX_SIZE_BYTES + 1)), /too large: at most 1024TiB/);
  });

  it('given a number that is not a positive whole number of bytes, when parsed, then it is refused', () => {
    for (const input of [4.5, 0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      assert.match(
        problem(parseSize('memory', input)),
        /^memory ".*" is not a positive whole number of bytes/,
        String(input),
      );
    }
  });
});

describe('parseMemory', () => {
  it("given less than the engine's 6MiB, when parsed, then it is refused with the minimum named", () => {
    assert.equal(value(parseMemory('memory', '6MiB')), 6 * 2 ** 20);
    assert.match(
      problem(parseMemory('memory', '5m')),
      /^memory "5m" is below the container engine's minimum memory of 6MiB$/,
    );
  });

  it('given a bare number too small for memory, when parsed, then the problem says it is bytes and suggests the unit', () => {
    assert.equal(
      problem(parseMemory('memory', '2048')),
      `memory "2048" is below the container engine's minimum memory of 6MiB (a bare number is bytes; did you mean 2048m?)`,
    );
    assert.match(problem(parseMemory('memory', 2048)), /a bare number is bytes/);
  });

  it('given text that is not a size, when parsed, then the size problem comes first', () => {
    assert.match(problem(parseMemory('memory', 'junk')), /is not a size/);
  });
});

describe('parseCpu', () => {
  it('given cores or millicores, when parsed, then the result is millicores', () => {
    assert.equal(value(parseCpu(1)), 1000);
    assert.equal(value(parseCpu(0.5)), 500);
    assert.equal(value(parseCpu('2')), 2000);
    assert.equal(value(parseCpu('500m')), 500);
    assert.equal(value(parseCpu('0.25')), 250);
    assert.equal(value(parseCpu(' 1.5 ')), 1500);
  });

  it('given exactly the smallest request, when parsed, then 10m and 0.01 are accepted', () => {
    assert.equal(value(parseCpu('10m')), 10);
    assert.equal(value(parseCpu(0.01)), 10);
  });

  it('given zero or a negative amount, when parsed, then it must be more than zero', () => {
    assert.match(problem(parseCpu(0)), /^cpu "0" must be more than zero/);
    assert.match(problem(parseCpu(-1)), /^cpu "-1" must be more than zero/);
    assert.match(problem(parseCpu('0m')), /more than zero/);
  });

  it('given text that is not a number of cores, when parsed, then it is refused', () => {
    for (const input of ['abc', '', '-1', '2 cores', '1e3', 'm']) {
      assert.match(problem(parseCpu(input)), /^cpu ".*" is not a number of cores/, input);
    }
  });

  it('given less than 10 millicores, when parsed, then it is below the smallest request', () => {
    assert.match(problem(parseCpu('5m')), /^cpu "5m" is below the smallest request of 0.01 cores \(10m\)/);
    assert.match(problem(parseCpu(0.005)), /below the smallest request/);
    // Rounded to 0 millicores, it is still more than zero: too small, not zero.
    assert.match(problem(parseCpu('0.0001')), /^cpu "0.0001" is below the smallest request/);
    assert.match(problem(parseCpu(0.0001)), /below the smallest request/);
    assert.match(problem(parseCpu('0.4m')), /below the smallest request/);
  });

  it('given NaN or Infinity, when parsed, then it is not a number', () => {
    for (const input of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.match(problem(parseCpu(input)), /is not a number/, String(input));
    }
  });

  it('given any refusal, when reported, then the problem names cpu and gives examples', () => {
    for (const input of ['abc', '5m', 0, Number.NaN]) {
      const text = problem(parseCpu(input));
      assert.match(text, /^cpu "/);
      assert.match(text, /write a number of cores like 1, 0.5 or 2, or millicores like 500m$/);
    }
  });
});

describe('formatSize', () => {
  it('given a parsed binary size, when formatted, then it reads as typed', () => {
    for (const input of ['1.5GiB', '512MiB', '4KiB', '2TiB']) {
      assert.equal(formatSize(value(parseSize('memory', input))), input);
    }
  });
});

describe('formatCpu', () => {
  it('given millicores, when formatted, then it prints cores', () => {
    assert.equal(formatCpu(2000), '2');
    assert.equal(formatCpu(500), '0.5');
    assert.equal(formatCpu(10), '0.01');
  });
});

describe('parseDuration', () => {
  it('given a whole number with a unit, when parsed, then it is milliseconds', () => {
    assert.equal(value(parseDuration('idle', '90m')), 90 * 60_000);
    assert.equal(value(parseDuration('idle', '12h')), 12 * 3_600_000);
    assert.equal(value(parseDuration('idle', '30d')), 30 * 86_400_000);
    assert.equal(value(parseDuration('idle', '0s')), 0);
    assert.equal(value(parseDuration('idle', '250ms')), 250);
    assert.equal(value(parseDuration('idle', '2w')), 14 * 86_400_000);
    assert.equal(value(parseDuration('idle', ' 10 s ')), 10_000);
  });

  it('given something that is not a whole number with a unit, when parsed, then the problem names the field and gives examples', () => {
    for (const input of ['-5m', 'banana', '5', '1.5h', '', 'm', '5M', '5 minutes', '1h30m']) {
      const text = problem(parseDuration('auto-off', input));
      assert.equal(
        text,
        `auto-off "${input}" is not a duration: write a whole number with a unit, like 90m, 12h or 30d`,
      );
    }
  });

  it('given more than ten years, however many digits, when parsed, then it is too long', () => {
    assert.equal(value(parseDuration('lifetime', '3650d')), MAX_DURATION_MS);
    assert.equal(
      problem(parseDuration('auto-off', '99999999999999999999d')),
      'auto-off "99999999999999999999d" is too long: at most 3650d',
    );
    assert.match(problem(parseDuration('lifetime', '3651d')), /too long/);
    assert.match(problem(parseDuration('lifetime', `${'9'.repeat(400)}ms`)), /too long/);
  });
});
