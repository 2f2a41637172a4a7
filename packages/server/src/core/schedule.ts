/**
 * Auto-start schedules: a local time of day, an IANA time zone and weekdays. Pure: every function
 * takes the instant it reasons about. Time-zone math is luxon's; the two DST edges are decided here:
 * a local time that does not exist (spring forward) fires at the next valid instant, and a local time
 * that happens twice (fall back) fires once, at its first occurrence.
 */
import { DateTime, IANAZone } from 'luxon';
import type { Parsed } from './units.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface AutostartSchedule {
  /** `HH:MM`, 24-hour, local to {@link timezone}. */
  readonly time: string;
  /** IANA zone, e.g. `Europe/Berlin`. */
  readonly timezone: string;
  /** Non-empty, in week order. */
  readonly days: readonly Weekday[];
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Parses `08:30` (24-hour clock) into hour and minute. */
export function parseTimeOfDay(input: string): Parsed<{ hour: number; minute: number }> {
  const match = TIME.exec(input.trim());
  if (!match)
    return {
      ok: false,
      problem: `time "${input}" is not a time of day: write HH:MM on a 24-hour clock, e.g. 08:30`,
    };
  return { ok: true, value: { hour: Number(match[1]), minute: Number(match[2]) } };
}

/** Checks an IANA time zone name (`Europe/Berlin`, `UTC`). */
export function parseTimezone(input: string): Parsed<string> {
  const zone = input.trim();
  if (zone === '' || !IANAZone.isValidZone(zone))
    return {
      ok: false,
      problem: `time zone "${input}" is not an IANA time zone: write e.g. Europe/Berlin, America/New_York or UTC`,
    };
  return { ok: true, value: zone };
}

/** Parses `mon-fri`, `mon,wed,fri`, `sat-sun,wed` or `every` into weekdays in week order. */
export function parseDays(input: string): Parsed<Weekday[]> {
  const text = input.trim().toLowerCase();
  const bad: Parsed<Weekday[]> = {
    ok: false,
    problem: `days "${input}" is not a list of weekdays: write e.g. mon-fri, mon,wed,fri or every`,
  };
  if (text === 'every' || text === 'daily') return { ok: true, value: [...WEEKDAYS] };
  if (text === '') return bad;
  const chosen = new Set<Weekday>();
  for (const part of text.split(',')) {
    const [from, to, extra] = part.trim().split('-');
    const a = WEEKDAYS.indexOf(from as Weekday);
    const b = to === undefined ? a : WEEKDAYS.indexOf(to as Weekday);
    if (a < 0 || b < 0 || extra !== undefined) return bad;
    // A range may wrap around the week end: fri-mon is fri, sat, sun, mon.
    for (let i = a; ; i = (i + 1) % 7) {
      chosen.add(WEEKDAYS[i]!);
      if (i === b) break;
    }
  }
  return { ok: true, value: WEEKDAYS.filter((d) => chosen.has(d)) };
}

/** Validates a whole schedule; `days` defaults to every day. */
export function parseSchedule(input: {
  time: string;
  timezone: string;
  days?: string;
}): Parsed<AutostartSchedule> {
  const time = parseTimeOfDay(input.time);
  if (!time.ok) return time;
  const zone = parseTimezone(input.timezone);
  if (!zone.ok) return zone;
  const days = parseDays(input.days ?? 'every');
  if (!days.ok) return days;
  const hh = String(time.value.hour).padStart(2, '0');
  const mm = String(time.value.minute).padStart(2, '0');
  return { ok: true, value: { time: `${hh}:${mm}`, timezone: zone.value, days: days.value } };
}

/**
 * Weekdays already worked out, by instant and zone: a storm of auto-starts asks the same few
 * firings' weekday for thousands of workspaces, and each answer costs luxon's zone arithmetic.
 * Bounded: cleared when full.
 */
const WEEKDAY_MEMO = new Map<string, Weekday>();
const WEEKDAY_MEMO_SIZE = 1000;

/** The weekday of `at` in `timezone`. */
export function weekdayAt(at: Date, timezone: string): Weekday {
  const key = `${at.getTime()} ${timezone}`;
  const known = WEEKDAY_MEMO.get(key);
  if (known) return known;
  const day = WEEKDAYS[DateTime.fromJSDate(at, { zone: timezone }).weekday - 1]!;
  if (WEEKDAY_MEMO.size >= WEEKDAY_MEMO_SIZE) WEEKDAY_MEMO.clear();
  WEEKDAY_MEMO.set(key, day);
  return day;
}

/** The first instant strictly after `after` at which the schedule fires. */
export function nextFire(schedule: AutostartSchedule, after: Date): Date {
  const { hour, minute } = (
    parseTimeOfDay(schedule.time) as { ok: true; value: { hour: number; minute: number } }
  ).value;
  const start = DateTime.fromJSDate(after, { zone: schedule.timezone }).startOf('day');
  // Eight days always contain the next chosen weekday after today's time has passed.
  for (let d = 0; d <= 8; d++) {
    const day = start.plus({ days: d });
    if (!schedule.days.includes(WEEKDAYS[day.weekday - 1]!)) continue;
    const at = localInstant(day, hour, minute);
    if (at.getTime() > after.getTime()) return at;
  }
  throw new Error(`schedule ${schedule.time} ${schedule.timezone} has no days`);
}

/** The instant the wall clock of `day`'s zone first shows `hour:minute` on that date. */
function localInstant(day: DateTime, hour: number, minute: number): Date {
  const wanted = { year: day.year, month: day.month, day: day.day, hour, minute };
  const guess = DateTime.fromObject(wanted, { zone: day.zone });
  if (guess.hour === hour && guess.minute === minute) {
    // On a fall-back day the same wall time happens twice; luxon may pick the later one.
    const earlier = guess.minus({ hours: 1 });
    const same = earlier.hour === hour && earlier.minute === minute && earlier.day === day.day;
    return (same ? earlier : guess).toJSDate();
  }
  // The wall time does not exist (spring forward): the first instant whose wall clock is past it.
  const target = wallMinutes(wanted);
  let lo = guess.minus({ hours: 3 }).toMillis();
  let hi = guess.toMillis();
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallMinutes(DateTime.fromMillis(mid, { zone: day.zone })) >= target) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** A wall-clock reading as minutes on a naive (zone-free) time line, for comparisons. */
function wallMinutes(t: { year: number; month: number; day: number; hour: number; minute: number }): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) / 60_000;
}
