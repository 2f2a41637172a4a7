import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveImageUser } from '../../../src/core/image-user.js';
import type { PasswdEntry } from '../../../src/runtime/runtime.js';

const entry = (name: string, uid: number, gid: number): PasswdEntry => ({
  name,
  uid,
  gid,
  home: `/home/${name}`,
  shell: '/bin/bash',
});
const PASSWD: PasswdEntry[] = [
  entry('root', 0, 0),
  entry('daemon', 1, 1),
  entry('dev', 1000, 1000),
  entry('builder', 1001, 100),
  entry('toor', 0, 0),
];
const REF = 'hearth-demo:latest';

function problem(result: ReturnType<typeof resolveImageUser>): string {
  assert.ok(!result.ok, `expected a problem, got ${JSON.stringify(result)}`);
  return result.problem;
}

describe('resolveImageUser', () => {
  it('given a user name in /etc/passwd, when resolved, then its uid and gid come from there', () => {
    assert.deepEqual(resolveImageUser(REF, 'dev', PASSWD), { ok: true, name: 'dev', uid: 1000, gid: 1000 });
    assert.deepEqual(resolveImageUser(REF, 'builder', PASSWD), {
      ok: true,
      name: 'builder',
      uid: 1001,
      gid: 100,
    });
  });

  it('given a numeric uid, when resolved, then the name comes from /etc/passwd', () => {
    assert.deepEqual(resolveImageUser(REF, '1001', PASSWD), {
      ok: true,
      name: 'builder',
      uid: 1001,
      gid: 100,
    });
  });

  it('given uid:gid, when resolved, then the gid overrides the passwd group', () => {
    assert.deepEqual(resolveImageUser(REF, '1000:2000', PASSWD), {
      ok: true,
      name: 'dev',
      uid: 1000,
      gid: 2000,
    });
    assert.deepEqual(resolveImageUser(REF, 'dev:50', PASSWD), { ok: true, name: 'dev', uid: 1000, gid: 50 });
  });

  it('given name:group where the group is not numeric, when resolved, then the passwd gid is kept', () => {
    assert.deepEqual(resolveImageUser(REF, 'dev:staff', PASSWD), {
      ok: true,
      name: 'dev',
      uid: 1000,
      gid: 1000,
    });
  });

  it('given no USER, when resolved, then it is refused because it would run as root', () => {
    const text = problem(resolveImageUser(REF, '', PASSWD));
    assert.match(text, /hearth-demo:latest/);
    assert.match(text, /no USER/);
    assert.match(text, /root/);
  });

  it('given USER root, 0 or another uid-0 name, when resolved, then it is refused', () => {
    for (const user of ['root', '0', '0:0', 'toor', 'root:1000']) {
      const text = problem(resolveImageUser(REF, user, PASSWD));
      assert.match(text, /runs as root/, user);
      assert.match(text, /non-root user/, user);
    }
  });

  it('given a user the image does not know, when resolved, then it is refused pointing at /etc/passwd', () => {
    for (const user of ['ghost', '4242', 'Dev']) {
      const text = problem(resolveImageUser(REF, user, PASSWD));
      assert.match(text, new RegExp(`USER ${user}\\b`), user);
      assert.match(text, /\/etc\/passwd has no such user/, user);
      assert.match(text, /useradd/, user);
    }
  });

  it('given an image without /etc/passwd entries, when resolved, then even uid 0 is refused', () => {
    assert.equal(resolveImageUser(REF, '0', []).ok, false);
    assert.equal(resolveImageUser(REF, '1000', []).ok, false);
  });
});
