import type { Build, LogLine, Workspace } from '@hearth/sdk/browser';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import { ErrorNotice } from '../components/states.js';

/**
 * A build's log. A running build's log is followed as it streams (stored lines, then live ones)
 * and scrolls with it; a finished one's is fetched when opened.
 */
export function BuildLog({ workspace: w, build: b }: { workspace: Workspace; build: Build }) {
  const active = b.status === 'queued' || b.status === 'running';
  const [open, setOpen] = useState(active);
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<unknown>();
  const pre = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (!open) return;
    const abort = new AbortController();
    setLines([]);
    setError(undefined);
    (async () => {
      for await (const ev of api.followBuildLog(w.owner, w.name, b.number, { signal: abort.signal })) {
        if (ev.event === 'log') setLines((l) => [...l, ev.data]);
      }
    })().catch((err) => {
      if (!abort.signal.aborted) setError(err);
    });
    return () => abort.abort();
  }, [open, w.owner, w.name, b.number]);
  // Follow the output as it arrives (the log effect runs after each render that added lines).
  const text = lines.map((l) => `[${l.stage}] ${l.text}`).join('\n');
  useEffect(() => {
    const el = pre.current;
    if (el && text) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <details open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Log of build #{b.number}</summary>
      {error !== undefined && <ErrorNotice error={error} />}
      <pre ref={pre} className="log">
        {text || (active ? 'waiting for output…' : '')}
      </pre>
    </details>
  );
}
