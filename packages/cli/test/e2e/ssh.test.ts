/**
 * SSH access as a user has it: `hearth config-ssh`, then the real OpenSSH client (ssh, scp, sftp,
 * port forwards) and `hearth ssh`, against a real `hearth server` and real workspaces. HOME is a
 * temp dir; OpenSSH (and rsync over it) reads the config through -F because it finds ~ from the password database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { type E2E, MAIN, PASSWORD, type Run, run as runIn, startE2E } from '../support/e2e.js';

describe('ssh access through config-ssh and OpenSSH', () => {
  let e: E2E;
  let dir: string;
  let url: string;
  let env: NodeJS.ProcessEnv;
  let sshConfig: string;

  const run = (command: string, args: string[], input?: Buffer | string, extraEnv = {}): Promise<Run> =>
    runIn(command, args, { ...env, ...extraEnv }, input);
  const hearth = (args: string[], input?: string, extraEnv = {}) => e.hearth(args, input, extraEnv);
  const ok = (args: string[], input?: string): Promise<Run> => e.ok(args, input);
  const ssh = (args: string[], input?: Buffer | string, extraEnv = {}) =>
    run('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', ...args], input, extraEnv);

  before(async () => {
    e = await startE2E('hearth-e2e-ssh-');
    ({ dir, url, env } = e);
    sshConfig = join(dir, '.ssh', 'config');
    await ok(['setup', url, '--username', 'alice', '--email', 'a@example.com', '--password-stdin'], PASSWORD);
    await ok(['images', 'add', 'hearth-demo:latest', '--org', 'default']);
    await ok(['create', 'ws', '--image', 'hearth-demo:latest', '--cpu', '1', '--memory', '1GiB', '--wait']);
    // Something outside the managed block, which config-ssh must keep.
    await run('mkdir', ['-p', join(dir, '.ssh')]);
    await writeFile(sshConfig, 'Host other\n  User someone\n');
  });

  after(async () => {
    await hearth(['delete', 'ws', '--yes', '--wait']);
    await e.close();
  });

  it('writes Host entries between markers, idempotently, keeping the rest of the file', async () => {
    const first = await ok(['config-ssh', '--ssh-config', sshConfig]);
    assert.match(first.stdout.toString(), /Updated .*: hearth\.ws\./);
    // ssh reads the account's own ~/.ssh/config, not this test's $HOME: the command to try says -F.
    assert.ok(first.stdout.includes(`Try: ssh -F ${sshConfig} hearth.ws\n`), first.stdout);
    const text = await readFile(sshConfig, 'utf8');
    assert.match(text, /^Host other\n {2}User someone\n/);
    // Over plain http the relay hands the connection to ssh (ProxyUseFdpass, ssh-fdpass.ts).
    assert.match(
      text,
      /Host hearth\.ws\n {2}ProxyCommand env -u NODE_EXTRA_CA_CERTS NODE_CHANNEL_FD=1 HEARTH_CONFIG_DIR=\S+ .* ssh --stdio ws\n {2}ProxyUseFdpass yes\n/,
    );
    const again = await ok(['config-ssh', '--ssh-config', sshConfig]);
    assert.match(again.stdout.toString(), /Unchanged/);
    assert.equal(await readFile(sshConfig, 'utf8'), text);
  });

  it('uses the session config-ssh was run with, whatever HOME or config the shell running ssh has later', async () => {
    // Given config-ssh run on the default config dir (no HEARTH_CONFIG_DIR: XDG_CONFIG_HOME/hearth)
    const xdg = join(dir, 'xdg');
    await run('mkdir', ['-p', join(xdg, 'hearth')]);
    await run('cp', [join(dir, 'config', 'session.json'), join(xdg, 'hearth', 'session.json')]);
    const other = join(dir, '.ssh', 'config-default-dir');
    const written = await hearth(['config-ssh', '--ssh-config', other], undefined, {
      HEARTH_CONFIG_DIR: '',
      XDG_CONFIG_HOME: xdg,
    });
    assert.equal(written.code, 0, written.stderr);
    // When ssh runs from a shell with another HOME and no such config
    const result = await run(
      'ssh',
      ['-F', other, '-o', 'BatchMode=yes', 'hearth.ws', 'echo still-me'],
      undefined,
      {
        HOME: join(dir, 'another-home'),
        HEARTH_CONFIG_DIR: '',
        XDG_CONFIG_HOME: join(dir, 'nowhere'),
      },
    );
    // Then the relay still finds the session it was written for
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), 'still-me\n');
  });

  it('runs commands with the exit code, stdout and stderr passed through, as the workspace user', async () => {
    const result = await ssh(['hearth.ws', 'echo out; echo err >&2; id -un; pwd; exit 3']);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stdout.toString(), 'out\ndev\n/home/dev\n');
    assert.equal(result.stderr, 'err\n');
  });

  it('hands the connection to ssh: no relay process stays between ssh and the server', async () => {
    const session = spawn('ssh', ['-F', sshConfig, '-o', 'BatchMode=yes', 'hearth.ws', 'echo up; sleep 3'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise((resolve, reject) => {
        session.stdout.once('data', resolve);
        session.once('exit', (code) => reject(new Error(`ssh exited ${code} before the session printed`)));
      });
      // ssh waits for a ProxyUseFdpass command to exit before it speaks SSH: the session is up, so
      // ssh has no child left. A relaying ProxyCommand (the node process) would still be one.
      const children = await readFile(`/proc/${session.pid}/task/${session.pid}/children`, 'utf8');
      assert.equal(children.trim(), '');
    } finally {
      session.kill();
    }
  });

  it('keeps what a terminal session prints when its stdin is at EOF (ssh -tt, hearth exec -t)', async () => {
    // Debian's sshd prints "hi" for `ssh -tt host 'echo hi' </dev/null`: the end of input is no hangup.
    const viaSsh = await ssh(['-tt', 'hearth.ws', 'sleep 0.3; echo hi'], '');
    assert.equal(viaSsh.code, 0, viaSsh.stderr);
    assert.match(viaSsh.stdout, /^hi\r?\n$/);
    const viaExec = await hearth(['exec', '-t', 'ws', '--', 'sh', '-c', 'sleep 0.3; echo hi; tty']);
    assert.equal(viaExec.code, 0, viaExec.stderr);
    assert.match(viaExec.stdout, /^hi\r?\n\/dev\/pts\/\d+\r?\n$/);
  });

  it('carries 50 MB of random stdin byte-exact both ways', async () => {
    const input = randomBytes(50 * 1024 * 1024);
    const digest = createHash('sha256').update(input).digest('hex');
    const summed = await ssh(['hearth.ws', 'sha256sum'], input);
    assert.equal(summed.code, 0, summed.stderr);
    assert.equal(summed.stdout.toString().split(' ')[0], digest);
    const echoed = await ssh(['hearth.ws', 'cat'], input);
    assert.equal(createHash('sha256').update(echoed.bytes).digest('hex'), digest);
  });

  it('copies with scp both ways and lists with sftp', async () => {
    const local = join(dir, 'upload.bin');
    const content = randomBytes(3 * 1024 * 1024);
    await writeFile(local, content);
    const up = await run('scp', ['-F', sshConfig, '-o', 'BatchMode=yes', local, 'hearth.ws:uploaded.bin']);
    assert.equal(up.code, 0, up.stderr);
    const down = await run('scp', [
      '-F',
      sshConfig,
      '-o',
      'BatchMode=yes',
      'hearth.ws:uploaded.bin',
      `${local}.back`,
    ]);
    assert.equal(down.code, 0, down.stderr);
    assert.ok((await readFile(`${local}.back`)).equals(content));
    const listing = await run(
      'sftp',
      ['-F', sshConfig, '-o', 'BatchMode=yes', '-b', '-', 'hearth.ws'],
      'ls -1\n',
    );
    assert.equal(listing.code, 0, listing.stderr);
    assert.match(listing.stdout.toString(), /uploaded\.bin/);
  });

  it('syncs a directory tree with rsync over ssh, sending only what changed on the second run', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'sub', 'deeper'), { recursive: true });
    await writeFile(join(tree, 'a.txt'), 'alpha\n');
    await writeFile(join(tree, 'sub', 'b.bin'), randomBytes(1024 * 1024));
    await writeFile(join(tree, 'sub', 'deeper', 'c.txt'), 'gamma\n');
    const rsync = (from: string, to: string) =>
      run('rsync', ['-a', '--stats', '-e', `ssh -F ${sshConfig} -o BatchMode=yes`, from, to]);
    const first = await rsync(`${tree}/`, 'hearth.ws:synced/');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout.toString(), /Number of regular files transferred: 3/);
    await writeFile(join(tree, 'a.txt'), 'alpha, changed\n');
    const second = await rsync(`${tree}/`, 'hearth.ws:synced/');
    assert.match(second.stdout.toString(), /Number of regular files transferred: 1\n/);
    const back = join(dir, 'tree-back');
    const down = await rsync('hearth.ws:synced/', `${back}/`);
    assert.equal(down.code, 0, down.stderr);
    const sums = await run('sh', ['-c', `cd ${tree} && find . -type f | sort | xargs sha256sum`]);
    const backSums = await run('sh', ['-c', `cd ${back} && find . -type f | sort | xargs sha256sum`]);
    assert.equal(backSums.stdout.toString(), sums.stdout.toString());
    assert.match(sums.stdout.toString(), /deeper\/c\.txt/);
  });

  it('forwards a local port to a server on the workspace loopback (ssh -L)', async () => {
    // git daemon is the TCP server the demo image has; git on this machine is the client.
    const daemon = await ssh([
      'hearth.ws',
      'mkdir -p repos && git init -q --bare repos/r.git && git --git-dir=repos/r.git symbolic-ref HEAD refs/heads/main && git daemon --reuseaddr --listen=127.0.0.1 --port=9418 --base-path="$HOME/repos" --export-all --enable=receive-pack --detach --pid-file="$HOME/git-daemon.pid"',
    ]);
    assert.equal(daemon.code, 0, daemon.stderr);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const forward = spawn(
      'ssh',
      ['-F', sshConfig, '-o', 'BatchMode=yes', '-N', '-L', `${port}:localhost:9418`, 'hearth.ws'],
      {
        env,
        stdio: 'ignore',
      },
    );
    try {
      const repo = `git://127.0.0.1:${port}/r.git`;
      let listed: Run | undefined;
      for (let i = 0; i < 50 && listed?.code !== 0; i++) {
        await sleep(200);
        listed = await run('git', ['ls-remote', repo]);
      }
      assert.equal(listed?.code, 0, listed?.stderr);
      const work = join(dir, 'clone');
      assert.equal((await run('git', ['clone', '-q', repo, work])).code, 0);
      const push = await run('sh', [
        '-c',
        `cd ${work} && git -c user.email=a@example.com -c user.name=a commit -q --allow-empty -m first && git push -q origin HEAD:main`,
      ]);
      assert.equal(push.code, 0, push.stderr);
      const remote = await ssh(['hearth.ws', 'git --git-dir=repos/r.git log --format=%s main']);
      assert.equal(remote.stdout.toString(), 'first\n');
    } finally {
      forward.kill();
    }
  });

  for (const [what, command] of [
    ['ssh -tt', () => `ssh -F ${sshConfig} -tt hearth.ws 'export PS1="$ "; exec bash --norc -i'`],
    ['hearth ssh', () => `${process.execPath} ${MAIN} ssh ws`],
  ] as const) {
    it(`gives ${what} a terminal whose size follows the window`, async () => {
      const socket = join(dir, 'tmux.sock');
      const tmux = (...args: string[]) => run('tmux', ['-S', socket, ...args]);
      const screen = async () => (await tmux('capture-pane', '-p', '-t', 'term')).stdout.toString();
      const waitFor = async (re: RegExp) => {
        for (let i = 0; i < 100; i++) {
          if (re.test(await screen())) return;
          await sleep(100);
        }
        assert.fail(`terminal never showed ${re}:\n${await screen()}`);
      };
      const started = await tmux('new-session', '-d', '-s', 'term', '-x', '100', '-y', '30', command());
      assert.equal(started.code, 0, started.stderr);
      try {
        await waitFor(/\$ ?$/m);
        await tmux('send-keys', '-t', 'term', 'tty; stty size', 'Enter');
        await waitFor(/^30 100$/m);
        assert.match(await screen(), /^\/dev\/pts\/\d+$/m);
        await tmux('resize-window', '-t', 'term', '-x', '120', '-y', '40');
        await sleep(300);
        await tmux('send-keys', '-t', 'term', 'clear; stty size', 'Enter');
        await waitFor(/^40 120$/m);
      } finally {
        await tmux('kill-server');
      }
    });
  }

  it('completes 50 concurrent sessions to one workspace', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => ssh(['hearth.ws', `echo session-${i}`])),
    );
    results.forEach((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.toString(), `session-${i}\n`);
    });
  });

  it('runs hearth ssh NAME -- CMD with stdio and exit code, without OpenSSH', async () => {
    const result = await hearth(['ssh', 'ws', '--', 'cat; echo done >&2; exit 5'], 'piped\n');
    assert.equal(result.code, 5, result.stderr);
    assert.equal(result.stdout.toString(), 'piped\n');
    assert.equal(result.stderr, 'done\n');
  });

  it('keeps the boundaries of several arguments after --, as hearth exec does', async () => {
    const result = await hearth(['ssh', 'ws', '--', 'sh', '-c', 'echo out; echo "$1"', 'sh', "it's $HOME"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.toString(), "out\nit's $HOME\n");
  });

  it('refuses another member and a revoked token', async () => {
    await ok(['users', 'create', 'bob', '--email', 'b@example.com', '--password-stdin'], PASSWORD);
    const bobEnv = { HEARTH_CONFIG_DIR: join(dir, 'bob') };
    const login = await hearth(['login', url, '--username', 'bob', '--password-stdin'], PASSWORD, bobEnv);
    assert.equal(login.code, 0, login.stderr);
    const proxy = `ProxyCommand=${process.execPath} ${MAIN} ssh --stdio alice/ws`;
    const bob = await ssh(['-o', proxy, '-o', 'StrictHostKeyChecking=no', 'x', 'true'], '', bobEnv);
    assert.equal(bob.code, 255);
    assert.match(bob.stderr, /no workspace named alice\/ws/);

    const token = (await ok(['tokens', 'create', 'gone'])).stdout.toString().trim();
    const tokens = JSON.parse((await ok(['tokens', 'list', '-o', 'json'])).stdout.toString());
    await ok(['tokens', 'revoke', tokens.find((t: { name: string }) => t.name === 'gone').id]);
    const revoked = await ssh(['hearth.ws', 'true'], '', { HEARTH_TOKEN: token });
    assert.equal(revoked.code, 255);
    assert.match(revoked.stderr, /error: /);
  });

  it('connects to a stopped workspace only with --start, which rebuilds it first', async () => {
    await ok(['stop', 'ws', '--wait']);
    const refused = await hearth(['ssh', 'ws', '--', 'true']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /workspace ws is stopped/);
    assert.match(refused.stderr, /hearth ssh ws --start/);
    const started = await hearth(['ssh', 'ws', '--start', '--', 'cat uploaded.bin | wc -c']);
    assert.equal(started.code, 0, started.stderr);
    assert.equal(started.stdout.toString().trim(), String(3 * 1024 * 1024));
    assert.match(started.stderr, /Workspace ws is running/);
  });
});
