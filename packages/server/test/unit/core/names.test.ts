import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressNameProblem, emailProblem, nameProblem, usernameProblem } from '../../../src/core/names.js';

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

describe('addressNameProblem', () => {
  it('given a new workspace or user name with "--", when checked, then it is refused: it would split an app host two ways', () => {
    assert.equal(
      addressNameProblem('workspace', 'web--api'),
      'workspace name "web--api" contains "--", which separates the parts of app and port URLs (PORT--WORKSPACE--OWNER): use single hyphens',
    );
    assert.match(usernameProblem('api--bob') ?? '', /^user name "api--bob" contains "--"/);
    assert.equal(addressNameProblem('workspace', 'web-api'), undefined);
    assert.equal(nameProblem('org', 'a--b'), undefined, 'an org name is no part of a host');
    assert.match(addressNameProblem('workspace', 'Bad--') ?? '', /is not a DNS label/, 'the DNS rule first');
  });
});

describe('usernameProblem', () => {
  it('given a route word (me) or the automation actor (system), when checked, then it is reserved', () => {
    assert.match(usernameProblem('me') ?? '', /^user name "me" is reserved/);
    assert.match(usernameProblem('system') ?? '', /reserved/);
  });

  it('given an ordinary name or one that only contains a reserved word, when checked, then it is fine', () => {
    for (const name of ['alice', 'mei', 'me2', 'systems'])
      assert.equal(usernameProblem(name), undefined, name);
    assert.match(usernameProblem('Bad_Name') ?? '', /not a DNS label/);
  });
});

describe('emailProblem', () => {
  it('given ordinary addresses, when checked, then they are fine', () => {
    for (const email of ['alice@example.com', 'a.b+tag@sub.example.org', 'zoë@exämple.de', 'root@localhost'])
      assert.equal(emailProblem(email), undefined, email);
  });

  it('given NUL, escape sequences, other controls, spaces or a broken shape, when checked, then it is refused', () => {
    for (const email of [
      'a\u0000@example.com',
      'a@example.com\u0000',
      'a\u001b[2J@example.com',
      'a@ex\u0085ample.com',
      'a b@example.com',
      'not-an-email',
      '@example.com',
      'a@',
      'a@@example.com',
      'a@example..com',
      'a@.example.com',
    ])
      assert.match(emailProblem(email) ?? '', /is not an email address/, JSON.stringify(email));
  });

  it('given a control character, when refused, then the message shows it escaped, not raw', () => {
    assert.equal(emailProblem('a\u001b@x.y')?.includes('\u001b'), false);
  });
});
