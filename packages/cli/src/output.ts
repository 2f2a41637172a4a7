/**
 * Formatting for humans (tables, sizes, durations) and machines (`-o json`). Pure functions, so
 * every command prints the same units the same way.
 */

import { formatSize } from '@hearth/sdk/sizes';

/** Bytes as every Hearth surface writes them (`512MiB`, `4.5KiB`: the size flags' own spelling); `-` for none. */
export function formatBytes(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '-' : formatSize(bytes);
}

/** A duration in the unit that reads best: `850ms`, `4.1s`, `2m05s`, `1h02m`, `3d04h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${trimNumber(Math.floor(ms / 100) / 10, 1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${pad2(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad2(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${pad2(Math.floor(s / 3600) % 24)}h`;
}

/** How long ago `iso` was, relative to `now`: `just now`, `5m ago`, `3h ago`, `2d ago`. */
export function formatAge(iso: string, now: Date = new Date()): string {
  const s = Math.floor((now.getTime() - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return iso;
  if (s < 10) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** CPU cores without float noise: `2`, `0.5`, `0.125`. */
export function formatCpu(cores: number): string {
  return trimNumber(cores, 3);
}

/** An image id or digest shortened like `docker images` does: 12 hex digits, no algorithm. */
export function shortDigest(digest: string | null | undefined): string {
  if (!digest) return '-';
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** Columns padded to their widest cell; the last column is not padded, so lines carry no trailing spaces. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** The API's JSON, pretty-printed with 2 spaces, as `-o json` promises. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function trimNumber(value: number, decimals: number): string {
  return String(Number(value.toFixed(decimals)));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
