/** The time, injected so tests and the lifecycle executor can control it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
