import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUILD_SETTLED,
  BuildProgress,
  buildFailure,
  buildSummary,
  reached,
  STOP_SETTLED,
  stageLine,
} from '../../src/progress.js';
import { aBuild, aStage, aWorkspace } from './fixtures.js';

describe('BuildProgress', () => {
  it('prints the state, the build, and each stage transition once, with durations', () => {
    // Given a wait for build #4
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    const building = (stages = [aStage('pull', 'running')]) =>
      aWorkspace({
        state: 'building',
        stateReason: { code: 'build_started', message: 'build #4 started', actor: 'alice', at: '' },
        lastBuild: aBuild({ number: 4, status: 'running', stages }),
      });

    // When snapshots arrive
    const first = p.push({ event: 'workspace', data: building() });
    const repeat = p.push({ event: 'workspace', data: building() });
    const next = p.push({
      event: 'workspace',
      data: building([aStage('pull', 'succeeded', 1200), aStage('volume', 'running')]),
    });

    // Then each change is printed once
    assert.deepEqual(first.lines, [
      '==> build #4 (rebuild by alice): hearth/dev:bookworm',
      '==> pull',
      '==> building: build #4 started',
    ]);
    assert.deepEqual(repeat.lines, []);
    assert.deepEqual(next.lines, ['==> pull succeeded in 1.2s', '==> volume']);
    assert.equal(next.settled, undefined);
  });

  const running = (stages: ReturnType<typeof aStage>[]) =>
    aWorkspace({ state: 'building', lastBuild: aBuild({ number: 4, status: 'running', stages }) });

  it('prefixes log lines with their stage and skips lines of older builds', () => {
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    p.push({ event: 'workspace', data: running([aStage('configure', 'running')]) });
    const line = (build: number, text: string) =>
      p.push({ event: 'log', data: { build, stage: 'configure', text, ts: '' } }).lines;
    assert.deepEqual(line(4, 'apt-get update\nok'), ['[configure] apt-get update', '[configure] ok']);
    assert.deepEqual(line(3, 'old'), []);
  });

  it('prints a line that arrives before its stage started under that stage, not the one before', () => {
    // Given secrets running, and configure's first line arriving before the snapshot that starts it
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    p.push({
      event: 'workspace',
      data: running([aStage('secrets', 'running'), aStage('configure', 'pending')]),
    });
    const early = p.push({
      event: 'log',
      data: { build: 4, stage: 'configure', text: 'running it', ts: '' },
    });
    const next = p.push({
      event: 'workspace',
      data: running([aStage('secrets', 'succeeded', 5), aStage('configure', 'running')]),
    });
    // Then it is held, and printed right after configure's header
    assert.deepEqual(early.lines, []);
    assert.deepEqual(next.lines, ['==> secrets succeeded in 5ms', '==> configure', '[configure] running it']);
  });

  it('prints the lines of a stage that started and ended between snapshots under its start, before how it ended', () => {
    // Given apps running, and ready's line (and a canceled stage's) arriving before any snapshot shows them
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    p.push({
      event: 'workspace',
      data: running([aStage('apps', 'running'), aStage('secrets', 'pending'), aStage('ready', 'pending')]),
    });
    p.push({ event: 'log', data: { build: 4, stage: 'secrets', text: 'canceled before it ran', ts: '' } });
    p.push({ event: 'log', data: { build: 4, stage: 'ready', text: 'workspace api is running', ts: '' } });
    const next = p.push({
      event: 'workspace',
      data: running([
        aStage('apps', 'succeeded', 3),
        aStage('secrets', 'skipped'),
        aStage('ready', 'succeeded', 0),
      ]),
    });
    // Then each stage's header comes first, its lines next, and how it ended last
    assert.deepEqual(next.lines, [
      '==> apps succeeded in 3ms',
      '==> secrets',
      '[secrets] canceled before it ran',
      '==> secrets skipped',
      '==> ready',
      '[ready] workspace api is running',
      '==> ready succeeded in 0ms',
    ]);
  });

  it('says a warning once: in the log, not again in the stage line or at the end', () => {
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    p.push({ event: 'workspace', data: running([aStage('personalize', 'running')]) });
    const log = p.push({
      event: 'log',
      data: { build: 4, stage: 'personalize', text: 'warning: boom', ts: '' },
    });
    const done = p.push({
      event: 'workspace',
      data: aWorkspace({
        lastBuild: aBuild({
          number: 4,
          status: 'succeeded',
          stages: [{ ...aStage('personalize', 'warning', 2000), error: 'boom' }],
          warnings: ['personalize: boom'],
        }),
      }),
    });
    assert.deepEqual(log.lines, ['[personalize] warning: boom']);
    assert.ok(
      done.lines.every((l) => !l.includes('boom')),
      done.lines.join('\n'),
    );
    assert.equal(p.showedLogOf(4), true, 'so the wait prints no warning: line of its own');
  });

  it('settles on the goal state once the awaited build has finished', () => {
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    const done = aWorkspace({ lastBuild: aBuild({ number: 4, status: 'succeeded' }) });
    assert.equal(p.push({ event: 'workspace', data: done }).settled, done);
  });

  it('reports a queue position when it changes', () => {
    const p = new BuildProgress({ until: BUILD_SETTLED, build: 4 });
    const queued = (queuePosition: number) =>
      aWorkspace({ state: 'pending', lastBuild: aBuild({ number: 4, status: 'queued', queuePosition }) });
    assert.ok(p.push({ event: 'workspace', data: queued(2) }).lines.includes('==> queued at position 2'));
    assert.deepEqual(p.push({ event: 'workspace', data: queued(1) }).lines, ['==> queued at position 1']);
  });
});

