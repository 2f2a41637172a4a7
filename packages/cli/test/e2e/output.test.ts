/**
 * How the CLI behaves as a process, before it talks to any server: output into a pipe whose
 * reader has gone, usage errors.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { MAIN, run } from '../support/e2e.js';

/** Runs the CLI with its stdout a pipe that is already closed at the reading end. */
function runIntoClosedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that closes early', () => {
  for (const args of [['--help'], ['--version'], ['exec', '--help'], ['server', '--help']]) {
    it(`hearth ${args.join(' ')} into a closed pipe ends quietly with SIGPIPE's status`, async () => {
      const { code, stderr } = await runIntoClosedPipe(args);
      assert.equal(stderr, '', 'nothing on stderr: no EPIPE stack trace');
      assert.equal(code, 141);
    });
  }
});

describe('usage errors', () => {
  it('hearth exec NAME CMD -OPT (without --) suggests --', async () => {
    const result = await run(process.execPath, [MAIN, 'exec', 'api', 'ls', '-la'], {
      PATH: process.env.PATH,
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '-la'/);
    assert.match(result.stderr, /put -- before the command.*hearth exec NAME -- ls -la/);
  });

  it('hearth ssh NAME CMD -OPT (without --) suggests -- too', async () => {
    const result = await run(process.execPath, [MAIN, 'ssh', 'api', 'ls', '-la'], { PATH: process.env.PATH });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '-la'/);
    assert.match(result.stderr, /put -- before the command.*hearth ssh NAME -- ls -la/);
  });
});
