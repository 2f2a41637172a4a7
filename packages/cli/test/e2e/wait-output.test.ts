/**
 * What `--wait` prints, as a user reads it: log lines under their own stage, a personalize warning
 * once, a stop that does not repeat the last build's warning, and `--org` left out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

describe('--wait output', () => {
  let e: E2E;

  before(async () => {
    e = await startE2E('hearth-e2e-wait-');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
  });

  /** Makes `~/personalize` of workspace warn the script `body`. */
  const personalize = (body: string) =>
    e.ok([
      'exec',
      'warn',
      '--',
      'sh',
      '-c',
      `printf '#!/bin/sh\\n%s\\n' "$1" > personalize; chmod +x personalize`,
      'sh',
      body,
    ]);

  after(async () => {
    await e.hearth(['delete', 'warn', '--yes', '--wait']);
    await e.close();
  });

  it('adds an image without --org when the user has only one org', async () => {
    const added = await e.ok(['images', 'add', 'hearth-demo:latest']);
    assert.match(added.stdout, /Added hearth-demo:latest to default/);
    const checked = await e.ok(['images', 'check']);
    assert.match(checked.stdout, /hearth-demo:latest/);
  });

  it('prints a personalize warning once, every log line under its own stage, and none again on stop', async () => {
    await e.ok(['create', 'warn', '--image', 'hearth-demo:latest', '--wait']);
    await personalize('echo nope-123; exit 3');
    const rebuilt = await e.ok(['rebuild', 'warn', '--wait']);
    const lines = rebuilt.stderr.split('\n');
    assert.equal(
      lines.filter((l) => l.includes('~/personalize exited with code 3')).length,
      1,
      rebuilt.stderr,
    );
    // Every [stage] line follows that stage's own ==> header.
    let stage = '';
    for (const line of lines) {
      const header = /^==> (pull|volume|container|secrets|configure|personalize|apps|ready)\b/.exec(line);
      if (header) stage = header[1]!;
      const logged = /^\[([a-z]+)\] /.exec(line);
      if (logged) assert.equal(logged[1], stage, `${line}\n---\n${rebuilt.stderr}`);
    }
    const stopped = await e.ok(['stop', 'warn', '--wait']);
    assert.doesNotMatch(stopped.stderr, /warning|personalize/, stopped.stderr);
  });

  it('says that the log of a build still running is not all of it, and how to follow the rest', async () => {
    await e.ok(['start', 'warn', '--wait']);
    await personalize('echo slow-456; sleep 600');
    const rebuild = await e.ok(['rebuild', 'warn']);
    const number = /build #(\d+)/.exec(rebuild.stdout + rebuild.stderr)?.[1];
    let logs = await e.ok(['logs', 'warn']);
    for (let i = 0; i < 100 && !logs.stdout.includes('slow-456'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      logs = await e.ok(['logs', 'warn']);
    }
    assert.match(logs.stdout, /slow-456/);
    assert.equal(
      logs.stderr,
      `build #${number} is running: \`hearth logs warn --follow\` prints the rest as it comes\n`,
    );
    await e.ok(['stop', 'warn', '--wait']);
    const ended = await e.ok(['logs', 'warn']);
    assert.equal(ended.stderr, '', 'a build that ended has its whole log');
    const zero = await e.hearth(['logs', 'warn', '--build', '0']);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /expected a build number: 1, 2/);
  });
});
