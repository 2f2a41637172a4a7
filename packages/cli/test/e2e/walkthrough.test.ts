/**
 * The README's walk-through, as a new user types it: the real `hearth` CLI against a real
 * `hearth server` and the real Docker engine.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, type Run, run, startE2E } from '../support/e2e.js';

describe('the README walk-through, end to end', () => {
  let e: E2E;
  let dir: string;
  let url: string;
  const hearth = (args: string[], input?: string): Promise<Run> => e.hearth(args, input);
  const ok = (args: string[], input?: string): Promise<Run> => e.ok(args, input);

  before(async () => {
    e = await startE2E('hearth-e2e-');
    ({ dir, url } = e);
  });

  after(async () => {
    await hearth(['delete', 'api', '--yes', '--wait']);
    await e.close();
  });

  it('sets up the first user, who becomes site admin of org default, and logs in', async () => {
    const setup = await ok(
      ['setup', url, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    assert.match(setup.stdout, /Welcome to Hearth, alice/);
    const session = await stat(join(dir, 'config', 'session.json'));
    assert.equal(session.mode & 0o777, 0o600, 'the session file is private');
    const wrong = await hearth(
      ['login', url, '--username', 'alice', '--password-stdin'],
      'not the password\n',
    );
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /wrong username or password/);
    await ok(['login', url, '--username', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    const whoami = await ok(['whoami', '-o', 'json']);
    assert.equal(JSON.parse(whoami.stdout).username, 'alice');
  });

  it('adds the demo image and creates a workspace whose build log shows every stage with timings', async () => {
    await ok([
      'images',
      'add',
      'hearth-demo:latest',
      '--org',
      'default',
      '--default-cpu',
      '2',
      '--default-memory',
      '2GiB',
      '--default-disk',
      '10GiB',
    ]);
    const root = await hearth(['images', 'add', 'hearth-test-root:latest', '--org', 'default']);
    assert.equal(root.code, 1);
    assert.match(root.stderr, /runs as root/);
    await ok(['create', 'api', '--image', 'hearth-demo:latest', '--cpu', '1', '--memory', '1GiB']);
    const logs = await ok(['logs', 'api', '--follow']);
    for (const stage of ['pull', 'volume', 'container', 'ready'])
      assert.match(logs.stdout, new RegExp(`^${stage}\\s+succeeded\\s+(\\d+ms|\\d+(\\.\\d)?s)$`, 'm'));
    assert.match(logs.stdout, /build #1 succeeded/);
    // The demo image has no python3: the empty list's example must not promise it.
    const ports = await ok(['ports', 'api']);
    assert.match(
      ports.stdout,
      /^Nothing listens in api yet; .*python3 -m http\.server 3000, where the image has python3/,
    );
  });

  it('rebuilds with new resources and keeps only the home directory', async () => {
    await ok([
      'exec',
      'api',
      '--',
      'sh',
      '-c',
      'echo keep > ~/keep; echo gone > /tmp/gone; sudo touch /etc/gone',
    ]);
    const rebuild = await ok(['rebuild', 'api', '--cpu', '2', '--memory', '3GiB', '--wait']);
    assert.match(rebuild.stderr, /running/);
    const keep = await ok(['exec', 'api', '--', 'cat', 'keep']);
    assert.equal(keep.stdout, 'keep\n');
    const gone = await hearth(['exec', 'api', '--', 'ls', '/tmp/gone', '/etc/gone']);
    assert.equal(gone.code, 2, 'ls exits 2 for missing files, and the code passes through');
    assert.match(gone.stderr, /cannot access '\/tmp\/gone'/);
    assert.match(gone.stderr, /cannot access '\/etc\/gone'/);
    const echo = await ok(['exec', 'api', '--', 'sh', '-c', 'cat; echo done >&2'], 'from stdin\n');
    assert.equal(echo.stdout, 'from stdin\n');
    assert.equal(echo.stderr, 'done\n');
  });

  it('stops, refuses exec with a clear error while stopped, and starts again', async () => {
    await ok(['stop', 'api', '--wait']);
    const refused = await hearth(['exec', 'api', '--', 'true']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /workspace api is stopped; start it with "hearth start api"/);
    await ok(['start', 'api', '--wait']);
    assert.equal((await ok(['exec', 'api', '--', 'cat', 'keep'])).stdout, 'keep\n');
  });

  it('lists and shows the workspace as JSON with its state, reason, resources and last build', async () => {
    const list = JSON.parse((await ok(['list', '-o', 'json'])).stdout);
    assert.equal(list.length, 1);
    const ws = list[0];
    assert.equal(ws.name, 'api');
    assert.equal(ws.owner, 'alice');
    assert.equal(ws.org, 'default');
    assert.equal(ws.state, 'running');
    assert.equal(ws.image, 'hearth-demo:latest');
    assert.match(ws.imageDigest, /^sha256:/);
    assert.deepEqual(ws.resources, { cpu: 2, memory: 3 * 2 ** 30, disk: 10 * 2 ** 30, gpus: 0 });
    assert.equal(ws.lastBuild.number, 3);
    assert.equal(ws.lastBuild.reason, 'start');
    assert.deepEqual(
      ws.lastBuild.stages.map((s: { name: string }) => s.name),
      ['pull', 'volume', 'container', 'secrets', 'configure', 'personalize', 'apps', 'ready'],
    );
    assert.equal(ws.stateReason.code, 'build_succeeded');
    const show = await ok(['show', 'api']);
    assert.match(show.stdout, /State:\s+running/);
  });

  it('sets auto-off and auto-start (Lifecycle), refusing bad input with clear errors', async () => {
    for (const [args, message] of [
      [['orgs', 'policy', 'set', 'default', '--auto-off', 'banana'], /auto-off "banana" is not a duration/],
      [['orgs', 'policy', 'set', 'default', '--auto-off=-5m'], /auto-off "-5m" is not a duration/],
      [['autostart', 'set', '25:00', '--tz', 'Europe/Berlin'], /time "25:00" is not a time of day/],
      [['autostart', 'set', '08:30', '--tz', 'Mars/Olympus'], /not an IANA time zone/],
      [['autostart', 'set', '08:30', '--tz', 'Europe/Berlin', '--days', ''], /not a list of weekdays/],
      [['keepalive', 'api', '--for', 'soon'], /--for "soon" is not a duration/],
    ] as const) {
      const run = await hearth([...args]);
      assert.notEqual(run.code, 0, args.join(' '));
      assert.match(run.stderr, message);
    }
    assert.match((await ok(['orgs', 'policy', 'show', 'default'])).stdout, /default\s+never\s+no/);
    assert.equal(
      (await ok(['autostart', 'show'])).stdout,
      'Auto-start is off.\nOpted in: none (hearth autostart on NAME opts a workspace in)\n',
    );

    await ok(['orgs', 'policy', 'set', 'default', '--auto-off', '2h', '--user-override']);
    const set = await ok(['autostart', 'set', '08:30', '--tz', 'Europe/Berlin', '--days', 'mon-fri']);
    assert.match(set.stdout, /Auto-start at 08:30 Europe\/Berlin on mon,tue,wed,thu,fri; next: /);
    await ok(['autostart', 'on', 'api']);
    await ok(['keepalive', 'api']);
    const show = (await ok(['show', 'api'])).stdout;
    assert.match(show, /^Auto-off: +\S+ \(in (1h5\dm|2h00m), after 2h idle\)$/m);
    assert.match(show, /^Auto-start: +on/m);
    assert.match((await ok(['autostart', 'show'])).stdout, /^Opted in: api /m);
    assert.match((await ok(['list'])).stdout, /AUTO-OFF\s+AUTO-START/);
    assert.match((await ok(['list'])).stdout, /^api\s.*\son\s/m);
    assert.match((await ok(['admin', 'executor'])).stdout, /ticks/);
    await ok(['orgs', 'policy', 'set', 'default', '--auto-off', '0']);
  });

  it('personalizes with dotfiles and injects secrets and the CLI, all through the CLI', async () => {
    await ok([
      'exec',
      'api',
      '--',
      'sh',
      '-c',
      [
        'set -e',
        'git init -q --bare -b main ~/repos/dots.git',
        'git init -q -b main ~/src/dots && cd ~/src/dots',
        `printf '#!/bin/sh\\necho "greeting is $GREETING"\\necho "$GREETING" > ~/greeting\\n' > install.sh`,
        'chmod +x install.sh',
        'git add -A && git -c user.name=t -c user.email=t@example.com commit -qm dots',
        'git push -q ~/repos/dots.git main',
      ].join('\n'),
    ]);
    await ok(['dotfiles', 'set', 'file:///home/dev/repos/dots.git']);
    assert.equal((await ok(['dotfiles', 'show'])).stdout, 'file:///home/dev/repos/dots.git\n');
    await ok(['secrets', 'set', 'GREETING'], 'hello-from-a-secret\n');
    assert.match((await ok(['secrets', 'list'])).stdout, /^GREETING\s+env\s+/m);
    assert.match((await ok(['gitssh', 'show'])).stdout, /^ssh-ed25519 AAAA\S+ hearth:alice\n$/);

    await ok(['rebuild', 'api', '--wait']);
    assert.equal((await ok(['exec', 'api', '--', 'cat', 'greeting'])).stdout, 'hello-from-a-secret\n');
    assert.match((await ok(['exec', 'api', '--', 'hearth', 'whoami'])).stdout, /^alice <alice@example\.com>/);
    const logs = await ok(['logs', 'api', '--follow']);
    for (const stage of ['secrets', 'configure', 'personalize'])
      assert.match(logs.stdout, new RegExp(`^${stage}\\s+succeeded\\s+(\\d+ms|\\d+(\\.\\d)?s)$`, 'm'));
    assert.match(logs.stdout, /greeting is \*\*\*/);
    assert.doesNotMatch(logs.stdout, /hello-from-a-secret/);
    const shown = JSON.parse((await ok(['show', 'api', '-o', 'json'])).stdout);
    for (const stage of shown.lastBuild.stages) assert.equal(typeof stage.durationMs, 'number', stage.name);

    await ok(['secrets', 'rm', 'GREETING']);
    await ok(['dotfiles', 'unset']);
    assert.match((await ok(['dotfiles', 'show'])).stdout, /No dotfiles set/);
  });

  it('deletes only with --yes, and only then removes the home volume', async () => {
    const id = JSON.parse((await ok(['show', 'api', '-o', 'json'])).stdout).id;
    const refused = await hearth(['delete', 'api']);
    assert.equal(refused.code, 2, 'a refusal for want of --yes is a usage error, as for orgs delete');
    assert.match(refused.stderr, /pass --yes/);
    assert.equal(JSON.parse((await ok(['show', 'api', '-o', 'json'])).stdout).state, 'running');
    await ok(['delete', 'api', '--yes', '--wait']);
    const gone = await hearth(['show', 'api']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /no workspace named api/);
    const volume = await run('docker', ['volume', 'inspect', `hearth-home-${id}`], e.env);
    assert.notEqual(volume.code, 0, 'the home volume is gone');
  });
});
