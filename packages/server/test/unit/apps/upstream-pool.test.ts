/**
 * The pool's two kinds of connection, against an echo server on loopback: a request that finds
 * none idle goes out on a quick one at once, a lasting one is opened beside it and then lent
 * first while the quick one retires; without a lasting one the quick ones keep serving.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  type ConnectionUser,
  type UpstreamConnection,
  UpstreamPool,
} from '../../../src/apps/upstream-pool.js';

let server: Server;
let port = 0;

before(async () => {
  server = createServer((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

const open = () =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

/** A connector that counts its opens; `hold` keeps each open waiting until released. */
function connector(options: { fail?: boolean } = {}) {
  const opened: Socket[] = [];
  let releases: (() => void)[] = [];
  let held = false;
  return {
    opened,
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const r of releases) r();
      releases = [];
    },
    connect: async () => {
      if (held) await new Promise<void>((r) => releases.push(r));
      if (options.fail) throw new Error('no bash in this image');
      const socket = await open();
      opened.push(socket);
      return socket;
    },
  };
}

/** One round trip over a connection of `pool`; resolves with the connection it went over. */
async function roundTrip(pool: UpstreamPool): Promise<UpstreamConnection> {
  let reply: (text: string) => void = () => {};
  const answered = new Promise<string>((resolve) => {
    reply = resolve;
  });
  const user: ConnectionUser = {
    data: (chunk) => reply(chunk.toString()),
    end: () => {},
    closed: (error) => assert.fail(error),
  };
  const connection = pool.take(user) ?? (await pool.lease(user));
  connection.socket.write('ping');
  assert.equal(await answered, 'ping');
  pool.release(connection, true);
  return connection;
}

const until = async (what: string, done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(done(), what);
};

describe('upstream pool: quick and lasting connections', () => {
  it('given no idle connection, when a request comes, then it goes out on a quick one; once a lasting one is up, it is lent first and the quick one is closed', async () => {
    const quick = connector();
    const lasting = connector();
    lasting.hold();
    const pool = new UpstreamPool(quick.connect, lasting.connect);
    try {
      const first = await roundTrip(pool);
      assert.equal(first.lasting, false);
      assert.equal(quick.opened.length, 1);
      // The lasting one is still starting: the quick one serves meanwhile.
      assert.equal((await roundTrip(pool)).lasting, false);
      lasting.release();
      await until('the lasting connection is up', () => lasting.opened.length === 1);
      await until('the quick connection is closed', () => quick.opened[0]!.destroyed);
      const later = await roundTrip(pool);
      assert.equal(later.lasting, true);
      assert.equal(quick.opened.length, 1, 'no other quick connection was opened');
      assert.equal(lasting.opened.length, 1, 'one lasting connection replaced one quick one');
    } finally {
      pool.close();
    }
  });

  it('given a lasting connection that cannot be opened, when requests come, then the quick one keeps serving and no other lasting one is tried at once', async () => {
    const quick = connector();
    const lasting = connector({ fail: true });
    let tries = 0;
    const pool = new UpstreamPool(quick.connect, () => {
      tries++;
      return lasting.connect();
    });
    try {
      assert.equal((await roundTrip(pool)).lasting, false);
      await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < 3; i++) assert.equal((await roundTrip(pool)).lasting, false);
      assert.equal(quick.opened.length, 1);
      assert.equal(quick.opened[0]!.destroyed, false);
      assert.equal(tries, 1);
    } finally {
      pool.close();
    }
  });

  it('given no way to open lasting connections, when requests come, then the quick ones are kept and reused', async () => {
    const quick = connector();
    const pool = new UpstreamPool(quick.connect);
    try {
      const a = await roundTrip(pool);
      const b = await roundTrip(pool);
      assert.equal(a, b);
      assert.equal(quick.opened.length, 1);
    } finally {
      pool.close();
    }
  });
});
