import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { CliError, UsageError } from '../../src/errors.js';
import {
  getPassword,
  getPasswordChange,
  readPasswordFromStream,
  splitPasswordChange,
  trimOneNewline,
} from '../../src/password.js';

describe('trimOneNewline', () => {
  it('drops exactly one trailing line ending', () => {
    assert.equal(trimOneNewline('pw\n'), 'pw');
    assert.equal(trimOneNewline('pw\r\n'), 'pw');
    assert.equal(trimOneNewline('pw\n\n'), 'pw\n');
    assert.equal(trimOneNewline('pw'), 'pw');
  });

  it('keeps other whitespace, which may be part of the password', () => {
    assert.equal(trimOneNewline(' pw \n'), ' pw ');
  });
});

describe('readPasswordFromStream', () => {
  it('reads the whole stream, in any chunking', async () => {
    assert.equal(
      await readPasswordFromStream(Readable.from([Buffer.from('s3'), Buffer.from('cret\n')])),
      's3cret',
    );
  });

  it('rejects an empty password', async () => {
    await assert.rejects(readPasswordFromStream(Readable.from([Buffer.from('\n')])), CliError);
  });
});

describe('getPassword', () => {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });

  it('reads stdin with --password-stdin', async () => {
    assert.equal(await getPassword(true, Readable.from([Buffer.from('pw\n')]), sink), 'pw');
  });

  it('refuses to prompt without a terminal, naming the flag', async () => {
    await assert.rejects(
      getPassword(false, Readable.from([]), sink),
      (err: unknown) => err instanceof CliError && err.hints.some((h) => h.includes('--password-stdin')),
    );
  });
});

/** A terminal's stdin that types `lines`, one per prompt, each with Enter. */
function fakeTerminal(lines: string[]): Readable & { isTTY: boolean; setRawMode(mode: boolean): void } {
  const tty = Object.assign(new Readable({ read: () => undefined }), {
    isTTY: true,
    setRawMode: (_mode: boolean) => undefined,
  });
  const feed = () => {
    const line = lines.shift();
    if (line !== undefined) setImmediate(() => tty.push(`${line}\r`));
  };
  tty.on('resume', feed);
  return tty;
}

describe('getPasswordChange', () => {
  const prompts: string[] = [];
  const shown = new Writable({
    write: (c, _e, cb) => {
      prompts.push(String(c));
      cb();
    },
  });

  it('reads the current and the new password from two lines of stdin', async () => {
    assert.deepEqual(
      await getPasswordChange(true, Readable.from([Buffer.from('old pw\r\nnew password\n')]), shown),
      {
        currentPassword: 'old pw',
        newPassword: 'new password',
      },
    );
  });

  it('given stdin that is not two non-empty lines, refuses it, saying what it must hold', () => {
    for (const text of ['only', 'a\nb\nc', '\nnew', 'old\n'])
      assert.throws(
        () => splitPasswordChange(text),
        (err: unknown) => err instanceof UsageError && /two lines/.test(err.message),
        text,
      );
  });

  it('on a terminal, asks for the current password and the new one twice, with echo off', async () => {
    prompts.length = 0;
    const change = await getPasswordChange(
      false,
      fakeTerminal(['old', 'new password', 'new password']),
      shown,
    );
    assert.deepEqual(change, { currentPassword: 'old', newPassword: 'new password' });
    assert.deepEqual(
      prompts.filter((p) => p !== '\n'),
      ['Current password: ', 'New password: ', 'New password again: '],
      'the typed passwords are never written back',
    );
  });

  it('given a new password shorter than the API allows, refuses it before asking again, in words about the password', async () => {
    await assert.rejects(
      getPasswordChange(true, Readable.from([Buffer.from('old\nshort\n')]), shown),
      (err: unknown) => err instanceof UsageError && /too short: use at least 8 characters/.test(err.message),
    );
    prompts.length = 0;
    await assert.rejects(getPasswordChange(false, fakeTerminal(['old', 'short']), shown), UsageError);
    assert.ok(!prompts.includes('New password again: '), 'a refused password is not asked for twice');
  });

  it('on a terminal, refuses two different new passwords', async () => {
    await assert.rejects(
      getPasswordChange(false, fakeTerminal(['old', 'new password', 'typo']), shown),
      (err: unknown) => err instanceof CliError && /differ; nothing was changed/.test(err.message),
    );
  });
});
