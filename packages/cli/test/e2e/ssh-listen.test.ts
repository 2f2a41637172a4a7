/**
 * Plain SSH as a user has it: `hearth server --ssh-listen`, keys made with ssh-keygen and
 * registered with `hearth sshkeys add`, then the real OpenSSH client on the server's SSH port; and
 * revocations (a removed key, a revoked token) closing connections that are open.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type E2E, MAIN, PASSWORD, type Run, run as runIn, startE2E } from '../support/e2e.js';

/** A command left running: `ready` once its stdout shows `ready`, `done` when it exits. */
interface Running {
  readonly ready: Promise<void>;
  readonly done: Promise<Run>;
}

function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let seen: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    seen = resolve;
  });
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
    if (stdout.includes('ready')) seen();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, bytes: Buffer.from(stdout), stderr })),
  );
  // A command that fails at once must fail the test, not leave it waiting for `ready`.
  return { ready: Promise.race([ready, done.then((r) => Promise.reject(new Error(r.stderr)))]), done };
}

describe('plain SSH on the server’s SSH port', () => {
  let e: E2E;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let port: string;
  let knownHosts: string;
  const bobEnv = () => ({ HEARTH_CONFIG_DIR: join(dir, 'bob') });

  const run = (command: string, args: string[], input?: string, extraEnv = {}) =>
    runIn(command, args, { ...env, ...extraEnv }, input);
  const ok = (args: string[], input?: string) => e.ok(args, input);
  const key = (name: string) => join(dir, name);
  /** OpenSSH with only the given key, the server's host key pinned, and nothing from the machine's config. */
  const sshOptions = (name: string) => [
    '-F',
    '/dev/null',
    '-i',
    key(name),
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
  ];
  const ssh = (name: string, user: string, command: string) =>
    run('ssh', [...sshOptions(name), '-p', port, `${user}@127.0.0.1`, command]);

  before(async () => {
    e = await startE2E('hearth-e2e-ssh-listen-', { serverArgs: ['--ssh-listen', '127.0.0.1:0'] });
    ({ dir, env } = e);
    const listening = /Plain SSH on 127\.0\.0\.1:(\d+): ssh -p \1 WORKSPACE@HOST/.exec(e.serverLog());
    assert.ok(listening, `the server log names the SSH address:\n${e.serverLog()}`);
    port = listening[1]!;
    await ok(
      ['setup', e.url, '--username', 'alice', '--email', 'a@example.com', '--password-stdin'],
      PASSWORD,
    );
    await ok(['images', 'add', 'hearth-demo:latest', '--org', 'default']);
    await ok(['create', 'api', '--image', 'hearth-demo:latest', '--cpu', '1', '--memory', '1GiB', '--wait']);
    for (const [name, comment] of [
      ['alice_key', 'alice@laptop'],
      ['bob_key', 'bob@desk'],
      ['stranger_key', 'nobody'],
    ])
      assert.equal(
        (await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment!, '-f', key(name!)])).code,
        0,
      );
    // Pin the host key the API announces: the listener must present the tunnel's key.
    const session = JSON.parse(await readFile(join(dir, 'config', 'session.json'), 'utf8'));
    const hostKey = await fetch(`${e.url}/api/v1/ssh/host-key`, {
      headers: { authorization: `Bearer ${session.token}` },
    }).then((r) => r.json() as Promise<{ hostKey: string }>);
    knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, `[127.0.0.1]:${port} ${hostKey.hostKey}\n`);
  });

  after(async () => {
    await e.hearth(['delete', 'api', '--yes', '--wait']);
    await e.close();
  });

  it('explains --ssh-listen in hearth server --help', async () => {
    const help = await ok(['server', '--help']);
    assert.match(help.stdout, /--ssh-listen +HEARTH_SSH_LISTEN .*hearth sshkeys add.*\(default: off\)/);
  });

  it('registers a key from its .pub file and lists it with the fingerprint ssh-keygen prints', async () => {
    const added = await ok(['sshkeys', 'add', `${key('alice_key')}.pub`]);
    assert.match(added.stdout, /^Added SSH key "alice@laptop" \(ssh-ed25519 SHA256:\S+\)\.\n$/);
    const printed = (await run('ssh-keygen', ['-lf', `${key('alice_key')}.pub`])).stdout.split(' ')[1];
    const listed = JSON.parse((await ok(['sshkeys', 'list', '-o', 'json'])).stdout);
    assert.deepEqual(
      listed.map((k: { name: string; type: string; fingerprint: string }) => [k.name, k.type, k.fingerprint]),
      [['alice@laptop', 'ssh-ed25519', printed]],
    );
    const table = await ok(['sshkeys', 'list']);
    assert.match(
      table.stdout,
      /^NAME +TYPE +FINGERPRINT +ADDED +LAST USED\nalice@laptop +ssh-ed25519 +SHA256:\S+ +just now +never\n$/,
    );
  });

  it('refuses to send a private key, and says what to give instead', async () => {
    const refused = await e.hearth(['sshkeys', 'add', key('alice_key')]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /holds a private key, which must never leave your machine\nhint: add its public half instead: hearth sshkeys add \S+alice_key\.pub/,
    );
  });

  it('runs a command over plain ssh with the exit code and output passed through, as NAME or OWNER.NAME', async () => {
    const result = await ssh('alice_key', 'api', 'echo out; echo err >&2; id -un; exit 3');
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stdout, 'out\ndev\n');
    assert.equal(result.stderr, 'err\n');
    const owned = await ssh('alice_key', 'alice.api', 'pwd');
    assert.equal(owned.stdout, '/home/dev\n', owned.stderr);
    // OWNER.NAME survives scp's parsing of USER@HOST:PATH (a "/" there would make it a local path).
    const copied = await run('scp', [
      ...sshOptions('alice_key'),
      '-P',
      port,
      `${key('alice_key')}.pub`,
      'alice.api@127.0.0.1:copied.pub',
    ]);
    assert.equal(copied.code, 0, copied.stderr);
    assert.match((await ssh('alice_key', 'api', 'cat copied.pub')).stdout, / alice@laptop\n$/);
  });

  it('refuses a key nobody registered', async () => {
    const result = await ssh('stranger_key', 'api', 'true');
    assert.equal(result.code, 255);
    assert.match(result.stderr, /Permission denied \(publickey\)/);
  });

  it("refuses another user's workspace with the answer a missing workspace gets", async () => {
    await ok(['users', 'create', 'bob', '--email', 'b@example.com', '--password-stdin'], PASSWORD);
    const login = await e.hearth(
      ['login', e.url, '--username', 'bob', '--password-stdin'],
      PASSWORD,
      bobEnv(),
    );
    assert.equal(login.code, 0, login.stderr);
    const added = await e.hearth(['sshkeys', 'add', `${key('bob_key')}.pub`], undefined, bobEnv());
    assert.equal(added.code, 0, added.stderr);
    const others = await ssh('bob_key', 'alice.api', 'true');
    assert.equal(others.code, 255);
    assert.match(others.stderr, /^hearth: no workspace named alice\.api; see "hearth list"/);
    const missing = await ssh('bob_key', 'alice.nope', 'true');
    assert.equal(others.stderr.replace('alice.api', 'X'), missing.stderr.replace('alice.nope', 'X'));
  });

  it('removing the key ends an open connection with a message and refuses new ones', async () => {
    const open = start(
      'ssh',
      [...sshOptions('alice_key'), '-p', port, 'api@127.0.0.1', 'echo ready; sleep 600'],
      env,
    );
    await open.ready;
    const removed = await ok(['sshkeys', 'rm', 'alice@laptop']);
    assert.match(removed.stdout, /^Removed SSH key alice@laptop; connections it opened are closed\.\n$/);
    const ended = await open.done;
    assert.equal(ended.code, 255);
    assert.match(
      ended.stderr,
      /hearth: the SSH key "alice@laptop" \(SHA256:\S+\) that opened this connection was removed; the session is closed/,
    );
    const again = await ssh('alice_key', 'api', 'true');
    assert.equal(again.code, 255);
    assert.match(again.stderr, /Permission denied \(publickey\)/);
  });

  it('revoking the token ends open hearth ssh and config-ssh sessions it authorized', async () => {
    const sshConfig = join(dir, 'ssh_config');
    await ok(['config-ssh', '--ssh-config', sshConfig]);
    assert.match(await readFile(sshConfig, 'utf8'), /ProxyCommand .* ssh --stdio api\n/);
    const token = (await ok(['tokens', 'create', 'short'])).stdout.trim();
    const withToken = { ...env, HEARTH_TOKEN: token };
    const sessions = [
      start(process.execPath, [MAIN, 'ssh', 'api', '--', 'echo ready; sleep 600'], withToken),
      start(
        'ssh',
        ['-F', sshConfig, '-o', 'BatchMode=yes', 'hearth.api', 'echo ready; sleep 600'],
        withToken,
      ),
    ];
    await Promise.all(sessions.map((s) => s.ready));
    const tokens = JSON.parse((await ok(['tokens', 'list', '-o', 'json'])).stdout);
    await ok(['tokens', 'revoke', tokens.find((t: { name: string }) => t.name === 'short').id]);
    for (const ended of await Promise.all(sessions.map((s) => s.done))) {
      assert.equal(ended.code, 255);
      assert.match(
        ended.stderr,
        /hearth: the token or login session that opened this connection was revoked; the session is closed/,
      );
    }
  });
});
