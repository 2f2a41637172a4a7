/**
 * The SSH gateway and the terminal through the real API: an ssh2 client over the WebSocket tunnel,
 * the terminal WebSocket, who may connect, activity while sessions are open, and sessions ending
 * with a message when the workspace stops.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { before, describe, it } from 'node:test';
import { ExecChannel, type HearthApiError, HearthClient, SSH_TUNNEL_UPGRADE } from '@hearth/sdk';
import WebSocket from 'ws';
import { addMember, settled, useHearth } from '../../support/hearth.js';
import { connectSsh, execSsh } from '../../support/ssh.js';
import { waitFor } from '../../support/wait.js';

describe('ssh gateway and terminal', () => {
  const t = useHearth();
  let alice: HearthClient;
  let boxId: string;
  /** Sessions open in the workspace, as auto-off sees them. */
  const openSessions = () => t.hearth.server.activity.openSessions(boxId);

  before(async () => {
    alice = new HearthClient({ url: t.hearth.server.url, token: t.alice.token! });
    const ws = await t.alice.post('/workspaces', { name: 'box', image: 'hearth-demo:latest' });
    t.created.add(ws.body.id);
    boxId = ws.body.id;
    await settled(t.alice, 'me', 'box');
  });

  it('runs commands over SSH as the workspace user, counting the connection as activity while open', async () => {
    const conn = await connectSsh(alice, 'me', 'box');
    assert.equal(openSessions(), 1);
    const result = await execSsh(conn, 'echo $HOME; id -un; echo oops >&2; exit 4');
    assert.deepEqual(result, { code: 4, stdout: '/home/dev\ndev\n', stderr: 'oops\n' });
    conn.end();
    await waitFor('the ssh session to be released', async () => (openSessions() === 0 ? true : undefined));
  });

  it('releases the session of a client that vanished without closing (a killed ssh)', async () => {
    const sock = await alice.openSshTunnel('me', 'box');
    const conn = await connectSsh(alice, 'me', 'box', sock);
    conn.on('error', () => undefined);
    assert.equal(openSessions(), 1);
    // No SSH disconnect and no WebSocket close frame: the TCP connection just ends.
    sock.destroy();
    await waitFor('the vanished session to be released', async () =>
      openSessions() === 0 ? true : undefined,
    );
  });

  it("delivers a client's signal to the session's process, not to its children", async () => {
    const conn = await connectSsh(alice, 'me', 'box');
    // The session's shell traps TERM; its child sleeps and would die silently if it were signalled too.
    const script =
      'trap \'echo "shell got TERM"; kill -0 $child && echo "child alive"; kill $child; exit 7\' TERM; ' +
      'sleep 30 & child=$!; echo ready; wait $child; echo "child exited"';
    const result = await new Promise<{ code: number; stdout: string }>((resolve, reject) => {
      conn.exec(script, (err, channel) => {
        if (err) return reject(err);
        let stdout = '';
        let code = -1;
        channel.on('data', (c: Buffer) => {
          stdout += c;
          if (stdout === 'ready\n') channel.signal('TERM');
        });
        channel.stderr.resume();
        channel.on('exit', (status: number | null) => {
          code = status ?? -1;
        });
        channel.on('close', () => resolve({ code, stdout }));
      });
    });
    conn.end();
    assert.deepEqual(result, { code: 7, stdout: 'ready\nshell got TERM\nchild alive\n' });
  });

  it('carries SSH bytes as they are after `Upgrade: hearth-ssh`, and in WebSocket frames for older clients', async () => {
    const url = `${t.hearth.server.url}/api/v1/users/me/workspaces/box/ssh`;
    const headers = { authorization: `Bearer ${t.alice.token}`, connection: 'Upgrade' };
    // The server says nothing after the 101 until the client has spoken: a client can then hand the
    // socket itself to OpenSSH (ProxyUseFdpass) with no SSH byte left in its own buffers.
    const raw = await new Promise<{ upgrade: string | undefined; early: string; first: string }>(
      (resolve, reject) => {
        const req = request(url, { headers: { ...headers, upgrade: SSH_TUNNEL_UPGRADE }, agent: false });
        req.once('error', reject);
        req.once('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
        req.once('upgrade', (res, socket, head) => {
          let early = head.toString();
          const listen = (chunk: Buffer) => {
            early += chunk.toString();
          };
          socket.on('data', listen);
          setTimeout(() => {
            socket.off('data', listen);
            socket.once('data', (chunk: Buffer) => {
              socket.destroy();
              resolve({ upgrade: res.headers.upgrade, early, first: chunk.toString() });
            });
            socket.write('SSH-2.0-probe\r\n');
          }, 500);
        });
        req.end();
      },
    );
    assert.equal(raw.upgrade, SSH_TUNNEL_UPGRADE);
    assert.equal(raw.early, '');
    assert.match(raw.first, /^SSH-2\.0-Hearth/);
    const ws = new WebSocket(url.replace('http', 'ws'), {
      headers: { authorization: headers.authorization },
    });
    const framed = await new Promise<Buffer>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data));
      ws.once('error', reject);
    });
    ws.terminate();
    assert.match(framed.toString(), /^SSH-2\.0-Hearth/);
    await waitFor('the probes to be released', async () => (openSessions() === 0 ? true : undefined));
  });

  it('answers refusals before the upgrade: another member, a revoked token, an unknown workspace', async () => {
    const bob = await addMember(t.alice, 'bob');
    const bobClient = new HearthClient({ url: t.hearth.server.url, token: bob.token! });
    await assert.rejects(
      bobClient.openSshTunnel('alice', 'box'),
      (error: HearthApiError) => error.status === 404 && error.code === 'workspace_not_found',
    );
    const token = (await t.alice.post('/tokens', { name: 'gone' })).body;
    await t.alice.delete(`/tokens/${token.id}`);
    const revoked = new HearthClient({ url: t.hearth.server.url, token: token.token });
    await assert.rejects(revoked.openSshTunnel('me', 'box'), (error: HearthApiError) => error.status === 401);
    await assert.rejects(alice.openSshTunnel('me', 'nope'), (error: HearthApiError) => error.status === 404);
  });

  it('documents the tunnel, the terminal and the host key in OpenAPI; the host key matches the one served', async () => {
    const doc = (await t.hearth.api.get('/openapi.json')).body;
    for (const path of [
      '/users/{user}/workspaces/{name}/ssh',
      '/users/{user}/workspaces/{name}/terminal',
      '/ssh/host-key',
    ])
      assert.ok(doc.paths[path]?.get, `${path} is documented`);
    assert.deepEqual(
      doc.paths['/users/{user}/workspaces/{name}/terminal'].get.parameters
        .filter((p: { in: string }) => p.in === 'query')
        .map((p: { name: string }) => p.name)
        .sort(),
      ['cols', 'rows'],
    );
    assert.match((await alice.sshHostKey()).hostKey, /^ssh-ed25519 /);
  });

  it('gives the terminal a login shell on a PTY that follows resizes', async () => {
    const url = `${t.hearth.server.url.replace('http', 'ws')}/api/v1/users/me/workspaces/box/terminal?cols=91&rows=21`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${t.alice.token}` } });
    let output = '';
    const exit = new Promise<number>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        if (data[0] === ExecChannel.stdout) output += data.subarray(1).toString();
        if (data[0] === ExecChannel.control) {
          const control = JSON.parse(data.subarray(1).toString());
          if (control.type === 'exit') resolve(control.code);
          if (control.type === 'error') reject(new Error(control.message));
        }
      });
      ws.on('error', reject);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const send = (channel: number, payload: string) =>
      ws.send(Buffer.concat([Buffer.of(channel), Buffer.from(payload)]));
    send(ExecChannel.stdin, 'echo "size $(stty size)"\r');
    await waitFor('the first size', async () => (output.includes('size 21 91') ? true : undefined), 10_000);
    assert.equal(openSessions(), 1);
    send(ExecChannel.control, JSON.stringify({ type: 'resize', cols: 132, rows: 43 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    send(ExecChannel.stdin, 'echo "size $(stty size) $0"; exit 6\r');
    assert.equal(await exit, 6);
    assert.match(output, /size 43 132 \/bin\/bash\r\nlogout/, "the user's login shell");
    await waitFor('the terminal to be released', async () => (openSessions() === 0 ? true : undefined));
  });

  it('releases the session of an exec whose client left while its process was starting', async () => {
    const url = `${t.hearth.server.url.replace('http', 'ws')}/api/v1/users/me/workspaces/box/exec`;
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${t.alice.token}` } });
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    // A process that never ends by itself; the client is gone before the engine has started it.
    ws.send(JSON.stringify({ cmd: ['cat'], stdin: true }));
    ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await waitFor('the exec to be released', async () => (openSessions() === 0 ? true : undefined), 5_000);
  });

  it('ends open sessions with a message when the workspace stops', async () => {
    const conn = await connectSsh(alice, 'me', 'box');
    const ended = new Promise<{ stderr: string; closed: boolean }>((resolve, reject) => {
      conn.exec('echo ready; sleep 600', (err, channel) => {
        if (err) return reject(err);
        let stderr = '';
        channel.stderr.on('data', (c: Buffer) => {
          stderr += c;
        });
        channel.once('data', () => void t.alice.post('/users/me/workspaces/box/stop'));
        channel.on('close', () => resolve({ stderr, closed: true }));
      });
    });
    const { stderr } = await ended;
    assert.match(stderr, /workspace box is stopping; the session is closed/);
    await waitFor('the connection to be released', async () => (openSessions() === 0 ? true : undefined));
    await settled(t.alice, 'me', 'box');
    await assert.rejects(
      alice.openSshTunnel('me', 'box'),
      (error: HearthApiError) => error.code === 'workspace_stopped' && /hearth start box/.test(error.message),
    );
  });
});
