import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { HearthClient } from '@hearth/sdk';
import { ManualClock } from '../../support/clock.js';
import { addMember, settled, useHearth } from '../../support/hearth.js';
import { waitFor } from '../../support/wait.js';

const CLI = fileURLToPath(new URL('../../../../../cli/dist/src/main.js', import.meta.url));
const MIN = 60_000;
const TICK = 30_000;

describe('auto-off', () => {
  const clock = new ManualClock();
  const t = useHearth({ clock });
  const tick = () => t.hearth.server.executor.tick();
  const show = async (name: string) => (await t.alice.get(`/users/me/workspaces/${name}`)).body;

  /** Creates a running workspace whose idle time starts now (its build just finished). */
  async function running(name: string) {
    const ws = (await t.alice.post('/workspaces', { name, image: 'hearth-demo:latest' })).body;
    t.created.add(ws.id);
    await settled(t.alice, 'me', name);
    await t.hearth.server.activity.settle();
    return show(name);
  }

  it('rejects bad policies and changes nothing: -5m, banana, 30s', async () => {
    const before = (await t.alice.get('/orgs/default/policy')).body;
    assert.equal(before.autoOff, '0');
    for (const autoOff of ['-5m', 'banana', '30s']) {
      const answer = await t.alice.patch('/orgs/default/policy', { autoOff });
      assert.equal(answer.status, 400, autoOff);
      assert.equal(answer.body.code, 'invalid_input');
      assert.match(answer.body.message, /auto-off/);
    }
    const days = await t.alice.patch('/orgs/default/policy', { autostartDays: '' });
    assert.equal(days.status, 400);
    assert.deepEqual((await t.alice.get('/orgs/default/policy')).body, before);
  });

  it('stops an idle workspace at its threshold, within one tick, after a warning clients can show', async () => {
    const policy = await t.alice.patch('/orgs/default/policy', { autoOff: '1h' });
    assert.equal(policy.body.autoOff, '1h');
    const ws = await running('idle');
    assert.equal(Date.parse(ws.lifecycle.autoOffAt) - Date.parse(ws.lifecycle.lastActivityAt), 60 * MIN);

    clock.advance(40 * MIN);
    await tick();
    assert.equal((await show('idle')).lifecycle.autoOffWarning, null);

    clock.advance(10 * MIN);
    await tick();
    const warned = await show('idle');
    assert.match(warned.lifecycle.autoOffWarning, /will be stopped for inactivity.*hearth keepalive idle/);

    clock.advance(10 * MIN - TICK);
    await tick();
    assert.equal((await show('idle')).state, 'running');

    clock.advance(TICK);
    const report = await tick();
    assert.deepEqual(
      report.actions.filter((a) => a.kind === 'auto_off').map((a) => a.workspaceId),
      [ws.id],
    );
    const stopped = await settled(t.alice, 'me', 'idle');
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.stateReason.code, 'auto_off');
    assert.equal(stopped.stateReason.actor, 'system');
    assert.match(stopped.stateReason.message, /auto-off after 1h without activity/);
    assert.equal(stopped.lifecycle.autoOffAt, null);
  });

  it('keeps a workspace with an open exec session running, and stops it once the session has ended', async () => {
    await running('busy');
    const client = new HearthClient({ url: t.hearth.server.url, token: t.alice.token! });
    const stdin = new PassThrough();
    const session = client.exec(
      'me',
      'busy',
      { cmd: ['cat'], stdin: true },
      { stdin, stdout: new PassThrough(), stderr: new PassThrough() },
    );
    await waitFor(
      'the session to count',
      async () => t.hearth.server.activity.openSessions((await show('busy')).id) === 1 || undefined,
    );

    clock.advance(3 * 60 * MIN);
    const report = await tick();
    assert.ok(report.actions.some((a) => a.kind === 'keep_alive'));
    assert.equal((await show('busy')).state, 'running');

    stdin.end();
    assert.equal(await session, 0);
    clock.advance(30 * MIN);
    await tick();
    assert.equal((await show('busy')).state, 'running', 'idle time counts from when the session ended');
    clock.advance(30 * MIN);
    await tick();
    assert.equal((await settled(t.alice, 'me', 'busy')).stateReason.code, 'auto_off');
  });

  it('counts a keepalive as activity, even when its write was coalesced', async () => {
    await running('kept');
    clock.advance(50 * MIN);
    assert.equal((await t.alice.post('/users/me/workspaces/kept/keepalive')).status, 200);
    clock.advance(10 * MIN);
    await tick();
    // Within 30 s of the previous write the ping is only in memory; the executor re-checks it.
    clock.advance(5 * MIN);
    assert.equal((await show('kept')).state, 'running');
    await tick();
    assert.equal((await show('kept')).state, 'running');
    clock.advance(60 * MIN);
    await tick();
    assert.equal((await settled(t.alice, 'me', 'kept')).stateReason.code, 'auto_off');
  });

  it('keeps a workspace alive while the process given to `hearth keepalive --pid` runs', async () => {
    const ws = await running('job');
    const job = spawn('sleep', ['300'], { stdio: 'ignore' });
    const cli = spawn(
      process.execPath,
      [CLI, 'keepalive', 'job', '--pid', String(job.pid), '--interval', '1s'],
      {
        env: { PATH: process.env.PATH, HEARTH_URL: t.hearth.server.url, HEARTH_TOKEN: t.alice.token },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    cli.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    const pinged = () =>
      waitFor(
        'a keepalive ping',
        async () =>
          (t.hearth.server.activity.lastSeen(ws.id)?.getTime() ?? 0) >= clock.now().getTime() || undefined,
      );

    clock.advance(3 * 60 * MIN);
    await pinged();
    clock.advance(MIN);
    await pinged();
    await tick();
    assert.equal((await show('job')).state, 'running');

    job.kill();
    const [code] = await once(cli, 'exit');
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Kept job alive \([2-9]\d* pings\)/);
    clock.advance(60 * MIN);
    await tick();
    assert.equal((await settled(t.alice, 'me', 'job')).stateReason.code, 'auto_off');
  });

  it('lets owners choose a shorter auto-off only when the org allows it, and applies policy changes at once', async () => {
    const ws = await running('short');
    const refused = await t.alice.patch('/users/me/workspaces/short/lifecycle', { autoOff: 'banana' });
    assert.equal(refused.status, 400);
    const own = await t.alice.patch('/users/me/workspaces/short/lifecycle', { autoOff: '10m' });
    assert.equal(own.body.lifecycle.autoOff, '10m');
    assert.equal(
      own.body.lifecycle.autoOffAt,
      ws.lifecycle.autoOffAt,
      'not allowed yet: the org value holds',
    );
    await t.alice.patch('/orgs/default/policy', { userOverride: true });
    const allowed = await show('short');
    assert.equal(
      Date.parse(allowed.lifecycle.autoOffAt) - Date.parse(allowed.lifecycle.lastActivityAt),
      10 * MIN,
    );
    await t.alice.patch('/orgs/default/policy', { autoOff: '0', userOverride: false });
    assert.equal((await show('short')).lifecycle.autoOffAt, null);
    clock.advance(24 * 60 * MIN);
    await tick();
    assert.equal((await show('short')).state, 'running');
  });

  it('says what applies when the own auto-off is longer than the org allows; never means never, default clears', async () => {
    await t.alice.patch('/orgs/default/policy', { autoOff: '2h', userOverride: true });
    await running('long');
    const own = await t.alice.patch('/users/me/workspaces/long/lifecycle', { autoOff: '8h' });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    const l = own.body.lifecycle;
    assert.equal(l.autoOff, '8h');
    assert.equal(l.autoOffInForce, '2h');
    assert.match(
      l.autoOffNote,
      /your own auto-off \(8h\) is longer than org default's maximum of 2h, so 2h applies/,
    );
    assert.equal(Date.parse(l.autoOffAt) - Date.parse(l.lastActivityAt), 120 * MIN, 'the true deadline');

    const neverAnswer = await t.alice.patch('/users/me/workspaces/long/lifecycle', { autoOff: 'never' });
    assert.equal(neverAnswer.status, 200, JSON.stringify(neverAnswer.body));
    const never = neverAnswer.body.lifecycle;
    assert.equal(never.autoOff, 'never', '0 and never mean never, not "cleared"');
    assert.equal(never.autoOffInForce, '2h');
    const zero = (await t.alice.patch('/users/me/workspaces/long/lifecycle', { autoOff: '0' })).body
      .lifecycle;
    assert.equal(zero.autoOff, 'never');
    const clearedAnswer = await t.alice.patch('/users/me/workspaces/long/lifecycle', { autoOff: null });
    assert.equal(clearedAnswer.status, 200, JSON.stringify(clearedAnswer.body));
    const cleared = clearedAnswer.body.lifecycle;
    assert.equal(cleared.autoOff, null);
    assert.equal(cleared.autoOffNote, null);
    await t.alice.patch('/orgs/default/policy', { autoOff: 'never', userOverride: false });
    assert.equal((await show('long')).lifecycle.autoOffInForce, 'never');
  });

  it('reports executor counters to site admins only', async () => {
    const stats = (await t.alice.get('/admin/executor')).body;
    assert.ok(stats.ticks >= 8);
    assert.ok(stats.actions.auto_off >= 3);
    assert.ok(stats.actions.warn_auto_off >= 1);
    assert.equal(stats.errors, 0);
    assert.equal(typeof stats.lastTickMs, 'number');
    const bob = await addMember(t.alice, 'bob');
    assert.equal((await bob.get('/admin/executor')).status, 403);
  });
});

