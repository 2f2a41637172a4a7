import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AutostartSchedule,
  nextFire,
  parseDays,
  parseSchedule,
  parseTimeOfDay,
  parseTimezone,
  weekdayAt,
} from '../../../src/core/schedule.js';

const berlin = (days = 'every'): AutostartSchedule => {
  const parsed = parseSchedule({ time: '08:30', timezone: 'Europe/Berlin', days });
  assert.ok(parsed.ok);
  return parsed.value;
};
const at = (iso: string) => new Date(iso);
const fire = (s: AutostartSchedule, after: string) => nextFire(s, at(after)).toISOString();

describe('parsing schedules', () => {
  it('accepts 24-hour times and rejects 25:00, 8.30 and words', () => {
    assert.deepEqual(parseTimeOfDay('08:30'), { ok: true, value: { hour: 8, minute: 30 } });
    assert.deepEqual(parseTimeOfDay('0:00'), { ok: true, value: { hour: 0, minute: 0 } });
    assert.deepEqual(parseTimeOfDay('23:59'), { ok: true, value: { hour: 23, minute: 59 } });
    for (const bad of ['25:00', '24:00', '08:60', '8.30', 'noon', '', '08:30pm']) {
      const parsed = parseTimeOfDay(bad);
      assert.ok(!parsed.ok, bad);
      assert.match(parsed.problem, /HH:MM/);
    }
  });

  it('accepts IANA zones and rejects unknown ones', () => {
    assert.ok(parseTimezone('Europe/Berlin').ok);
    assert.ok(parseTimezone('UTC').ok);
    for (const bad of ['Mars/Olympus', 'CEST+2', '', 'Berlin']) {
      const parsed = parseTimezone(bad);
      assert.ok(!parsed.ok, bad);
      assert.match(parsed.problem, /IANA/);
    }
  });

  it('reads ranges, lists, wrapping ranges and every; rejects empty lists and typos', () => {
    assert.deepEqual(parseDays('mon-fri'), { ok: true, value: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    assert.deepEqual(parseDays('fri,mon,wed'), { ok: true, value: ['mon', 'wed', 'fri'] });
    assert.deepEqual(parseDays('fri-mon'), { ok: true, value: ['mon', 'fri', 'sat', 'sun'] });
    assert.deepEqual(parseDays('SAT'), { ok: true, value: ['sat'] });
    assert.equal((parseDays('every') as { value: string[] }).value.length, 7);
    for (const bad of ['', ' ', ',', 'monday', 'mon-', 'mon-tue-wed', 'xyz'])
      assert.ok(!parseDays(bad).ok, bad);
  });

  it('normalizes a schedule and defaults to every day', () => {
    assert.deepEqual(parseSchedule({ time: '8:05', timezone: 'UTC' }), {
      ok: true,
      value: { time: '08:05', timezone: 'UTC', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
    });
  });
});

describe('nextFire', () => {
  it('fires later the same day, or the next day once the time has passed', () => {
    assert.equal(fire(berlin(), '2026-06-10T05:00:00Z'), '2026-06-10T06:30:00.000Z');
    assert.equal(fire(berlin(), '2026-06-10T06:30:00Z'), '2026-06-11T06:30:00.000Z');
    assert.equal(fire(berlin(), '2026-01-10T09:00:00Z'), '2026-01-11T07:30:00.000Z');
  });

  it('skips days not chosen: friday evening to monday morning', () => {
    // 2026-06-12 is a Friday.
    assert.equal(fire(berlin('mon-fri'), '2026-06-12T07:00:00Z'), '2026-06-15T06:30:00.000Z');
    assert.equal(fire(berlin('sun'), '2026-06-15T07:00:00Z'), '2026-06-21T06:30:00.000Z');
  });

  it('follows the offset across spring forward at 08:30 (UTC+1 then UTC+2)', () => {
    // Europe/Berlin switches on Sunday 2026-03-29.
    assert.equal(fire(berlin(), '2026-03-28T08:00:00Z'), '2026-03-29T06:30:00.000Z');
    assert.equal(fire(berlin(), '2026-03-27T08:00:00Z'), '2026-03-28T07:30:00.000Z');
    assert.equal(fire(berlin(), '2026-03-29T07:00:00Z'), '2026-03-30T06:30:00.000Z');
  });

  it('follows the offset across fall back at 08:30', () => {
    // Europe/Berlin switches back on Sunday 2026-10-25.
    assert.equal(fire(berlin(), '2026-10-24T07:00:00Z'), '2026-10-25T07:30:00.000Z');
    assert.equal(fire(berlin(), '2026-10-25T08:00:00Z'), '2026-10-26T07:30:00.000Z');
  });

  it('fires a nonexistent local time (02:30 on spring forward) at the next valid instant, 03:00', () => {
    const s = { time: '02:30', timezone: 'Europe/Berlin', days: berlin().days };
    assert.equal(fire(s, '2026-03-28T12:00:00Z'), '2026-03-29T01:00:00.000Z');
    // And the day after at 02:30 CEST again.
    assert.equal(fire(s, '2026-03-29T01:00:00Z'), '2026-03-30T00:30:00.000Z');
  });

  it('fires a repeated local time (02:30 on fall back) once, at its first occurrence', () => {
    const s = { time: '02:30', timezone: 'Europe/Berlin', days: berlin().days };
    const first = fire(s, '2026-10-24T12:00:00Z');
    assert.equal(first, '2026-10-25T00:30:00.000Z');
    // After firing, the next firing is the next day: the second 02:30 (01:30Z) is not another firing.
    assert.equal(fire(s, first), '2026-10-26T01:30:00.000Z');
  });

  it('fires at midnight exactly once per day', () => {
    const s = { time: '00:00', timezone: 'America/New_York', days: berlin().days };
    assert.equal(fire(s, '2026-06-10T03:59:00Z'), '2026-06-10T04:00:00.000Z');
    assert.equal(fire(s, '2026-06-10T04:00:00Z'), '2026-06-11T04:00:00.000Z');
  });

  it('handles leap days: 2028-02-29 exists and is a Tuesday', () => {
    const s = { time: '08:30', timezone: 'UTC', days: ['tue' as const] };
    assert.equal(fire(s, '2028-02-27T00:00:00Z'), '2028-02-29T08:30:00.000Z');
    assert.equal(fire(s, '2028-02-29T08:30:00Z'), '2028-03-07T08:30:00.000Z');
    const daily = { ...s, days: berlin().days };
    assert.equal(fire(daily, '2028-02-28T09:00:00Z'), '2028-02-29T08:30:00.000Z');
    assert.equal(fire(daily, '2027-02-28T09:00:00Z'), '2027-03-01T08:30:00.000Z');
  });

  it('decides the weekday in the schedule zone, not UTC', () => {
    // Monday 00:30 in Tokyo is still Sunday in UTC.
    assert.equal(weekdayAt(at('2026-06-14T15:30:00Z'), 'Asia/Tokyo'), 'mon');
    const s = { time: '00:30', timezone: 'Asia/Tokyo', days: ['mon' as const] };
    assert.equal(fire(s, '2026-06-13T00:00:00Z'), '2026-06-14T15:30:00.000Z');
  });

  it('handles a zone behind UTC across the new year', () => {
    const s = { time: '23:30', timezone: 'America/Los_Angeles', days: berlin().days };
    assert.equal(fire(s, '2026-12-31T12:00:00Z'), '2027-01-01T07:30:00.000Z');
  });
});
