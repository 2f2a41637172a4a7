import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { HOST_KEY_FILE, loadOrCreateHostKey, newHostKey } from '../../../src/access/host-key.js';

describe('loadOrCreateHostKey', () => {
  it('creates an ed25519 key once, private to the server, and finds the same one on the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-hostkey-'));
    try {
      const first = loadOrCreateHostKey(dir);
      assert.match(first.publicKey, /^ssh-ed25519 [A-Za-z0-9+/]+=*$/);
      assert.equal((await stat(join(dir, HOST_KEY_FILE))).mode & 0o777, 0o600);
      const again = loadOrCreateHostKey(dir);
      assert.equal(again.publicKey, first.publicKey);
      assert.equal(again.privateKey, first.privateKey);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('newHostKey', () => {
  it('given many fresh host keys, when each is parsed by ssh2, then every one is readable', () => {
    // ssh2's generator writes about one unreadable key in 200; 2,000 keys all but surely meet one.
    for (let i = 0; i < 2_000; i++) {
      const parsed = ssh2.utils.parseKey(newHostKey());
      assert.ok(!(parsed instanceof Error), `key ${i}: ${(parsed as Error).message}`);
    }
  });
});
