/**
 * What the benchmarks that drive a real server share: a Hearth server started as its own process
 * (through bin/hearth, with the server's V8 flags, as deployed), and a JSON call to its API.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const API = '/api/v1';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'hearth');

/**
 * Starts `hearth server` on a free loopback port with a fresh data directory (and HOME) under a
 * temporary directory named after `name`. Resolves once it serves: `{ server, base, dir }`.
 * `prepare(dataDir)` runs first (e.g. to fill the store); `env` is added to the server's; `bin` is
 * another checkout's bin/hearth (to compare with), this one's by default.
 * With HEARTH_BENCH_CPU_PROF=DIR the server runs under `node --cpu-prof` and writes its profile
 * into DIR when it stops (NODE_OPTIONS may not carry --cpu-prof): node runs bin/hearth itself (a
 * node script too) with the flag bin/hearth gives `server`, so the profile is of the server bundle
 * as deployed, not of the unbundled modules.
 */
export async function startBenchServer(name, { prepare, env, bin = BIN } = {}) {
  const dir = mkdtempSync(join(os.tmpdir(), `hearth-bench-${name}-`));
  await prepare?.(join(dir, 'data'));
  const profile = process.env.HEARTH_BENCH_CPU_PROF;
  const server = spawn(
    profile ? process.execPath : bin,
    [
      ...(profile ? ['--initial-old-space-size=64', '--cpu-prof', '--cpu-prof-dir', profile, bin] : []),
      'server',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      join(dir, 'data'),
      '--log-level',
      'warn',
    ],
    { env: { ...process.env, HOME: dir, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const base = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (c) => {
      err += c;
      const match = /serving on (http:\/\/\S+)/.exec(err);
      if (match) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { server, base, dir };
}

/** A JSON API call; a non-2xx answer (a redirect included) throws with its body. */
export async function call(base, token, method, path, body) {
  const res = await fetch(`${base}${API}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  const data = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

/**
 * Ends a bench: deletes `workspace` (when a token was had) and waits until it is gone, so its
 * home volume goes too, then stops the server and removes its directory.
 */
export async function stopBenchServer({ server, base, dir }, token, workspace) {
  if (token) {
    const path = `/users/me/workspaces/${workspace}`;
    await call(base, token, 'DELETE', path).catch(() => undefined);
    for (let i = 0; i < 150; i++) {
      const res = await fetch(`${base}${API}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status === 404) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}
