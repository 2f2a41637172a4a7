import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { HearthClient } from '@hearth/sdk';
import { LABELS } from '../../../src/runtime/runtime.js';
import { settled, shell, useHearth } from '../../support/hearth.js';
import { storedBytes } from '../../support/store-reader.js';

const run = promisify(execFile);

describe('the secrets stage', () => {
  const t = useHearth();
  const ENV_SECRET = `env-s3cret-${randomBytes(8).toString('hex')}`;
  const FILE_SECRET = `file-s3cret-${randomBytes(8).toString('hex')}`;
  let ws: { id: string; volumeName?: string };

  before(async () => {
    assert.equal((await t.alice.put('/users/me/secrets/API_KEY', { value: ENV_SECRET })).status, 200);
    assert.equal(
      (await t.alice.put('/users/me/secrets/CERT', { value: FILE_SECRET, file: true })).status,
      200,
    );
    const answer = await t.alice.post('/workspaces', { name: 'sec', image: 'hearth-demo:latest' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    t.created.add(answer.body.id);
    ws = await settled(t.alice, 'me', 'sec');
  });

  const sh = async (script: string, user = '1000:1000') => {
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const result = await shell(t.hearth.runtime, container!.id, script, user);
    assert.equal(result.code, 0, `${script}\n${result.stdout}${result.stderr}`);
    return result.stdout;
  };
  const rebuild = async () => {
    assert.equal((await t.alice.post('/users/me/workspaces/sec/rebuild')).status, 202);
    const done = await settled(t.alice, 'me', 'sec');
    assert.equal(done.state, 'running', done.stateReason.message);
    return done;
  };
  const token = async () => JSON.parse(await sh('cat /run/hearth/user/cli/session.json')).token as string;

  it('lists secret names only', async () => {
    const list = await t.alice.get('/users/me/secrets');
    assert.deepEqual(
      list.body.map((s: { name: string; file: boolean }) => [s.name, s.file]),
      [
        ['API_KEY', false],
        ['CERT', true],
      ],
    );
    assert.ok(!JSON.stringify(list.body).includes('s3cret'));
    assert.equal((await t.alice.put('/users/me/secrets/HEARTH_X', { value: 'x' })).status, 400);
    assert.equal((await t.alice.delete('/users/me/secrets/NOPE')).body.code, 'secret_not_found');
  });

  it('puts the hearth CLI on PATH, logged in as the owner over the unix socket', async () => {
    const whoami = await sh('command -v hearth; hearth whoami');
    assert.match(
      whoami,
      /^\/opt\/hearth\/bin\/hearth\nalice <alice@example\.com> on unix:\/\/\/run\/hearth\/server\/hearth\.sock\n/,
    );
    // The owner is a site admin, but the workspace's token carries none of it, and whoami says so.
    assert.match(
      whoami,
      /\ncredential: the token of workspace \S+, which may only read, keep alive, rebuild or stop it\n/,
    );
    // Login shells (interactive SSH and terminals are) take PATH from the image's /etc/profile, which resets it.
    for (const login of ['bash -lc', 'sh -lc'])
      assert.match(
        await sh(`${login} 'echo "$PATH"; command -v hearth; hearth whoami'`),
        /^\/usr\/local\/bin:\/usr\/bin:[^\n]*\n\/usr\/local\/bin\/hearth\nalice <alice@example\.com> on unix:\/\/\/run\/hearth\/server\/hearth\.sock\n/,
        `${login}: the profile reset PATH, and hearth is still found`,
      );
    assert.equal(
      await sh(
        'stat -c "%a %U" /run/hearth/user /run/hearth/user/cli/session.json; ls -ld /run/hearth | cut -c1-10',
      ),
      '700 dev\n600 dev\ndrwxrwxrwt\n',
    );
  });

  it('revokes the injected token when the next build issues another, and on stop', async () => {
    const first = await token();
    assert.equal((await t.alice.as(first).get('/users/me')).status, 200);
    await rebuild();
    const second = await token();
    assert.notEqual(second, first);
    assert.equal((await t.alice.as(first).get('/users/me')).status, 401);
    assert.equal((await t.alice.as(second).get('/users/me')).status, 200);
    assert.equal((await t.alice.post('/users/me/workspaces/sec/stop')).status, 202);
    assert.equal((await settled(t.alice, 'me', 'sec')).state, 'stopped');
    assert.equal((await t.alice.as(second).get('/users/me')).status, 401);
    await t.alice.post('/users/me/workspaces/sec/start');
    assert.equal((await settled(t.alice, 'me', 'sec')).state, 'running');
  });

  it('makes git use the injected SSH key, and a regenerated key arrives with the next build', async () => {
    const shown = (await t.alice.get('/users/me/gitssh')).body.publicKey as string;
    assert.match(shown, /^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ hearth:alice$/);
    const derived = await sh('ssh-keygen -y -f /run/hearth/user/git/id_ed25519');
    assert.equal(derived.split(' ').slice(0, 2).join(' '), shown.split(' ').slice(0, 2).join(' '));
    assert.equal(await sh('stat -c "%a %U" /run/hearth/user/git/id_ed25519'), '600 dev\n');
    const trace = await sh('GIT_TRACE=1 git ls-remote git@git.invalid:x/y.git 2>&1 || true');
    assert.match(trace, /run_command: .*'ssh -i \/run\/hearth\/user\/git\/id_ed25519 -o IdentitiesOnly=yes'/);

    const regenerated = (await t.alice.post('/users/me/gitssh/regenerate')).body.publicKey as string;
    assert.notEqual(regenerated, shown);
    await rebuild();
    const after = await sh('ssh-keygen -y -f /run/hearth/user/git/id_ed25519');
    assert.equal(after.split(' ')[1], regenerated.split(' ')[1]);
  });

  it('gives exec and hook sessions the secrets, masks them in the build log, and keeps them out of the database and the home', async () => {
    const client = new HearthClient({ url: t.hearth.server.url, token: t.alice.token! });
    const stdout = new PassThrough();
    const out: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    const code = await client.exec(
      'me',
      'sec',
      { cmd: ['sh', '-c', 'echo "$API_KEY"; cat "$HEARTH_SECRETS_DIR/CERT"'] },
      { stdin: undefined, stdout, stderr: new PassThrough() },
    );
    assert.equal(code, 0);
    assert.equal(Buffer.concat(out).toString(), `${ENV_SECRET}\n${FILE_SECRET}`);

    await sh(
      'printf "#!/bin/sh\\necho \\"key is \\$API_KEY\\"\\ncat \\$HEARTH_SECRETS_DIR/CERT; echo\\n" > ~/personalize; chmod +x ~/personalize',
    );
    const built = await rebuild();
    const log = (await t.alice.get(`/users/me/workspaces/sec/builds/${built.lastBuild.number}/logs`))
      .body as string;
    assert.match(log, /\[personalize\] key is \*\*\*/);
    assert.match(log, /\[personalize\] \*\*\*/);
    const tokenNow = await token();
    const privateKey = (await sh('sed -n 2p /run/hearth/user/git/id_ed25519')).trim();
    for (const value of [ENV_SECRET, FILE_SECRET, tokenNow, privateKey]) {
      assert.ok(!log.includes(value), 'the build log holds no secret');
    }

    const db = await storedBytes(t.hearth.dataDir);
    for (const value of [ENV_SECRET, FILE_SECRET, tokenNow, privateKey]) {
      assert.ok(!db.includes(value), 'the database holds no secret in plaintext');
    }
    const home = await sh(
      `grep -rlF -e ${ENV_SECRET} -e ${FILE_SECRET} -e ${tokenNow} -e ${privateKey} ~ || echo clean`,
      'root',
    );
    assert.equal(home, 'clean\n', 'the home volume holds no secret');
  });

  it('leaves nothing of the secrets on the host once the workspace is stopped', async () => {
    const privateKey = (await sh('sed -n 2p /run/hearth/user/git/id_ed25519')).trim();
    assert.equal((await t.alice.post('/users/me/workspaces/sec/stop')).status, 202);
    assert.equal((await settled(t.alice, 'me', 'sec')).state, 'stopped');
    const { stdout } = await run(
      'sh',
      [
        '-c',
        'grep -rlF -e "$1" -e "$2" -e "$3" /var/lib/docker "$4" 2>/dev/null || true',
        'sh',
        ENV_SECRET,
        FILE_SECRET,
        privateKey,
        t.hearth.dataDir,
      ],
      { maxBuffer: 16 * 2 ** 20 },
    );
    assert.equal(stdout, '', `found in: ${stdout}`);
  });
});
