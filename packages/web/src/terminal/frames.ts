/**
 * The terminal WebSocket's frames in the browser (the SDK's exec-frames use Node's Buffer): one
 * channel byte, then the payload. See `ExecChannel` and `ExecControl` in the SDK.
 */
import { ExecChannel, type ExecControl } from '@hearth/sdk/browser';

const encoder = new TextEncoder();

export function frame(channel: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 1);
  out[0] = channel;
  out.set(payload, 1);
  return out;
}

export const input = (text: string): Uint8Array => frame(ExecChannel.stdin, encoder.encode(text));
export const control = (c: ExecControl): Uint8Array =>
  frame(ExecChannel.control, encoder.encode(JSON.stringify(c)));

export type Incoming = { kind: 'output'; data: Uint8Array } | { kind: 'control'; control: ExecControl };

export function decode(data: ArrayBuffer): Incoming | undefined {
  const bytes = new Uint8Array(data);
  const body = bytes.subarray(1);
  if (bytes[0] === ExecChannel.stdout || bytes[0] === ExecChannel.stderr)
    return { kind: 'output', data: body };
  if (bytes[0] === ExecChannel.control) {
    return { kind: 'control', control: JSON.parse(new TextDecoder().decode(body)) as ExecControl };
  }
  return undefined;
}
