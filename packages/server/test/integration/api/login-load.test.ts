/**
 * Logins under load: the server hashes a bounded number of passwords at once, lets a bounded
 * number wait, and tells the rest to come back (429 `server_busy` with Retry-After) instead of
 * taking every core and unbounded memory. A password stored with older argon2 parameters still
 * logs in, and is stored again with today's. A login whose client has gone before its turn at the
 * hash is never checked.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import argon2 from 'argon2';
import type { Database } from '../../../src/store/database.js';
import {
  addMember,
  PASSWORD,
  removeDir,
  setupAlice,
  startHearth,
  type TestHearth,
} from '../../support/hearth.js';
import { openServerStore } from '../../support/store-reader.js';

describe('logins under load', () => {
  let hearth: TestHearth;
  let db: Database;

  before(async () => {
    hearth = await startHearth();
    await addMember(await setupAlice(hearth.api), 'bob');
    db = await openServerStore(hearth.dataDir);
  });
  after(async () => {
    await db.destroy();
    await hearth.close();
    await removeDir(hearth.dataDir);
  });

  const storedHash = async () =>
    (
      await db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'alice')
        .executeTakeFirstOrThrow()
    ).password_hash;

  it('given a password hashed with the old parameters, logs in and stores it again with today’s', async () => {
    const old = await argon2.hash(PASSWORD, { type: argon2.argon2id });
    await db.updateTable('users').set({ password_hash: old }).where('username', '=', 'alice').execute();
    const login = await hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const now = await storedHash();
    assert.match(now, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const again = await hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD });
    assert.equal(again.status, 200);
    assert.equal(await storedHash(), now, 'a current hash is left as it is');
  });

  it('given 200 logins at once, answers each: some in, the rest told to retry later, none failed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        fetch(`${hearth.server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'alice', password: PASSWORD }),
        }).then(async (r) => ({
          status: r.status,
          retryAfter: r.headers.get('retry-after'),
          contentType: r.headers.get('content-type'),
          body: (await r.json()) as { code: string; message: string; detail?: unknown },
        })),
      ),
    );
    const ok = answers.filter((a) => a.status === 200);
    const busy = answers.filter((a) => a.status === 429);
    assert.equal(
      ok.length + busy.length,
      200,
      JSON.stringify(answers.find((a) => a.status !== 200 && a.status !== 429)),
    );
    assert.ok(ok.length >= 1, 'those admitted log in');
    assert.ok(busy.length >= 100, `most are refused at once (${busy.length} were)`);
    for (const b of busy) {
      assert.equal(b.body.code, 'server_busy');
      assert.match(b.body.message, /try again in \d+s/);
      assert.ok(Number(b.retryAfter) >= 1, 'with a Retry-After');
      assert.deepEqual(Object.keys(b.body), ['code', 'message', 'detail', 'requestId']);
      assert.deepEqual(b.body.detail, { retryAfterSeconds: Number(b.retryAfter) });
      assert.equal(b.contentType, 'application/json; charset=utf-8');
    }
    const later = await hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD });
    assert.equal(later.status, 200, 'once the rush is over, logins work again');
  });

  it('given every hash busy and the queue full, refuses a login before reading its body: one that is not even JSON gets the busy 429; once the rush is over, it gets its 400', async () => {
    /** A login whose body is not JSON: 400 when read, 429 when refused before it is. */
    const unreadable = async () => {
      const r = await fetch(`${hearth.server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username": "alice", "password":',
      });
      return {
        status: r.status,
        retryAfter: r.headers.get('retry-after'),
        body: (await r.json()) as { code: string; message: string; detail?: unknown },
      };
    };
    let sawBusy!: () => void;
    const busyNow = new Promise<void>((resolve) => {
      sawBusy = resolve;
    });
    const login = () =>
      hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD }).then((answer) => {
        if (answer.status === 429) sawBusy();
        return answer.status;
      });
    const rush = Array.from({ length: 200 }, login);
    await busyNow;
    // Each probe follows logins enough to fill the queue again: a hash that ends frees a place,
    // which the probe would otherwise take (on a busy machine, before the first probe arrived).
    const during = [];
    do {
      rush.push(...Array.from({ length: 40 }, login));
      during.push(await unreadable());
    } while (during.at(-1)!.status !== 429 && during.length < 20);
    for (const status of await Promise.all(rush)) assert.ok(status === 200 || status === 429, String(status));
    const refused = during.find((answer) => answer.status === 429);
    assert.ok(refused, `refused before its body was read (${during.length} were read, none refused)`);
    assert.equal(refused.body.code, 'server_busy');
    assert.match(refused.body.message, /busy checking other passwords; try again in \d+s/);
    assert.deepEqual(refused.body.detail, { retryAfterSeconds: Number(refused.retryAfter) });
    for (const answer of during.filter((a) => a.status !== 429))
      assert.equal(answer.body.code, 'invalid_input', 'a place free at the gate: the body is read');
    const after = await unreadable();
    assert.equal(after.status, 400, JSON.stringify(after.body));
    assert.equal(after.body.code, 'invalid_input');
    assert.match(after.body.message, /request body is not valid JSON/);
  });

  it('given wrong-password logins whose clients close the socket right after sending, while the hashes are busy, checks none of them: the failure budget stays whole and the right password logs in', async () => {
    const url = new URL(hearth.server.url);
    /** A login sent on a real socket that is closed at once, before any answer. */
    const abandoned = () =>
      new Promise<void>((resolve, reject) => {
        const body = JSON.stringify({ username: 'bob', password: 'wrong password' });
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST /api/v1/auth/login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
            () => {
              socket.destroy();
              resolve();
            },
          );
        });
        socket.once('error', reject);
      });
    // Alice's logins keep every hash busy; bob's abandoned ones queue behind them.
    const busy = Array.from({ length: 4 }, () =>
      hearth.api.post('/auth/login', { username: 'alice', password: PASSWORD }),
    );
    await Promise.all(Array.from({ length: 12 }, abandoned));
    for (const answer of await Promise.all(busy))
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    // Five failures a minute from one source lock the account there; checked, the twelve would have.
    const bob = await hearth.api.post('/auth/login', { username: 'bob', password: PASSWORD });
    assert.equal(bob.status, 200, `the abandoned logins were not counted: ${JSON.stringify(bob.body)}`);
  });
});
