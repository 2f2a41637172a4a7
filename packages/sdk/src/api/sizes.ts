/**
 * How a size in bytes reads, wherever Hearth shows one (the server's messages, the CLI, the
 * dashboard), so all three use the same words. A module of its own, importing nothing, so the CLI
 * and the dashboard load nothing else for it (see page-limits.ts).
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * Bytes in the largest binary unit that gives a whole or one-decimal number, written the way the
 * size flags and fields accept them: `512MiB`, `4GiB`, `1.5GiB`, `4.5KiB`, `1023B`.
 */
export function formatSize(bytes: number): string {
  let value = bytes;
  let i = 0;
  // Move up a unit whenever the one-decimal text would read 1024 (e.g. 1048575 B is 1MiB, not 1024KiB).
  while (Math.abs(value) >= 1023.95 && i < UNITS.length - 1) {
    value /= 1024;
    i++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
  return `${text}${UNITS[i]}`;
}
