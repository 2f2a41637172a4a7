import type { Clock } from '../../src/ports/clock.js';

/** A clock tests move by hand; it starts at real time so engine timestamps stay plausible. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.now()) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
