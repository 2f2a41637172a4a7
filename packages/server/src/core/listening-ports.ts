/**
 * Which TCP ports a workspace listens on, from its `/proc/net/tcp` and `/proc/net/tcp6` (the
 * container's own network namespace). Only the ports a port URL reaches count: the app proxy
 * connects to 127.0.0.1 inside the workspace, then to ::1, so a socket bound to a loopback or any
 * address, IPv4 or IPv6, is reachable; one bound only to the container's own address is not.
 */

/** The `st` column's value for a listening socket (TCP_LISTEN). */
const LISTEN = '0A';

/**
 * The kernel prints each 32-bit word of an address in the host's byte order; every engine Hearth
 * runs on (x86-64, arm64) is little-endian, so each word's bytes come reversed.
 */
function wordBytes(hex: string): number[] {
  const out: number[] = [];
  for (let w = 0; w < hex.length; w += 8)
    for (let b = 6; b >= 0; b -= 2) out.push(Number.parseInt(hex.slice(w + b, w + b + 2), 16));
  return out;
}

/** Whether a local address (hex, as in /proc/net/tcp or tcp6) is reached by a connection to 127.0.0.1 or ::1. */
function reachable(hex: string): boolean {
  if (!/^[0-9A-Fa-f]+$/.test(hex)) return false;
  const bytes = wordBytes(hex);
  if (hex.length === 8) return bytes[0] === 127 || bytes.every((b) => b === 0);
  if (hex.length !== 32) return false;
  if (bytes.every((b) => b === 0)) return true;
  // ::1
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return true;
  // ::ffff:a.b.c.d, an IPv4 address on an IPv6 socket.
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped && (bytes[12] === 127 || bytes.slice(12).every((b) => b === 0));
}

/**
 * The ports listening where a port URL reaches them, ascending and each once, from the text of
 * `/proc/net/tcp` and `/proc/net/tcp6` (either or both, concatenated; header lines are skipped).
 */
export function listeningPorts(procNetTcp: string): number[] {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || !/^\d+:$/.test(fields[0]!) || fields[3] !== LISTEN) continue;
    const [address, portHex] = fields[1]!.split(':');
    if (!address || !portHex || !/^[0-9A-Fa-f]{4}$/.test(portHex) || !reachable(address)) continue;
    const port = Number.parseInt(portHex, 16);
    if (port > 0) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}
