/** Small display helpers shared by the views. */
import type { Resources, StateReason } from '@hearth/sdk/browser';
import { formatSize } from '@hearth/sdk/sizes';

/** Bytes as the CLI and the server's messages write them (`4.5KiB`, `3GiB`); a dash for none. */
export const bytes = (n: number | null): string => (n === null ? '—' : formatSize(n));

export const resources = (r: Resources): string =>
  `${r.cpu} CPU · ${bytes(r.memory)} · ${bytes(r.disk)} disk${r.gpus ? ` · ${r.gpus} GPU` : ''}`;

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export const time = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

/** "stopped by alice at 10:02: …": the reason as a person reads it. */
export const why = (r: StateReason): string =>
  `${r.message} (${r.actor}, ${new Date(r.at).toLocaleString()})`;

/** "in 1h 20m" until `iso`, or "now" once past. */
export function countdown(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const left = Date.parse(iso) - now;
  return left <= 0 ? 'now' : `in ${duration(Math.round(left / 60_000) * 60_000 || left)}`;
}
