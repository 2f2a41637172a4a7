import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { CliError } from '../../src/errors.js';
import { getPassword, readPasswordFromStream, trimOneNewline } from '../../src/password.js';

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
