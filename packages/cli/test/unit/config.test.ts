import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  configDir,
  deleteSession,
  normalizeServerUrl,
  readSession,
  resolveTarget,
  sessionPath,
  writeSession,
} from '../../src/config.js';
import { CliError } from '../../src/errors.js';

const session = { url: 'http://127.0.0.1:7080', token: 'hst_secret', username: 'alice' };

describe('session file', () => {
  let root: string;
  let env: Record<string, string>;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hearth-config-'));
    env = { HEARTH_CONFIG_DIR: join(root, 'nested', 'hearth') };
  });
  after(async () => rm(root, { recursive: true, force: true }));

  it('reads nothing before login', async () => {
    assert.equal(await readSession(env), undefined);
  });

  it('writes the session 0600 in a 0700 directory and reads it back', async () => {
    const path = await writeSession(session, env);
    assert.equal(path, join(env.HEARTH_CONFIG_DIR!, 'session.json'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(env.HEARTH_CONFIG_DIR!)).mode & 0o777, 0o700);
    assert.deepEqual(await readSession(env), session);
  });

  it('keeps 0600 when replacing a file that was more open', async () => {
    await writeFile(sessionPath(env), '{}', { mode: 0o644 });
    await writeSession(session, env);
    assert.equal((await stat(sessionPath(env))).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(sessionPath(env), 'utf8')), session);
  });

  it('reports a damaged file with what to do', async () => {
    await writeFile(sessionPath(env), 'not json');
    await assert.rejects(
      readSession(env),
      (err: unknown) => err instanceof CliError && /damaged/.test(err.message),
    );
  });

  it('deletes the file, and says whether there was one', async () => {
    await writeSession(session, env);
    assert.equal(await deleteSession(env), true);
    assert.equal(await deleteSession(env), false);
  });
});

describe('configDir', () => {
  it('prefers HEARTH_CONFIG_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    assert.equal(configDir({ HEARTH_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' }), '/a');
    assert.equal(configDir({ XDG_CONFIG_HOME: '/b' }), '/b/hearth');
    assert.match(configDir({}), /\.config\/hearth$/);
  });
});

describe('resolveTarget', () => {
  it('uses the session file', () => {
    assert.deepEqual(resolveTarget(session, {}), session);
  });

  it('lets HEARTH_URL and HEARTH_TOKEN override it, forgetting a username that belongs to another token', () => {
    const t = resolveTarget(session, { HEARTH_URL: 'http://other:1', HEARTH_TOKEN: 'tok' });
    assert.deepEqual(t, { url: 'http://other:1', token: 'tok', username: undefined });
  });

  it('works from the environment alone', () => {
    assert.equal(resolveTarget(undefined, { HEARTH_URL: 'http://h', HEARTH_TOKEN: 't' }).token, 't');
  });

  it('says how to log in when there is no URL or token', () => {
    assert.throws(
      () => resolveTarget(undefined, { HEARTH_URL: 'http://h' }),
      (err: unknown) =>
        err instanceof CliError && err.message === 'You are not logged in. Run `hearth login URL`.',
    );
  });
});

describe('normalizeServerUrl', () => {
  it('adds http:// and drops trailing slashes', () => {
    assert.equal(normalizeServerUrl('127.0.0.1:7080'), 'http://127.0.0.1:7080');
    assert.equal(normalizeServerUrl('https://hearth.example.com/'), 'https://hearth.example.com');
    assert.equal(normalizeServerUrl('http://h/prefix/'), 'http://h/prefix');
  });

  it('rejects what is not an http(s) URL as a usage error', () => {
    assert.throws(
      () => normalizeServerUrl('ftp://h'),
      (err: unknown) => err instanceof CliError && err.exitCode === 2,
    );
    assert.throws(() => normalizeServerUrl('http://'), CliError);
  });

  it("refuses an API address, naming the server's", () => {
    for (const [input, server] of [
      ['http://127.0.0.1:7080/api/v1', 'http://127.0.0.1:7080'],
      ['127.0.0.1:7080/api/v1/openapi.json', 'http://127.0.0.1:7080'],
      ['https://h/prefix/api/v1/', 'https://h/prefix'],
    ] as const)
      assert.throws(
        () => normalizeServerUrl(input),
        (err: unknown) =>
          err instanceof CliError &&
          err.exitCode === 2 &&
          err.message.endsWith(`not of the server: use ${server}`),
        input,
      );
    assert.equal(normalizeServerUrl('http://h/api-v1'), 'http://h/api-v1', 'only the /api/v1 segment');
  });
});
