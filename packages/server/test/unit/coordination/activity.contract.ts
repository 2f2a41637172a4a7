/**
 * The contract every {@link Activity} adapter passes (src/ports/activity.ts): session counts,
 * uses seen at once, writes to the store's record (builds and persist at once), forget, settle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { Activity, RecordUse } from '../../../src/ports/activity.js';
import type { Clock } from '../../../src/ports/clock.js';
import type { Logger } from '../../../src/ports/logger.js';
import { ManualClock } from '../../support/clock.js';
import { deferred, quiet, type Timing, until } from './timing.js';

export type MakeActivity = (deps: {
  clock: Clock;
  record: RecordUse;
  logger: Logger;
}) => Activity | Promise<Activity>;

const START = Date.parse('2026-12-01T10:00:00Z');

export function activityContract(name: string, make: MakeActivity, timing: Timing = {}): void {
  /** An adapter over a record that remembers every write (and can be made to fail or hang). */
  async function harness() {
    const clock = new ManualClock(START);
    const writes: { workspaceId: string; lastUse: number | undefined }[] = [];
    const behaviour: { fail?: boolean; hold?: Promise<void> } = {};
    const activity = await make({
      clock,
      logger: pino({ level: 'silent' }),
      record: async (workspaceId, lastUse) => {
        if (behaviour.hold) await behaviour.hold;
        if (behaviour.fail) throw new Error('the store is read-only');
        writes.push({ workspaceId, lastUse: lastUse?.getTime() });
      },
    });
    const lastWrite = (id: string) => writes.filter((w) => w.workspaceId === id).at(-1)?.lastUse;
    return { clock, activity, writes, behaviour, lastWrite };
  }

  describe(`activity contract: ${name}`, () => {
    it('given nothing reported, when asked, then no sessions and no use', async () => {
      const { activity } = await harness();
      assert.deepEqual(await activity.usage('ws-a'), { openSessions: 0, lastSeen: undefined });
    });

    it('given sessions opened and closed, when asked, then they count while open, and a second close changes nothing', async () => {
      const { activity } = await harness();
      const closeSsh = activity.sessionOpened('ws-a', 'ssh');
      const closeTerminal = activity.sessionOpened('ws-a', 'terminal');
      activity.sessionOpened('ws-b', 'exec');
      assert.equal((await activity.usage('ws-a')).openSessions, 2);
      closeSsh();
      closeSsh();
      assert.equal((await activity.usage('ws-a')).openSessions, 1);
      closeTerminal();
      assert.equal((await activity.usage('ws-a')).openSessions, 0);
      assert.equal((await activity.usage('ws-b')).openSessions, 1);
    });

    it('given uses at different times, when asked, then the latest is seen at once', async () => {
      const { clock, activity } = await harness();
      activity.touch('ws-a', 'keepalive');
      assert.equal((await activity.usage('ws-a')).lastSeen?.getTime(), START);
      clock.advance(5_000);
      const close = activity.sessionOpened('ws-a', 'app');
      assert.equal((await activity.usage('ws-a')).lastSeen?.getTime(), START + 5_000);
      clock.advance(7_000);
      close();
      assert.equal(
        (await activity.usage('ws-a')).lastSeen?.getTime(),
        START + 12_000,
        'use lasted until the close',
      );
      assert.equal((await activity.usage('ws-b')).lastSeen, undefined);
    });

    it('given sessions and uses of several workspaces, when asked for all at once, then each answers as it would alone', async () => {
      const { clock, activity } = await harness();
      activity.sessionOpened('ws-a', 'ssh');
      clock.advance(3_000);
      activity.touch('ws-b', 'keepalive');
      const ids = ['ws-a', 'ws-b', 'ws-c'];
      const all = await activity.usages(ids);
      assert.deepEqual([...all.keys()], ids);
      for (const id of ids) assert.deepEqual(all.get(id), await activity.usage(id), id);
      assert.deepEqual(all.get('ws-b'), { openSessions: 0, lastSeen: new Date(START + 3_000) });
      assert.deepEqual(await activity.usages([]), new Map());
    });

    it('given a first use of a workspace, when reported, then it reaches the store', async () => {
      const { activity, lastWrite } = await harness();
      activity.touch('ws-a', 'keepalive');
      await activity.settle();
      await until(timing, 'the use is written', () => lastWrite('ws-a') === START);
    });

    it('given a finished build after other uses, when reported, then it is written at once with its time', async () => {
      const { clock, activity, lastWrite } = await harness();
      activity.touch('ws-a', 'keepalive');
      clock.advance(1_000);
      activity.touch('ws-a', 'keepalive');
      clock.advance(1_000);
      activity.touch('ws-a', 'build');
      await activity.settle();
      await until(timing, 'the build is written', () => lastWrite('ws-a') === START + 2_000);
    });

    it('given sessions open, when persisted later, then now counts as use and is written', async () => {
      const { clock, activity, lastWrite } = await harness();
      activity.sessionOpened('ws-a', 'ssh');
      clock.advance(10 * 60_000);
      await activity.persist('ws-a');
      assert.equal(lastWrite('ws-a'), START + 10 * 60_000);
      assert.equal((await activity.usage('ws-a')).lastSeen?.getTime(), START + 10 * 60_000);
    });

    it('given no session open, when persisted later, then the last use is written, not now', async () => {
      const { clock, activity, lastWrite } = await harness();
      activity.touch('ws-a', 'keepalive');
      clock.advance(10 * 60_000);
      await activity.persist('ws-a');
      assert.equal(lastWrite('ws-a'), START);
    });

    it('given a workspace that is gone, when forgotten, then nothing about it is remembered', async () => {
      const { activity } = await harness();
      activity.sessionOpened('ws-a', 'terminal');
      activity.sessionOpened('ws-b', 'terminal');
      activity.forget('ws-a');
      assert.deepEqual(await activity.usage('ws-a'), { openSessions: 0, lastSeen: undefined });
      assert.equal((await activity.usage('ws-b')).openSessions, 1);
    });

    it('given a write in flight, when settling, then it waits for the write to end', async () => {
      const { activity, behaviour, lastWrite } = await harness();
      const hold = deferred();
      behaviour.hold = hold.promise;
      activity.touch('ws-a', 'build');
      let settled = false;
      const settling = activity.settle().then(() => {
        settled = true;
      });
      await quiet(timing);
      assert.equal(settled, false);
      hold.resolve();
      await settling;
      assert.equal(lastWrite('ws-a'), START);
    });

    it('given a store that fails, when uses are reported, then nobody who reported sees an error', async () => {
      const { activity, behaviour } = await harness();
      behaviour.fail = true;
      const close = activity.sessionOpened('ws-a', 'exec');
      activity.touch('ws-a', 'build');
      close();
      await activity.persist('ws-a');
      await activity.settle();
      assert.equal((await activity.usage('ws-a')).lastSeen?.getTime(), START);
    });
  });
}
