import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSecretKey, SecretBox } from '../../../src/identity/secret-box.js';

describe('SecretBox', () => {
  it('given a value, when sealed, then the text does not contain it and opens back to it, differently each time', () => {
    const box = new SecretBox(randomBytes(32));
    const a = box.seal('hunter2 ✓');
    assert.ok(!a.includes('hunter2'));
    assert.notEqual(a, box.seal('hunter2 ✓'));
    assert.equal(box.open(a), 'hunter2 ✓');
  });

  it('given another key or a changed value, when opened, then it refuses', () => {
    const sealed = new SecretBox(randomBytes(32)).seal('x');
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed), /wrong secret key or damaged/);
    assert.throws(() => new SecretBox(randomBytes(32)).open('plain'), /not a sealed value/);
  });

  it('given no key file, when loaded twice, then it is created 0600 once and read back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-key-'));
    try {
      const file = join(dir, 'sub', 'secret.key');
      const first = loadSecretKey({ file });
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(loadSecretKey({ file }), first);
      assert.equal(readFileSync(file, 'utf8').trim(), first.toString('base64'));
      const given = randomBytes(32);
      assert.deepEqual(loadSecretKey({ file, key: given.toString('base64') }), given);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
