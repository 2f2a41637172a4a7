import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { utf8Text } from '../../src/stdin-text.js';

describe('utf8Text', () => {
  it('keeps UTF-8 text exactly, a byte-order mark and a final newline included', () => {
    const text = '\ufeffkey: värde\r\nline\n';
    assert.equal(utf8Text(Buffer.from(text), 'f'), text);
  });

  it('refuses binary data clearly instead of altering it (1,024 random bytes used to become 1,845)', () => {
    const bytes = randomBytes(1024);
    bytes[0] = 0xff;
    assert.throws(
      () => utf8Text(bytes, 'key.bin'),
      (e: Error) => e instanceof UsageError && /key.bin is binary.*base64/.test(e.message),
    );
    assert.throws(() => utf8Text(Buffer.from('a\u0000b'), 'nul.txt'), /nul.txt is binary/);
  });
});
