import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressCandidates, appHost, appLabel, portOf } from '../../../src/core/app-host.js';

describe('app hostnames', () => {
  it('given an address, when formatted, then it is TARGET--WORKSPACE--OWNER under the apps domain', () => {
    assert.equal(
      appHost({ target: '3000', workspace: 'api', owner: 'alice' }, 'localhost:7080'),
      '3000--api--alice.localhost:7080',
    );
  });

  it('given a Host header, when read, then only a single label under the apps domain is an app label', () => {
    assert.equal(appLabel('3000--api--alice.localhost:7080', 'localhost:7080'), '3000--api--alice');
    assert.equal(appLabel('3000--API--Alice.LOCALHOST:7080', 'localhost:7080'), '3000--api--alice');
    assert.equal(appLabel('localhost:7080', 'localhost:7080'), undefined);
    assert.equal(appLabel('127.0.0.1:7080', 'localhost:7080'), undefined);
    assert.equal(appLabel('a.b.localhost:7080', 'localhost:7080'), undefined);
    assert.equal(appLabel('x.localhost:7081', 'localhost:7080'), undefined);
    assert.equal(appLabel(undefined, 'localhost:7080'), undefined);
  });

  it('given names that contain "--", when read, then every split is a candidate', () => {
    assert.deepEqual(addressCandidates('3000--api--alice'), [
      { target: '3000', workspace: 'api', owner: 'alice' },
    ]);
    assert.deepEqual(addressCandidates('web--my--api--alice'), [
      { target: 'web', workspace: 'my', owner: 'api--alice' },
      { target: 'web', workspace: 'my--api', owner: 'alice' },
    ]);
    assert.deepEqual(addressCandidates('3000--api'), []);
    assert.deepEqual(addressCandidates('3000----alice'), []);
  });

  it('given a target, when it is 1-65535 without a leading zero, then it is a port', () => {
    assert.equal(portOf('3000'), 3000);
    assert.equal(portOf('65535'), 65535);
    for (const t of ['0', '65536', '03000', 'web', '']) assert.equal(portOf(t), undefined, t);
  });
});
