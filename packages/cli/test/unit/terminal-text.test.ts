import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { guardTextOutput, printable } from '../../src/terminal-text.js';

describe('printable', () => {
  it('given escape sequences, NUL, CR, DEL and C1 controls, when printed, then each is written out', () => {
    assert.equal(
      printable('a\u001b]0;pwned\u0007b\u0000c\rd\u007fe\u009b2Jf'),
      'a\\u001b]0;pwned\\u0007b\\u0000c\\u000dd\\u007fe\\u009b2Jf',
    );
  });

  it('given tabs, newlines and non-ASCII text, when printed, then they stay as they are', () => {
    assert.equal(printable('name\tstate\nzoë 🚀 café\n'), 'name\tstate\nzoë 🚀 café\n');
  });

  it('given JSON with a control character, when printed, then it is still valid JSON with the same value', () => {
    const json = JSON.stringify({ email: 'x\u0085y' });
    assert.deepEqual(JSON.parse(printable(json)), { email: 'x\u0085y' });
  });
});

describe('guardTextOutput', () => {
  it('given a guarded stream, when strings and bytes are written, then strings are made printable and bytes pass untouched', async () => {
    const stream = new PassThrough();
    guardTextOutput(stream);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.write('user \u001b[2Jmallory\n');
    stream.write(Buffer.from('\u001b[1mbold\u001b[0m'));
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    assert.equal(Buffer.concat(chunks).toString(), 'user \\u001b[2Jmallory\n\u001b[1mbold\u001b[0m');
  });
});
