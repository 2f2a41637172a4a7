import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseCount, parseCpu, parseSize, resourcesFrom } from '../../src/options.js';

describe('option values', () => {
  it('accepts CPU as cores or millicores', () => {
    for (const ok of ['2', '0.5', '500m']) assert.equal(parseCpu(ok), ok);
    for (const bad of ['two', '-1', '1.5m', ''])
      assert.throws(() => parseCpu(bad), InvalidArgumentError, bad);
  });

  it('accepts sizes with or without a unit', () => {
    for (const ok of ['4GiB', '4Gi', '512MiB', '10G', '1073741824', '1.5GiB'])
      assert.equal(parseSize(ok), ok);
    for (const bad of ['big', '4 gigs', '-1G'])
      assert.throws(() => parseSize(bad), InvalidArgumentError, bad);
  });

  it('accepts whole numbers only as counts', () => {
    assert.equal(parseCount('2'), 2);
    assert.throws(() => parseCount('1.5'), InvalidArgumentError);
  });

  it('sends only the resources the user asked for', () => {
    assert.deepEqual(resourcesFrom({ cpu: '2', gpus: 0 }), { cpu: '2', gpus: 0 });
    assert.deepEqual(resourcesFrom({}), {});
  });
});
