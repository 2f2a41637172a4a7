/**
 * Resource quantities. CPU is kept in millicores, sizes in bytes. Inputs follow what users type in
 * Docker and Kubernetes: `2`, `0.5`, `500m` for CPU; `4GiB`, `4Gi`, `4096MiB`, `4G`, `512M` for sizes.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  ki: 2 ** 10,
  kib: 2 ** 10,
  mi: 2 ** 20,
  mib: 2 ** 20,
  gi: 2 ** 30,
  gib: 2 ** 30,
  ti: 2 ** 40,
  tib: 2 ** 40,
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/** Parses a size into bytes. `what` names the field in the problem text. */
export function parseSize(what: string, input: string | number): Parsed<number> {
  const bad = (why: string): Parsed<number> => ({
    ok: false,
    problem: `${what} "${input}" ${why}: write a size like 4GiB, 4Gi, 4096MiB or 10G`,
  });
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) return bad('is not a positive whole number of bytes');
    return { ok: true, value: input };
  }
  const match = SIZE.exec(input);
  if (!match) return bad('is not a size');
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return bad(`has an unknown unit "${match[2]}"`);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes <= 0) return bad('must be more than zero');
  if (!Number.isSafeInteger(bytes)) return bad('is too large');
  return { ok: true, value: bytes };
}

const CPU = /^\s*(\d+(?:\.\d+)?)\s*(m?)\s*$/;

/** Parses a CPU request into millicores (1000 = one core). */
export function parseCpu(input: string | number): Parsed<number> {
  const bad = (why: string): Parsed<number> => ({
    ok: false,
    problem: `cpu "${input}" ${why}: write a number of cores like 1, 0.5 or 2, or millicores like 500m`,
  });
  let millis: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return bad('is not a number');
    millis = Math.round(input * 1000);
  } else {
    const match = CPU.exec(input);
    if (!match) return bad('is not a number of cores');
    millis = match[2] === 'm' ? Math.round(Number(match[1])) : Math.round(Number(match[1]) * 1000);
  }
  if (millis <= 0) return bad('must be more than zero');
  if (millis < 10) return bad('is below the smallest request of 0.01 cores (10m)');
  if (millis > 1_000_000) return bad('is more than 1000 cores');
  return { ok: true, value: millis };
}

/** Formats bytes the way `show` prints them: the largest binary unit that gives a whole or one-decimal number. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  // Move up a unit whenever the one-decimal text would read 1024 (e.g. 1048575 B is 1MiB, not 1024KiB).
  while (value >= 1023.95 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${text}${units[i]}`;
}

export const formatCpu = (millis: number): string => String(millis / 1000);

const DURATION = /^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** Parses `90m`, `12h`, `30d`, `0s` into milliseconds. */
export function parseDuration(what: string, input: string): Parsed<number> {
  const match = DURATION.exec(input);
  if (!match) {
    return {
      ok: false,
      problem: `${what} "${input}" is not a duration: write a whole number with a unit, like 90m, 12h or 30d`,
    };
  }
  return { ok: true, value: Number(match[1]) * DURATION_MS[match[2]!]! };
}
