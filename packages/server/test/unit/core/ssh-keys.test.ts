import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultKeyName,
  keyTypeProblem,
  parseSshUser,
  publicKeyLine,
  publicKeyTextProblem,
  rsaModulusBits,
  sshFingerprint,
  sshKeyNameProblem,
} from '../../../src/core/ssh-keys.js';

// Public keys made with ssh-keygen, and the fingerprints `ssh-keygen -lf` printed for them.
const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlfSMhml24d8dZlh26H9m396kT9gAqAaVCP/1pB+RCw alice@laptop';
const RSA_1024 =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDUvp267u2klyu0p7pRsdvCPVMmj0EAB1nXTTwuO/VdrqHUHCnLPelczX684IwkxO9CbpgLLNMATzea1S648s4y3Uh7vKsDA6iYO8ooHC8wGPrvdntSekbkP1gdyXFlpz5veScicJgPmNCyiFPWTjoh6W2YS/LzuZQtFUpI2AnY3w== root@vm';
const RSA_3072 =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDKwKdz57zZ5FgIg7Q+kcNP1SY+Bq8NQIolqdwdO5Ia7JsUmnSMihgNMdJ2TQamae40ed/qS76fNgm7oQHzxLJWwLIbqSnI/qhKkTAgYLjHbsXpwi6f1nWIoM02B3p9W0Q73SJBA9HtU6fCPlnps3tjaI0vGBKzYkWguZK+A4goYA853EPGcBNhRQDjIlV1kCX5rYfa/Tqx+10ArmziVOjTYN2lRRxx3Z4B5EVpTL9PDjqFWM/dorx7jnVHaGQuUiqncgMnl5ntNNe+Wrl508AzOfF2jmacHpSyOjTwsWwTjXcZT06gPVTUoPwwNMf+mwSXH8qdRNaQnHptdL14i9y83u2EG3BUml8kN5rHbTeuRAvVeJaIK6to+X439utSFdO/DCgzLLo8mjtbGgvF5FtOYLv4J+VRfD6e3TnnO1zIDsDqB3xr61hfDC4rdrsiROct4kEIQczKFVxcV+mdz9zRnQdoui7bF7L9Dfkdy/aVp4+g03lKNSGL3D7diXI+Oec= root@vm';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBMtf5NL8GBSGNPIIQVXEOCUkY917UbR39zz/fNfOX/8ChXNEDHdT6SSwu7M1nqKN/td1cmzd/uelDxKzrwxevIE= root@vm';

const blob = (line: string) => Buffer.from(line.split(' ')[1]!, 'base64');

describe('sshFingerprint', () => {
  it('given key blobs, when fingerprinted, then it prints what ssh-keygen -l prints', () => {
    assert.equal(sshFingerprint(blob(ED25519)), 'SHA256:isSvdcFMcbafoPTjoGCM97FJmwIFc4qImcg6N+FbBn0');
    assert.equal(sshFingerprint(blob(RSA_3072)), 'SHA256:Nf/yoGuraH9wLq3uaG2DMa3BPvILrMt9mIej8RJSb7M');
    assert.equal(sshFingerprint(blob(ECDSA)), 'SHA256:xcwB5zot98hj/X+qE4TeqyGYiNrDa+t9IBkqRvKY78k');
  });
});

describe('publicKeyTextProblem', () => {
  it('given one public key line, with or without a trailing newline and comment lines, then it is worth parsing', () => {
    for (const text of [ED25519, `${ED25519}\n`, `# my laptop\n\n${ED25519}\r\n`]) {
      assert.equal(publicKeyTextProblem(text), undefined);
      assert.equal(publicKeyLine(text), ED25519);
    }
  });

  it('given a private key, encrypted or not, then it says to give the .pub file and never the private key', () => {
    for (const text of [
      '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n',
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n',
      'PuTTY-User-Key-File-3: ssh-ed25519\n',
    ])
      assert.match(publicKeyTextProblem(text)!, /^this is a private key.*\.pub file.*id_ed25519\.pub/);
  });

  it('given nothing, several keys, a certificate or a security key, then each problem says what to give instead', () => {
    assert.match(
      publicKeyTextProblem('\n# only a comment\n')!,
      /^no public key given.*ssh-keygen -t ed25519/,
    );
    assert.match(
      publicKeyTextProblem(`${ED25519}\n${ECDSA}\n`)!,
      /^2 keys given: add one public key at a time/,
    );
    assert.match(
      publicKeyTextProblem('ssh-ed25519-cert-v01@openssh.com AAAA x')!,
      /is an SSH certificate.*give the key the certificate was made for/,
    );
    assert.match(publicKeyTextProblem('sk-ssh-ed25519@openssh.com AAAA x')!, /security-key .* not supported/);
  });
});