describe('BuildProgress without a build to wait for (stop, delete)', () => {
  it('does not replay the stages of a finished build', () => {
    const p = new BuildProgress({ until: STOP_SETTLED });
    const stopping = aWorkspace({
      state: 'stopping',
      stateReason: { code: 'user_stop', message: 'stopped by alice', actor: 'alice', at: '' },
      lastBuild: aBuild({ stages: [aStage('pull', 'succeeded', 10)] }),
    });
    assert.deepEqual(p.push({ event: 'workspace', data: stopping }).lines, [
      '==> stopping: stopped by alice',
    ]);
  });
});

describe('reached', () => {
  it('does not settle on the old container while the new build is queued', () => {
    const ws = aWorkspace({ state: 'running', lastBuild: aBuild({ number: 4, status: 'queued' }) });
    assert.equal(reached({ until: BUILD_SETTLED, build: 4 }, ws), false);
  });

  it('does not settle on an earlier build', () => {
    assert.equal(reached({ until: BUILD_SETTLED, build: 4 }, aWorkspace()), false);
  });

  it('settles a stop on stopped but not on running', () => {
    assert.equal(reached({ until: STOP_SETTLED }, aWorkspace({ state: 'running' })), false);
    assert.equal(reached({ until: STOP_SETTLED }, aWorkspace({ state: 'stopped' })), true);
  });
});

describe('build text', () => {
  it('describes stages', () => {
    assert.equal(stageLine(aStage('pull', 'pending')), undefined);
    assert.equal(stageLine(aStage('secrets', 'skipped')), '==> secrets skipped');
    assert.equal(
      stageLine({ ...aStage('personalize', 'warning', 2000), error: 'no install script' }),
      '==> personalize finished with a warning in 2s',
    );
  });

  it('names the failed stage and the error', () => {
    const failed = aBuild({
      status: 'failed',
      error: 'exit status 1',
      stages: [aStage('pull', 'succeeded', 10), aStage('configure', 'failed', 500)],
    });
    assert.equal(buildFailure(failed), 'build #3 failed at configure: exit status 1');
    assert.equal(buildFailure(null), 'the workspace failed before any build ran');
  });

  it('summarizes a build for the LAST BUILD column', () => {
    assert.equal(buildSummary(aBuild()), '#3 succeeded 4.1s');
    assert.equal(buildSummary(aBuild({ status: 'queued', durationMs: null })), '#3 queued');
    assert.equal(buildSummary(null), '-');
  });
});
