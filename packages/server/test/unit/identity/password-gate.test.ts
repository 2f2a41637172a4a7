// Tests src/identity/password-gate.ts (the bound on concurrent hashes, the queue, the refusal, also
// asked ahead) and the argon2id parameters of src/identity/passwords.ts (today's, and older hashes
// that still verify).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import argon2 from 'argon2';
import { HearthError } from '../../../src/errors.js';
import { HashGate } from '../../../src/identity/password-gate.js';
import { argon2Passwords } from '../../../src/identity/passwords.js';

/** Work the test finishes by hand, recording how many run at once. */
function harness() {
  let running = 0;
  let most = 0;
  const finish: (() => void)[] = [];
  const started: number[] = [];
  const work = (n: number) => () => {
    started.push(n);
    running++;
    most = Math.max(most, running);
    return new Promise<number>((resolve) =>
      finish.push(() => {
        running--;
        resolve(n);
      }),
    );
  };
  return { work, finish, started, most: () => most };
}

describe('HashGate', () => {
  it('given work whose client left while it waited, or before it came, never runs it and gives its place in the queue up', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 1 });
    const h = harness();
    const first = gate.run(h.work(1));
    const left = new AbortController();
    const waiting = gate.run(h.work(2), left.signal).catch((error: unknown) => error);
    await tick();
    left.abort();
    const dropped = await waiting;
    assert.ok(dropped instanceof HearthError);
    assert.equal(dropped.code, 'client_gone');
    const gone = await gate.run(h.work(3), left.signal).catch((error: unknown) => error);
    assert.equal((gone as HearthError).code, 'client_gone', 'an already aborted signal is dropped at once');
    const next = gate.run(h.work(4));
    await tick();
    while (h.finish.length > 0) {
      h.finish.shift()!();
      await tick();
    }
    assert.deepEqual(await Promise.all([first, next]), [1, 4], 'the dropped place went to the next');
    assert.deepEqual(h.started, [1, 4], 'work for a gone client never ran');
  });

  it('given concurrency 2, runs at most two at once and the rest in order', async () => {
    const gate = new HashGate({ concurrency: 2, queue: 10 });
    const h = harness();
    const results = [1, 2, 3, 4, 5].map((n) => gate.run(h.work(n)));
    await tick();
    assert.deepEqual(h.started, [1, 2]);
    while (h.finish.length > 0) {
      h.finish.shift()!();
      await tick();
    }
    assert.deepEqual(await Promise.all(results), [1, 2, 3, 4, 5]);
    assert.deepEqual(h.started, [1, 2, 3, 4, 5]);
    assert.equal(h.most(), 2);
  });

  it('given a full queue, refuses at once with server_busy and a Retry-After, and admits again once it drains', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 2 });
    const h = harness();
    const admitted = [1, 2, 3].map((n) => gate.run(h.work(n)));
    const refused = await gate.run(h.work(4)).catch((error: unknown) => error);
    assert.ok(refused instanceof HearthError);
    assert.equal(refused.code, 'server_busy');
    assert.match(refused.message, /busy checking other passwords; try again in \d+s/);
    assert.ok(Number(refused.detail?.retryAfterSeconds) >= 1);
    assert.deepEqual(h.started, [1], 'the refused one never ran');
    while (h.finish.length > 0) {
      h.finish.shift()!();
      await tick();
    }
    assert.deepEqual(await Promise.all(admitted), [1, 2, 3]);
    const later = gate.run(h.work(5));
    await tick();
    h.finish.shift()!();
    assert.equal(await later, 5);
  });

  it('given a full queue, names the refusal before any work is asked, and none once a place is free', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 1 });
    const h = harness();
    assert.equal(gate.refusal(), undefined, 'an idle gate admits');
    const admitted = [1, 2].map((n) => gate.run(h.work(n)));
    const refusal = gate.refusal();
    assert.ok(refusal instanceof HearthError);
    assert.equal(refusal.code, 'server_busy');
    assert.ok(Number(refusal.detail?.retryAfterSeconds) >= 1);
    const refused = await gate.run(h.work(3)).catch((error: unknown) => error);
    assert.deepEqual(
      [refusal.message, refusal.detail],
      [(refused as HearthError).message, (refused as HearthError).detail],
      'the same refusal as the work itself meets',
    );
    assert.equal(gate.refusal(), refusal, 'one refusal serves all alike');
    h.finish.shift()!();
    await tick();
    assert.equal(gate.refusal(), undefined, 'the queue has a place again');
    h.finish.shift()!();
    assert.deepEqual(await Promise.all(admitted), [1, 2]);
  });

  it('passes the turn on when work fails', async () => {
    const gate = new HashGate({ concurrency: 1, queue: 1 });
    const failing = gate.run(() => Promise.reject(new Error('boom')));
    const next = gate.run(async () => 'next');
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 'next');
  });

  it('refuses limits that could never admit anything', () => {
    assert.throws(() => new HashGate({ concurrency: 0, queue: 1 }), RangeError);
  });
});

describe('argon2Passwords', () => {
  it('hashes with OWASP argon2id parameters (m=19 MiB, t=2, p=1)', async () => {
    const hash = await argon2Passwords.hash('correct horse battery');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    assert.equal(argon2Passwords.needsRehash(hash), false);
    assert.equal(await argon2Passwords.verify(hash, 'correct horse battery'), true);
    assert.equal(await argon2Passwords.verify(hash, 'wrong horse battery'), false);
  });

  it('given a hash made with the old parameters, verifies it and says it needs a rehash', async () => {
    const old = await argon2.hash('correct horse battery', { type: argon2.argon2id });
    assert.match(old, /m=65536,p=4,t=3/);
    assert.equal(await argon2Passwords.verify(old, 'correct horse battery'), true);
    assert.equal(argon2Passwords.needsRehash(old), true);
  });

  it('given something that is not a hash, verifies nothing and asks for a rehash', async () => {
    assert.equal(await argon2Passwords.verify('not a hash', 'x'), false);
    assert.equal(argon2Passwords.needsRehash('not a hash'), true);
  });
});
