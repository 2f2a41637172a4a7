/**
 * Long-lived streams as a user opens them (watch SSE, exec and terminal WebSockets, SSH over the
 * tunnel), each resolved once it is flowing, with the message it ended with. Shared by the
 * revocation tests and bench/revocation.js (which imports the compiled file).
 */
import { ExecChannel, HearthApiError, HearthClient } from '@hearth/sdk';
import WebSocket from 'ws';
import { connectSsh } from './ssh.js';

export interface OpenStream {
  /** Resolves with what the server said when it ended the stream (an error message, SSH's stderr). */
  readonly ended: Promise<string>;
  close(): void;
}

const workspacePath = (owner: string, name: string) =>
  `/api/v1/users/${encodeURIComponent(owner)}/workspaces/${encodeURIComponent(name)}`;

/** The watch SSE stream, through the SDK: open once its first snapshot arrived. */
export async function watchStream(
  url: string,
  token: string,
  owner: string,
  name: string,
): Promise<OpenStream> {
  const abort = new AbortController();
  const events = new HearthClient({ url, token }).watchWorkspace(owner, name, { signal: abort.signal });
  const first = await events.next();
  if (first.done) throw new Error('the watch stream ended before its first event');
  const ended = (async () => {
    try {
      for await (const _ of events);
      return 'the stream ended without an error';
    } catch (error) {
      return error instanceof HearthApiError ? `${error.code}: ${error.message}` : String(error);
    }
  })();
  return { ended, close: () => abort.abort() };
}

/**
 * The caller's workspace-list stream (the dashboard's live list), read raw: open once its headers
 * arrived, which is when the server has tied it to the request's credential.
 */
export async function listWatchStream(url: string, token: string): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(`${url}/api/v1/workspaces/watch`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`the list watch answered ${response.status}`);
  const body = response.body;
  const ended = (async () => {
    let text = '';
    try {
      for await (const chunk of body) text += Buffer.from(chunk).toString('utf8');
    } catch (error) {
      return String(error);
    }
    const error = /event: error\ndata: (.*)\n/.exec(text);
    if (!error) return 'the stream ended without an error';
    const { code, message } = JSON.parse(error[1]!) as { code: string; message: string };
    return `${code}: ${message}`;
  })();
  return { ended, close: () => abort.abort() };
}

/** A WebSocket process (exec with `sleep`, or the terminal's shell): open once it printed `ready`. */
async function processStream(url: string, token: string, path: string, start?: object): Promise<OpenStream> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  let output = '';
  let ready: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const ended = new Promise<string>((resolve, reject) => {
    let said = '';
    ws.on('message', (data: Buffer) => {
      if (data[0] === ExecChannel.stdout) {
        output += data.subarray(1).toString();
        if (/^ready\r?$/m.test(output)) ready();
      } else if (data[0] === ExecChannel.control) {
        const control = JSON.parse(data.subarray(1).toString());
        said = control.type === 'error' ? `${control.code}: ${control.message}` : `exit ${control.code}`;
      }
    });
    ws.on('close', () => resolve(said || 'closed without a message'));
    ws.on('error', reject);
  });
  ended.catch(() => undefined);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (channel: number, payload: string) =>
    ws.send(Buffer.concat([Buffer.of(channel), Buffer.from(payload)]));
  if (start) ws.send(JSON.stringify(start));
  else send(ExecChannel.stdin, 'echo ready; sleep 600\r');
  await Promise.race([
    isReady,
    ended.then(() => Promise.reject(new Error(`the stream ended at once: ${output}`))),
  ]);
  return { ended, close: () => ws.close() };
}

export const execStream = (url: string, token: string, owner: string, name: string) =>
  processStream(url, token, `${workspacePath(owner, name)}/exec`, {
    cmd: ['sh', '-c', 'echo ready; sleep 600'],
  });

export const terminalStream = (url: string, token: string, owner: string, name: string) =>
  processStream(url, token, `${workspacePath(owner, name)}/terminal?cols=80&rows=24`);

/** An SSH session over the tunnel running `sleep`: open once it printed `ready`; ends with its stderr. */
export async function sshStream(
  url: string,
  token: string,
  owner: string,
  name: string,
): Promise<OpenStream> {
  const conn = await connectSsh(new HearthClient({ url, token }), owner, name);
  conn.on('error', () => undefined);
  let ready: () => void;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const ended = new Promise<string>((resolve, reject) => {
    conn.exec('echo ready; sleep 600', (err, channel) => {
      if (err) return reject(err);
      let stderr = '';
      channel.on('data', (c: Buffer) => {
        if (c.toString().includes('ready')) ready();
      });
      channel.stderr.on('data', (c: Buffer) => {
        stderr += c;
      });
      channel.on('close', () => resolve(stderr.trim() || 'closed without a message'));
    });
    conn.once('close', () => resolve('the connection closed'));
  });
  await isReady;
  return { ended, close: () => conn.end() };
}

/** Milliseconds from `act` starting to the stream ending, and the message it ended with. */
export async function timeEnd(
  stream: OpenStream,
  act: () => Promise<unknown>,
): Promise<{ ms: number; message: string }> {
  const started = performance.now();
  const end = stream.ended.then((message) => ({ message, ms: performance.now() - started }));
  await act();
  return end;
}
