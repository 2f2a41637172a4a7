import type { PathStat } from '../runtime.js';

// Go's os.FileMode type bits, as the engine reports them (values reach 2^31, past 32-bit ops).
const DIR = 2 ** 31;
const SYMLINK = 2 ** 27;
const OTHER_TYPES = [2 ** 26, 2 ** 25, 2 ** 24, 2 ** 21, 2 ** 19]; // device, pipe, socket, char device, irregular

const has = (mode: number, bit: number) => Math.floor(mode / bit) % 2 === 1;

/** Parses the engine's `X-Docker-Container-Path-Stat` header (base64 JSON). */
export function parsePathStat(header: string | undefined): PathStat | undefined {
  if (!header) return undefined;
  const { mode, size } = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as {
    mode: number;
    size: number;
  };
  const kind = has(mode, DIR)
    ? 'directory'
    : has(mode, SYMLINK)
      ? 'symlink'
      : OTHER_TYPES.some((bit) => has(mode, bit))
        ? 'other'
        : 'file';
  return { kind, mode: mode % 2 ** 9, size };
}
