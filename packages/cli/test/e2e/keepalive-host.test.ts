/**
 * `hearth keepalive` from the user's own machine, as the README shows it: the workspace must be
 * named, and `--pid` returns as soon as the job ends (so `make & hearth keepalive api --pid $!`
 * does not hold the shell a minute longer).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

describe('hearth keepalive on the host', () => {
  let e: E2E;

  before(async () => {
    e = await startE2E('hearth-e2e-keepalive-');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'a@example.com', '--password-stdin'],
      PASSWORD,
    );
    await e.ok(['images', 'add', 'hearth-demo:latest', '--org', 'default']);
    await e.ok(['create', 'api', '--image', 'hearth-demo:latest', '--wait']);
  });
  after(async () => {
    await e.hearth(['delete', 'api', '--yes', '--wait']);
    await e.close();
  });

  it('asks for the name instead of guessing it from the host’s', async () => {
    const result = await e.hearth(['keepalive']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /name the workspace to keep alive: hearth keepalive NAME/);
    assert.doesNotMatch(result.stderr, /no workspace named/);
  });

  it('inside the workspace, even in a login shell, takes that workspace without a name', async () => {
    const inside = await e.hearth(['exec', 'api', '--', 'bash', '-lc', 'hearth keepalive']);
    assert.equal(inside.code, 0, inside.stderr);
    assert.match(inside.stderr, /Kept api alive \(1 ping\)/);
  });

  it('returns promptly once the --pid process exits', async () => {
    const job = spawn('sleep', ['2'], { stdio: 'ignore' });
    const keepalive = e.hearth(['keepalive', 'api', '--pid', String(job.pid)]);
    await once(job, 'exit');
    const ended = Date.now();
    const result = await keepalive;
    const lag = Date.now() - ended;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Kept api alive \(1 ping\)/);
    assert.ok(lag < 3_000, `returned ${lag} ms after the job ended (the ping interval is 60 s)`);
  });
});
