/**
 * Auto-off and SSH as a user meets them: an org with a one-minute auto-off, a session held open
 * through `ssh hearth.ws` (real OpenSSH, through the config-ssh entry), and the server's own clock
 * and executor (ticking every second). Takes a little over two minutes: one-minute auto-off is the
 * shortest the product allows.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

const AUTO_OFF_MS = 60_000;

describe('auto-off and open SSH sessions', () => {
  let e: E2E;
  let sshConfig: string;

  const show = async () => JSON.parse((await e.ok(['show', 'ws', '-o', 'json'])).stdout);

  before(async () => {
    e = await startE2E('hearth-e2e-ssh-auto-off-', { serverArgs: ['--lifecycle-interval', '1s'] });
    sshConfig = join(e.dir, 'ssh_config');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'a@example.com', '--password-stdin'],
      PASSWORD,
    );
    await e.ok(['images', 'add', 'hearth-demo:latest', '--org', 'default']);
    await e.ok(['orgs', 'policy', 'set', 'default', '--auto-off', '1m']);
    await e.ok([
      'create',
      'ws',
      '--image',
      'hearth-demo:latest',
      '--cpu',
      '1',
      '--memory',
      '512MiB',
      '--wait',
    ]);
    await e.ok(['config-ssh', '--ssh-config', sshConfig]);
  });

  after(async () => {
    await e.hearth(['delete', 'ws', '--yes', '--wait']);
    await e.close();
  });

  it('keeps the workspace running while a session is open, and stops it an auto-off after it closes', async () => {
    const session = spawn(
      'ssh',
      ['-F', sshConfig, '-o', 'BatchMode=yes', 'hearth.ws', 'echo open; sleep 600'],
      {
        env: e.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise((resolve) => session.once('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        session.stdout.once('data', () => resolve());
        session.once('exit', (code) => reject(new Error(`ssh exited ${code} before the session opened`)));
      });
      // Past the threshold, counted from before the session opened: only the open session keeps it up.
      await sleep(AUTO_OFF_MS + 15_000);
      const during = await show();
      assert.equal(
        during.state,
        'running',
        `the workspace was stopped under an open session: ${JSON.stringify(during.stateReason)}`,
      );
    } finally {
      session.kill();
      await exited;
    }
    const closedAt = Date.now();
    let ws = await show();
    while (ws.state === 'running' && Date.now() - closedAt < AUTO_OFF_MS + 60_000) {
      await sleep(1000);
      ws = await show();
    }
    assert.notEqual(ws.state, 'running', 'the workspace was never stopped after the session closed');
    assert.equal(ws.stateReason.code, 'auto_off');
    const waited = Date.parse(ws.stateReason.at) - closedAt;
    assert.ok(
      waited >= AUTO_OFF_MS - 2000,
      `stopped ${waited} ms after the session closed, before its auto-off`,
    );
  });
});
