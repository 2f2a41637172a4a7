import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  loginShell,
  processOptions,
  shellCommand,
  tcpForwarder,
} from '../../../src/access/workspace-process.js';

const target = {
  workspaceId: 'w1',
  engineId: 'default',
  containerId: 'c1',
  username: 'dev',
  home: '/home/dev',
};

describe('processOptions', () => {
  it('runs as the workspace user in home, with HOME, USER and LOGNAME before the caller’s variables', () => {
    const options = processOptions(target, { cmd: ['true'], env: { LANG: 'C.UTF-8' } });
    assert.equal(options.user, 'dev');
    assert.equal(options.workingDir, '/home/dev');
    assert.deepEqual(options.env, ['HOME=/home/dev', 'USER=dev', 'LOGNAME=dev', 'LANG=C.UTF-8']);
    assert.equal(options.stdin, true);
    assert.equal(options.tty, false);
    assert.equal(options.initialSize, undefined);
    // The user's secrets are sourced inside the container, then the command runs with its arguments intact.
    assert.deepEqual(options.cmd.slice(-1), ['true']);
    assert.match(options.cmd[2]!, /\. \S+; fi; exec "\$@"$/);
  });

  it('passes a terminal size only when both sides are positive', () => {
    assert.deepEqual(
      processOptions(target, { cmd: ['sh'], tty: true, size: { cols: 80, rows: 24 } }).initialSize,
      {
        cols: 80,
        rows: 24,
      },
    );
    assert.equal(
      processOptions(target, { cmd: ['sh'], tty: true, size: { cols: 0, rows: 0 } }).initialSize,
      undefined,
    );
  });
});

describe('commands run in the workspace', () => {
  it('hands the command to the user’s shell as one argument, never spliced into a script', () => {
    const cmd = shellCommand('echo "$HOME"; rm -rf nothing');
    assert.equal(cmd.at(-1), 'echo "$HOME"; rm -rf nothing');
    assert.deepEqual(cmd.slice(-2, -1), ['-c']);
    assert.deepEqual(loginShell().slice(-1), ['-l']);
  });

  it('gives the forwarder its target as arguments', () => {
    const cmd = tcpForwarder('localhost', 3000);
    assert.equal(cmd[0], 'bash');
    assert.deepEqual(cmd.slice(-2), ['localhost', '3000']);
    assert.ok(!cmd[2]!.includes('localhost'));
  });
});
