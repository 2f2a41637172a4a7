import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { HearthApiError } from '@hearth/sdk';
import { CliError, hintsFor, reportError, UsageError, withWorkspaceHints } from '../../src/errors.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

const apiError = (code: string, status = 409) =>
  new HearthApiError({ status, code, message: `${code} happened` });

describe('reportError', () => {
  it('prints error and hint lines and exits 1 for API errors', () => {
    const out = capture();
    const code = reportError(apiError('setup_done'), out.stream);
    assert.equal(code, 1);
    assert.equal(
      out.text(),
      'error: setup_done happened\nhint: this server is set up already: run `hearth login URL`\n',
    );
  });

  it('exits 2 for an argument the server finds wrong, as for one the CLI does', () => {
    const out = capture();
    const err = new HearthApiError({
      status: 400,
      code: 'invalid_input',
      message: 'memory "2" is below 6MiB',
    });
    assert.equal(reportError(err, out.stream), 2);
    assert.equal(out.text(), 'error: memory "2" is below 6MiB\n');
  });

  it('given a cursor the server refuses, when reported, then it speaks of --cursor, not of HTTP headers', () => {
    const out = capture();
    const err = new HearthApiError({
      status: 400,
      code: 'invalid_cursor',
      message:
        "cursor is not one of this list's: pass the X-Next-Cursor (or Link) of the workspaces page before",
    });
    assert.equal(reportError(err, out.stream), 2, 'a usage error');
    assert.equal(
      out.text(),
      'error: that --cursor is not one this command printed: start again without --cursor, then pass the cursor its last line names, unchanged\n',
    );
  });

  it('exits 2 for usage errors', () => {
    const out = capture();
    assert.equal(reportError(new UsageError('bad'), out.stream), 2);
    assert.equal(out.text(), 'error: bad\n');
  });
});

describe('hints', () => {
  it('suggests starting a stopped workspace by the name the user typed', async () => {
    await assert.rejects(
      withWorkspaceHints('alice/dev', () => Promise.reject(apiError('workspace_stopped'))),
      (err: unknown) => err instanceof CliError && err.hints[0] === 'start it with `hearth start alice/dev`',
    );
  });

  it('names the org of a limit the request is over, when the server says which', () => {
    const err = (detail: unknown) =>
      new HearthApiError({ status: 422, code: 'limit_exceeded', message: 'over', detail });
    assert.match(hintsFor(err({ limit: 'memory', org: 'team' }))[0]!, /^`hearth orgs limits show team`/);
    assert.match(hintsFor(err(undefined))[0]!, /^`hearth orgs limits show ORG`/);
  });

  it('suggests stopping another workspace only for a quota over running workspaces, not a per-workspace maximum', () => {
    const err = (limit: string) =>
      new HearthApiError({
        status: 422,
        code: 'limit_exceeded',
        message: 'over',
        detail: { limit, org: 'team' },
      });
    assert.match(hintsFor(err('memberCpuQuota'))[0]!, /stop another workspace or ask for less$/);
    assert.match(hintsFor(err('memberMemoryQuota'))[0]!, /stop another workspace/);
    for (const limit of ['maxCpu', 'maxMemory', 'maxDisk', 'maxGpus']) {
      const hint = hintsFor(err(limit))[0]!;
      assert.doesNotMatch(hint, /stop another workspace/);
      assert.match(hint, /ask for less, or an org admin raises the limit \(hearth orgs limits set\)$/);
    }
  });

  it('has nothing to add for unknown codes', () => {
    assert.deepEqual(hintsFor(apiError('something_new', 400)), []);
  });
});

describe('hints the server already gave', () => {
  it('are not repeated', () => {
    const err = new HearthApiError({
      status: 409,
      code: 'workspace_stopped',
      message: 'workspace dev is stopped; start it with "hearth start dev" (a rebuild) and try again',
    });
    assert.deepEqual(hintsFor(err, { workspace: 'dev' }), []);
  });
});
