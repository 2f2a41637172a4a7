import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import ssh2 from 'ssh2';
import { openSshPrivateKey, openSshPublicKey } from '../../../src/core/openssh.js';

function pair() {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { seed: Buffer.from(jwk.d!, 'base64url'), pub: Buffer.from(jwk.x!, 'base64url') };
}

describe('OpenSSH ed25519 encodings', () => {
  it('given a key pair, when encoded, then an OpenSSH parser reads back the same key and comment', () => {
    const { seed, pub } = pair();
    const privateKey = openSshPrivateKey(seed, pub, 'hearth:alice', 0x01020304);
    assert.match(
      privateKey,
      /^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/,
    );
    const parsed = ssh2.utils.parseKey(privateKey);
    assert.ok(!(parsed instanceof Error), String(parsed));
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    assert.equal(key.type, 'ssh-ed25519');
    assert.equal(key.comment, 'hearth:alice');
    const publicLine = openSshPublicKey(pub, 'hearth:alice');
    assert.equal(publicLine, `ssh-ed25519 ${key.getPublicSSH().toString('base64')} hearth:alice`);
    const signature = key.sign(Buffer.from('hello'));
    const publicParsed = ssh2.utils.parseKey(publicLine);
    assert.ok(!(publicParsed instanceof Error));
    assert.ok(
      (Array.isArray(publicParsed) ? publicParsed[0]! : publicParsed).verify(Buffer.from('hello'), signature),
    );
  });

  it('given keys of the wrong size, when encoded, then it refuses', () => {
    assert.throws(() => openSshPrivateKey(Buffer.alloc(31), Buffer.alloc(32), '', 1), /32 bytes/);
  });
});
