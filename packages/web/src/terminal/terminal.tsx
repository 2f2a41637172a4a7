/**
 * A browser terminal on the workspace's terminal WebSocket: the login shell on a PTY, resized
 * with its box, with a message when the shell ends or the connection drops, and a reconnect.
 * This module (and xterm.js) is its own chunk, loaded when the first terminal opens.
 */
import { paths } from '@hearth/sdk/browser';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal as XTerm } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { control, decode, input } from './frames.js';

const socketUrl = (owner: string, name: string, cols: number, rows: number) => {
  const url = new URL(`/api/v1${paths.terminal(owner, name)}`, window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = `cols=${cols}&rows=${rows}`;
  return url.toString();
};

export default function Terminal(props: {
  owner: string;
  name: string;
  title: string;
  running: boolean;
  onClose: () => void;
}) {
  const { owner, name, title, running, onClose } = props;
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<string>('connecting…');
  const [ended, setEnded] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: Reconnect bumps `attempt` to open a new session
  useEffect(() => {
    const term = new XTerm({ cursorBlink: true, fontSize: 14, convertEol: false, scrollback: 5000 });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box.current!);
    fit.fit();
    setEnded(false);
    setStatus('connecting…');
    const ws = new WebSocket(socketUrl(owner, name, term.cols, term.rows));
    ws.binaryType = 'arraybuffer';
    let finished = false;
    const end = (message: string) => {
      if (finished) return;
      finished = true;
      setEnded(true);
      setStatus(message);
    };
    ws.onopen = () => {
      setStatus('connected');
      term.focus();
    };
    ws.onmessage = (ev) => {
      const msg = decode(ev.data as ArrayBuffer);
      if (msg?.kind === 'output') term.write(msg.data);
      else if (msg?.control.type === 'exit') end(`the shell exited (code ${msg.control.code})`);
      else if (msg?.control.type === 'error') end(msg.control.message);
    };
    ws.onclose = (ev) =>
      end(
        ev.code === 1000
          ? 'the session ended'
          : 'the connection dropped (the workspace may have stopped, or the server restarted)',
      );
    const data = term.onData((d) => ws.readyState === WebSocket.OPEN && ws.send(input(d)));
    const resize = term.onResize(({ cols, rows }) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(control({ type: 'resize', cols, rows }));
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(box.current!);
    return () => {
      observer.disconnect();
      data.dispose();
      resize.dispose();
      finished = true;
      ws.close();
      term.dispose();
    };
  }, [owner, name, attempt]);
  useEffect(() => {
    if (!running) setStatus((s) => (ended ? s : 'the workspace is no longer running'));
  }, [running, ended]);
  return (
    <section className="terminal" aria-label={title}>
      <div className="terminal-bar">
        <strong>{title}</strong>
        <span role="status" className={ended ? 'warning' : 'muted'}>
          {status}
        </span>
        {ended && (
          <button type="button" onClick={() => setAttempt((a) => a + 1)} disabled={!running}>
            Reconnect
          </button>
        )}
        <button type="button" onClick={onClose} aria-label={`Close ${title}`}>
          Close
        </button>
      </div>
      <div ref={box} className="terminal-box" />
    </section>
  );
}
