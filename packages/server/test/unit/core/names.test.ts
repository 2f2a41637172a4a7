import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameProblem } from '../../../src/core/names.js';

const HINT = 'use 1-63 lowercase letters, digits or "-", starting with a letter and not ending with "-"';

describe('nameProblem', () => {
  it('given DNS labels, when checked, then there is no problem', () => {
    for (const name of ['api', 'a', 'a-1', 'a--b', 'x9', `a${'b'.repeat(61)}c`]) {
      assert.equal(nameProblem('workspace', name), undefined, name);
    }
  });

  it('given exactly 63 characters, when checked, then it is accepted', () => {
    const name = 'a'.repeat(63);
    assert.equal(name.length, 63);
    assert.equal(nameProblem('workspace', name), undefined);
  });

  it('given names that are not DNS labels, when checked, then the problem quotes the name and explains the rule', () => {
    for (const name of ['Api', '1api', 'api-', '-api', 'a_b', 'a.b', 'a b', 'ápi', 'api\n']) {
      assert.equal(
        nameProblem('workspace', name),
        `workspace name "${name}" is not a DNS label: ${HINT}`,
        name,
      );
    }
  });

  it('given an empty name, when checked, then it says the name is empty', () => {
    assert.equal(nameProblem('org', ''), `org name is empty: ${HINT}`);
  });

  it('given 64 characters, when checked, then it gives the length and only the start of the name', () => {
    const name = 'a'.repeat(64);
    assert.equal(nameProblem('user', name), `user name "${'a'.repeat(20)}…" is 64 characters long: ${HINT}`);
  });
});