describe('auto-start', () => {
  const clock = new ManualClock(Date.parse('2026-03-27T12:00:00Z'));
  const t = useHearth({ clock });
  const tick = () => t.hearth.server.executor.tick();

  it('refuses bad schedules with clear errors and keeps the previous one', async () => {
    const good = await t.alice.put('/users/me/autostart', {
      time: '08:30',
      timezone: 'Europe/Berlin',
      days: 'mon-fri',
    });
    assert.equal(good.status, 200);
    const cases: [Record<string, string>, RegExp][] = [
      [{ time: '08:30', timezone: 'Mars/Olympus' }, /IANA time zone/],
      [{ time: '25:00', timezone: 'Europe/Berlin' }, /HH:MM/],
      [{ time: '08:30', timezone: 'Europe/Berlin', days: '' }, /weekdays/],
    ];
    for (const [body, message] of cases) {
      const answer = await t.alice.put('/users/me/autostart', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.message, message);
    }
    assert.deepEqual((await t.alice.get('/users/me/autostart')).body.schedule, good.body);
  });

  it('rebuilds opted-in stopped workspaces at 08:30 Berlin after spring forward, leaving running ones alone', async () => {
    // Friday 2026-03-27 13:00 Berlin; the clocks change on Sunday the 29th.
    const schedule = (await t.alice.put('/users/me/autostart', { time: '08:30', timezone: 'Europe/Berlin' }))
      .body;
    assert.equal(schedule.nextFireAt, '2026-03-28T07:30:00.000Z');
    const sleeper = (
      await t.alice.post('/workspaces', { name: 'sleeper', image: 'hearth-demo:latest', autostart: true })
    ).body;
    const awake = (
      await t.alice.post('/workspaces', { name: 'awake', image: 'hearth-demo:latest', autostart: true })
    ).body;
    const manual = (await t.alice.post('/workspaces', { name: 'manual', image: 'hearth-demo:latest' })).body;
    for (const ws of [sleeper, awake, manual]) t.created.add(ws.id);
    for (const name of ['sleeper', 'awake', 'manual']) await settled(t.alice, 'me', name);
    await t.alice.post('/users/me/workspaces/sleeper/stop');
    await t.alice.post('/users/me/workspaces/manual/stop');
    await settled(t.alice, 'me', 'sleeper');
    await settled(t.alice, 'me', 'manual');

    // Saturday: fires at 07:30Z (UTC+1).
    clock.advance(Date.parse('2026-03-28T07:30:00Z') - clock.now().getTime());
    const saturday = await tick();
    assert.deepEqual(
      saturday.actions.map((a) => [a.workspaceId, a.kind]),
      [[sleeper.id, 'autostart']],
    );
    const started = await settled(t.alice, 'me', 'sleeper');
    assert.equal(started.state, 'running');
    assert.equal(started.lastBuild.reason, 'autostart');
    assert.equal(started.lastBuild.initiator, 'system');
    assert.equal((await t.alice.get('/users/me/workspaces/manual')).body.state, 'stopped');
    assert.equal(
      (await t.alice.get('/users/me/autostart')).body.schedule.nextFireAt,
      '2026-03-29T06:30:00.000Z',
    );

    // Sunday after the switch: 08:30 is 06:30Z (UTC+2); not a minute earlier (beyond ready-by).
    await t.alice.post('/users/me/workspaces/sleeper/stop');
    await settled(t.alice, 'me', 'sleeper');
    clock.advance(Date.parse('2026-03-29T06:25:00Z') - clock.now().getTime());
    assert.equal((await tick()).actions.length, 0);
    clock.advance(5 * MIN);
    assert.deepEqual(
      (await tick()).actions.map((a) => a.kind),
      ['autostart'],
    );
    assert.equal((await settled(t.alice, 'me', 'sleeper')).state, 'running');
    // It fires once per firing.
    await t.alice.post('/users/me/workspaces/sleeper/stop');
    await settled(t.alice, 'me', 'sleeper');
    clock.advance(TICK);
    assert.equal((await tick()).actions.length, 0);
  });

  it('skips workspaces unused for longer than the org allows, and firings the server missed', async () => {
    // Nobody used sleeper since its build on Sunday 06:30Z; the org now allows 1 day.
    await t.alice.patch('/orgs/default/policy', { skipUnusedDays: 1 });
    clock.advance(Date.parse('2026-03-30T06:31:00Z') - clock.now().getTime());
    const monday = await tick();
    assert.deepEqual(
      monday.actions.map((a) => [a.kind, a.detail]),
      [['skip_autostart', 'unused for more than 1 day']],
    );
    assert.equal((await t.alice.get('/users/me/workspaces/sleeper')).body.state, 'stopped');

    await t.alice.patch('/orgs/default/policy', { skipUnusedDays: 0 });
    clock.advance(Date.parse('2026-04-03T09:00:00Z') - clock.now().getTime());
    const late = await tick();
    assert.match(late.actions[0]!.detail!, /missed the 08:30 start/);
    assert.equal(
      (await t.alice.get('/users/me/autostart')).body.schedule.nextFireAt,
      '2026-04-04T06:30:00.000Z',
    );
  });

  it('turns off per workspace and per user', async () => {
    const off = await t.alice.patch('/users/me/workspaces/sleeper/lifecycle', { autostart: false });
    assert.equal(off.body.lifecycle.autostart, false);
    assert.equal((await t.alice.delete('/users/me/autostart')).status, 204);
    assert.equal((await t.alice.get('/users/me/autostart')).body.schedule, null);
  });
});

