/**
 * Server-sent event payloads.
 *
 * `GET /api/v1/users/{user}/workspaces/{name}/watch` streams:
 *   - `workspace`: a full {@link Workspace} snapshot, first on connect and then on every change;
 *   - `log`: a {@link LogLine} with the build number, for the build in progress.
 * `GET /api/v1/users/{user}/workspaces/{name}/builds/{number}/logs?follow=true` streams:
 *   - `log`: every stored line, then live lines;
 *   - `end`: `{ status }` once the build has finished (the stream then closes).
 * Either stream may end with an `error` event carrying an ErrorBody: `access_revoked` when the token
 * that opened it is revoked or expires, the user is suspended, or loses the org role that allowed it.
 */
import type { BuildStatus, LogLine, Workspace } from './workspaces.js';

export type WatchEvent =
  | { event: 'workspace'; data: Workspace }
  | { event: 'log'; data: LogLine & { build: number } };

/** `GET /workspaces/watch`: a snapshot of one of the caller's workspaces when it changes, or that it is gone. */
export type WorkspaceListEvent =
  | { event: 'workspace'; data: Workspace }
  | { event: 'gone'; data: { id: string } };

export type LogStreamEvent =
  | { event: 'log'; data: LogLine }
  | { event: 'end'; data: { status: BuildStatus } };

/**
 * Exec over WebSocket: `GET /api/v1/users/{user}/workspaces/{name}/exec`.
 *
 * The client's first message is a text frame with {@link ExecStart}. After that every frame is binary
 * and its first byte names a channel, like Kubernetes' channel protocol:
 *   0 stdin (client → server), 1 stdout, 2 stderr (server → client),
 *   3 control (JSON, both ways): client sends `{type:'eof'}` or `{type:'resize',cols,rows}`;
 *     the server sends `{type:'exit',code}` once the process has ended and all output was sent, then closes.
 * Errors: authentication failures answer the upgrade request with a plain HTTP error (ErrorBody).
 * Errors after the upgrade (workspace not running, not yours, engine failure) are sent as a control
 * frame `{type:'error', status, code, message}` and the socket is then closed with code 4000 + status
 * (close reasons are capped at 123 bytes, so the message travels in the frame).
 */
export interface ExecStart {
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  cols?: number;
  rows?: number;
  env?: Record<string, string>;
}

export const ExecChannel = { stdin: 0, stdout: 1, stderr: 2, control: 3 } as const;

export type ExecControl =
  | { type: 'eof' }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'exit'; code: number }
  | { type: 'error'; status: number; code: string; message: string };
