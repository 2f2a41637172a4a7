/**
 * `hearth passwd`: a password change from the CLI, read from stdin for scripts (never argv), that
 * signs out the user's other login sessions and keeps this one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

const NEW_PASSWORD = 'battery staple horse';

describe('hearth passwd', () => {
  let e: E2E;
  /** A second machine of alice's: its own config dir, its own login session. */
  let laptop: NodeJS.ProcessEnv;

  before(async () => {
    e = await startE2E('hearth-e2e-passwd-');
    laptop = { HEARTH_CONFIG_DIR: join(e.dir, 'laptop') };
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    const login = await e.hearth(
      ['login', e.url, '--username', 'alice', '--password-stdin'],
      `${PASSWORD}\n`,
      laptop,
    );
    assert.equal(login.code, 0, login.stderr);
  });

  after(async () => {
    await e.close();
  });

  it('given no terminal and no --password-stdin, when run, then it says which flag to use', async () => {
    const r = await e.hearth(['passwd']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no password given/);
    assert.match(r.stderr, /--password-stdin/);
  });

  it('given stdin that is not two lines, when run, then it says what stdin must hold and changes nothing', async () => {
    const one = await e.hearth(['passwd', '--password-stdin'], `${PASSWORD}\n`);
    assert.equal(one.code, 2);
    assert.match(
      one.stderr,
      /stdin must hold two lines, the current password and then the new one \(it held one line\)/,
    );
    assert.match(one.stderr, /printf/);
    const three = await e.hearth(['passwd', '--password-stdin'], `${PASSWORD}\n${NEW_PASSWORD}\nmore\n`);
    assert.equal(three.code, 2);
    assert.match(three.stderr, /it held 3 lines/);
  });

  it('given a wrong current password, a short new one or the same one, when run, then it says so and nothing changes', async () => {
    const wrong = await e.hearth(['passwd', '--password-stdin'], `not it\n${NEW_PASSWORD}\n`);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /the current password is wrong; nothing was changed/);
    const short = await e.hearth(['passwd', '--password-stdin'], `${PASSWORD}\nshort\n`);
    assert.equal(short.code, 2);
    assert.match(
      short.stderr,
      /the new password is too short: use at least 8 characters; nothing was changed/,
    );
    const same = await e.hearth(['passwd', '--password-stdin'], `${PASSWORD}\n${PASSWORD}\n`);
    assert.equal(same.code, 2, 'a bad argument, as the short one');
    assert.match(same.stderr, /the new password is the current one: choose another/);
    await e.ok(['whoami']);
    const stillOld = await e.hearth(['whoami'], undefined, laptop);
    assert.equal(stillOld.code, 0, 'nothing changed, so the other session still works');
  });

  it('given the current and a new password on stdin, when run, then the password changes, this session stays and the other ends', async () => {
    const r = await e.ok(['passwd', '--password-stdin'], `${PASSWORD}\n${NEW_PASSWORD}\n`);
    assert.match(
      r.stdout,
      /^Changed the password of alice on http:\/\/127\.0\.0\.1:\d+\. Your other login sessions are signed out\.\n$/,
    );
    await e.ok(['whoami']);
    const other = await e.hearth(['whoami'], undefined, laptop);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /log in again/);

    const old = await e.hearth(
      ['login', e.url, '--username', 'alice', '--password-stdin'],
      `${PASSWORD}\n`,
      laptop,
    );
    assert.equal(old.code, 1, 'the old password no longer logs in');
    const fresh = await e.hearth(
      ['login', e.url, '--username', 'alice', '--password-stdin'],
      `${NEW_PASSWORD}\n`,
      laptop,
    );
    assert.equal(fresh.code, 0, fresh.stderr);
  });

  it('given --help, when read, then it says how scripts pass the passwords and what the change ends', async () => {
    const help = await e.ok(['passwd', '--help']);
    assert.match(help.stdout, /--password-stdin/);
    assert.match(help.stdout, /never taken from the command line/);
    assert.match(help.stdout, /other\s+"hearth login" and dashboard sign-in/);
  });
});
