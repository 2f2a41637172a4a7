/**
 * Resource quantities. CPU is kept in millicores, sizes in bytes. Inputs follow what users type in
 * Docker and Kubernetes: `2`, `0.5`, `500m` for CPU; `4GiB`, `4Gi`, `4096MiB`, `4g`, `512m` for sizes.
 *
 * Sizes: where Docker and Kubernetes agree, so does Hearth: a bare number is bytes and `Ki`/`Mi`/
 * `Gi`/`Ti` are powers of 1024. Where they differ (`2g`, `2G`, `2gb`: Kubernetes reads `2G` as
 * 2·10⁹, Docker's `-m 2g` as 2 GiB) Hearth follows Docker, the tool people type memory limits into:
 * every letter unit is binary, whatever its case and whether or not a `b` follows.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/;

/** The largest size anything may ask for (memory, disk, quotas): 1 PiB. */
export const MAX_SIZE_BYTES = 2 ** 50;

/** The container engine's smallest memory limit (Docker refuses less: "Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_BYTES = 6 * 2 ** 20;

/** `k`, `kb`, `ki`, `kib` (any case) → `k`; `b` and no unit stay as they are; anything else is unknown. */
function unitKey(unit: string): string | undefined {
  const u = unit.toLowerCase();
  if (u === '' || u === 'b') return u;
  const match = /^([kmgt])(?:i?b|i)?$/.exec(u);
  return match?.[1];
}

/** Parses a size into bytes. `what` names the field in the problem text. */
export function parseSize(what: string, input: string | number): Parsed<number> {
  const bad = (why: string): Parsed<number> => ({
    ok: false,
    problem: `${what} "${input}" ${why}: write a size like 4GiB, 4g, 4096MiB or 512m (a bare number is bytes)`,
  });
  let bytes: number;
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input <= 0) return bad('is not a positive whole number of bytes');
    bytes = input;
  } else {
    const match = SIZE.exec(input);
    if (!match) return bad('is not a size');
    const key = unitKey(match[2]!);
    if (key === undefined) return bad(`has an unknown unit "${match[2]}"`);
    bytes = Math.round(Number(match[1]) * SIZE_UNITS[key]!);
    if (bytes <= 0) return bad('must be more than zero');
  }
  if (!(bytes <= MAX_SIZE_BYTES)) return bad('is too large: at most 1024TiB');
  return { ok: true, value: bytes };
}

/** Parses a memory request: a size no smaller than the engine accepts. */
export function parseMemory(what: string, input: string | number): Parsed<number> {
  const parsed = parseSize(what, input);
  if (!parsed.ok || parsed.value >= MIN_MEMORY_BYTES) return parsed;
  const hint = /^\s*\d+\s*$/.test(String(input))
    ? ` (a bare number is bytes; did you mean ${String(input).trim()}m?)`
    : '';
  return {
    ok: false,
    problem: `${what} "${input}" is below the container engine's minimum memory of 6MiB${hint}`,
  };
}

const CPU = /^\s*(\d+(?:\.\d+)?)\s*(m?)\s*$/;

/** Parses a CPU request into millicores (1000 = one core). */
export function parseCpu(input: string | number): Parsed<number> {
  const bad = (why: string): Parsed<number> => ({
    ok: false,
    problem: `cpu "${input}" ${why}: write a number of cores like 1, 0.5 or 2, or millicores like 500m`,
  });
  let exact: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return bad('is not a number');
    exact = input * 1000;
  } else {
    const match = CPU.exec(input);
    if (!match) return bad('is not a number of cores');
    exact = match[2] === 'm' ? Number(match[1]) : Number(match[1]) * 1000;
  }
  if (exact <= 0) return bad('must be more than zero');
  const millis = Math.round(exact);
  if (millis < 10) return bad('is below the smallest request of 0.01 cores (10m)');
  if (millis > 1_000_000) return bad('is more than 1000 cores');
  return { ok: true, value: millis };
}

export const formatCpu = (millis: number): string => String(millis / 1000);

const DURATION = /^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** The longest duration anything may ask for (auto-off, lifetimes, timeouts each cap lower): ten years. */
export const MAX_DURATION_MS = 3650 * 864e5;

/** Parses `90m`, `12h`, `30d`, `0s` into milliseconds, refusing more than `maxMs` (whole days). */
export function parseDuration(what: string, input: string, maxMs = MAX_DURATION_MS): Parsed<number> {
  const match = DURATION.exec(input);
  if (!match) {
    return {
      ok: false,
      problem: `${what} "${input}" is not a duration: write a whole number with a unit, like 90m, 12h or 30d`,
    };
  }
  const ms = Number(match[1]) * DURATION_MS[match[2]!]!;
  if (!(ms <= maxMs))
    return { ok: false, problem: `${what} "${input}" is too long: at most ${maxMs / 864e5}d` };
  return { ok: true, value: ms };
}