describe('keyTypeProblem', () => {
  it('given ed25519, ECDSA and RSA of 2048 bits or more, then they are accepted', () => {
    assert.equal(keyTypeProblem('ssh-ed25519', blob(ED25519)), undefined);
    assert.equal(keyTypeProblem('ecdsa-sha2-nistp256', blob(ECDSA)), undefined);
    assert.equal(keyTypeProblem('ssh-rsa', blob(RSA_3072)), undefined);
  });

  it('given a short RSA key, DSA or an unknown type, then the problem names it and how to make a good key', () => {
    assert.equal(
      keyTypeProblem('ssh-rsa', blob(RSA_1024)),
      'this RSA key has 1024 bits; at least 2048 are required: make one with: ssh-keygen -t ed25519',
    );
    assert.match(keyTypeProblem('ssh-dss', Buffer.alloc(0))!, /^DSA keys .* no longer considered safe/);
    assert.match(
      keyTypeProblem('ssh-foo', Buffer.alloc(0))!,
      /^key type ssh-foo is not supported \(use one of ssh-ed25519,/,
    );
  });

  it('given RSA blobs, when measured, then the modulus size ignores its sign byte; other blobs measure 0', () => {
    assert.equal(rsaModulusBits(blob(RSA_1024)), 1024);
    assert.equal(rsaModulusBits(blob(RSA_3072)), 3072);
    assert.equal(rsaModulusBits(blob(ED25519)), 0);
    assert.equal(rsaModulusBits(blob(RSA_3072).subarray(0, 30)), 0);
  });
});

describe('SSH key names', () => {
  it('given a comment, when no name is given, then the comment becomes the name, cleaned up', () => {
    assert.equal(defaultKeyName('alice@laptop', 'ssh-ed25519'), 'alice@laptop');
    assert.equal(defaultKeyName('my work key (2024)', 'ssh-ed25519'), 'my-work-key-2024');
    assert.equal(defaultKeyName('  --x', 'ssh-rsa'), 'x');
    assert.equal(defaultKeyName('c'.repeat(80), 'ssh-rsa'), 'c'.repeat(64));
  });

  it('given no usable comment, then the key type names it', () => {
    assert.equal(defaultKeyName('', 'ssh-ed25519'), 'ed25519');
    assert.equal(defaultKeyName('éé', 'ssh-rsa'), 'rsa');
    assert.equal(defaultKeyName('', 'ecdsa-sha2-nistp256'), 'ecdsa');
  });

  it('given names, then a fingerprint-like or empty name is refused with the rule and an example', () => {
    for (const ok of ['laptop', 'alice@laptop', 'a.b_c+d-e', 'K1'])
      assert.equal(sshKeyNameProblem(ok), undefined);
    for (const bad of ['', '-x', 'SHA256:abc', 'a b', 'x'.repeat(65)])
      assert.match(sshKeyNameProblem(bad)!, /is not valid: use 1-64 letters.*e\.g\. laptop/);
  });
});

describe('parseSshUser', () => {
  it('given NAME, then it is the key owner’s workspace; given OWNER.NAME, then that owner’s', () => {
    assert.deepEqual(parseSshUser('api'), { owner: 'me', name: 'api' });
    assert.deepEqual(parseSshUser('alice.api'), { owner: 'alice', name: 'api' });
  });

  it('given names that are not DNS labels or more than one dot, then the problem explains the user syntax', () => {
    for (const user of ['a.b.c', 'root@x', 'Api', 'alice.', '.api', 'alice/api', '']) {
      const parsed = parseSshUser(user);
      assert.ok('problem' in parsed, user);
      assert.match(parsed.problem, /ssh NAME@HOST for yours, or OWNER\.NAME@HOST/, user);
    }
  });
});