describe('auto-start around the autumn switch, ready by the user’s time', () => {
  // Friday 2026-10-23 in Berlin; the clocks go back on Sunday the 25th (03:00 CEST → 02:00 CET).
  const clock = new ManualClock(Date.parse('2026-10-23T12:00:00Z'));
  const t = useHearth({ clock });
  const tick = () => t.hearth.server.executor.tick();
  const at = (iso: string) => clock.advance(Date.parse(iso) - clock.now().getTime());
  const show = async () => (await t.alice.get('/users/me/workspaces/early')).body;

  /** A rebuild that takes three minutes on the server's clock. */
  async function slowRebuild() {
    await t.alice.post('/users/me/workspaces/early/rebuild');
    await waitFor('the build to start', async () => ((await show()).state === 'building' ? true : undefined));
    clock.advance(3 * MIN);
    await settled(t.alice, 'me', 'early');
  }

  it('starts early by its recent build time so it is running at 08:30, before and after the switch', async () => {
    // Given a workspace whose builds take about three minutes, stopped, with an 08:30 Berlin schedule
    const ws = (
      await t.alice.post('/workspaces', { name: 'early', image: 'hearth-demo:latest', autostart: true })
    ).body;
    t.created.add(ws.id);
    await settled(t.alice, 'me', 'early');
    for (let i = 0; i < 3; i++) await slowRebuild();
    const put = await t.alice.put('/users/me/autostart', { time: '08:30', timezone: 'Europe/Berlin' });
    assert.equal(put.body.nextFireAt, '2026-10-24T06:30:00.000Z', 'Saturday 08:30 CEST is 06:30Z');

    for (const [day, fireAt] of [
      ['Saturday, before the switch', '2026-10-24T06:30:00Z'],
      ['Sunday, after the switch', '2026-10-25T07:30:00Z'],
    ] as const) {
      await t.alice.post('/users/me/workspaces/early/stop');
      await settled(t.alice, 'me', 'early');
      const fire = Date.parse(fireAt);
      // When the clock is four minutes before 08:30, nothing is due yet
      at(new Date(fire - 4 * MIN).toISOString());
      assert.equal((await tick()).actions.length, 0, `${day}: not yet at 08:26`);
      // When it is two and a half minutes before, inside the three-minute lead, the build starts
      at(new Date(fire - 2.5 * MIN).toISOString());
      assert.deepEqual(
        (await tick()).actions.map((a) => [a.workspaceId, a.kind]),
        [[ws.id, 'autostart']],
        day,
      );
      // Then the workspace is running before the user's 08:30
      const running = await settled(t.alice, 'me', 'early');
      assert.equal(running.state, 'running', day);
      assert.equal(running.lastBuild.reason, 'autostart');
      assert.ok(clock.now().getTime() < fire, `${day}: running before 08:30`);
      // And each firing happens once
      assert.equal((await tick()).actions.length, 0, `${day}: fires once`);
    }
    // Once Sunday's 08:30 has passed (still without a second start), Monday's is next, at 07:30Z (CET)
    at('2026-10-25T07:31:00Z');
    assert.equal((await tick()).actions.length, 0);
    assert.equal(
      (await t.alice.get('/users/me/autostart')).body.schedule.nextFireAt,
      '2026-10-26T07:30:00.000Z',
    );
  });
});
