import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { pickAdminOrg } from '../../src/org-default.js';

const EXAMPLE = 'hearth images check --org ORG';

describe('pickAdminOrg', () => {
  it('takes the only org the user belongs to', () => {
    assert.equal(pickAdminOrg([{ name: 'default', role: 'member' }], EXAMPLE), 'default');
  });

  it('takes the only org the user administers among several', () => {
    const orgs = [
      { name: 'default', role: 'member' },
      { name: 'team', role: 'admin' },
    ];
    assert.equal(pickAdminOrg(orgs, EXAMPLE), 'team');
  });

  it('names the orgs the user administers when there are several', () => {
    const orgs = [
      { name: 'a', role: 'admin' },
      { name: 'b', role: 'member' },
      { name: 'c', role: 'admin' },
    ];
    assert.throws(
      () => pickAdminOrg(orgs, EXAMPLE),
      (err: unknown) =>
        err instanceof UsageError &&
        /several orgs \(a, c\); choose one with --org/.test(err.message) &&
        err.hints.some((h) => h.includes('hearth images check --org a')),
    );
  });

  it('names every org when the user administers none of several', () => {
    const orgs = [
      { name: 'a', role: 'member' },
      { name: 'b', role: 'member' },
    ];
    assert.throws(() => pickAdminOrg(orgs, EXAMPLE), /several orgs \(a, b\)/);
  });
});
