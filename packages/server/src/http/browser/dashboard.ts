/**
 * The dashboard's static files (packages/web/dist), served at `/` from memory (each file read and
 * compressed at its first request, not at start-up, where that took a quarter of a second): hashed assets
 * cached for a year, index.html revalidated, every client route answered with index.html (the
 * app routes itself), a strict Content-Security-Policy on all of it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build` puts the dashboard, relative to this file in packages/server/dist. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../../../web/dist/', import.meta.url));

/**
 * Scripts and fonts only from this server; no frames, plugins or form posts elsewhere.
 * Styles allow inline: the terminal (xterm.js) writes its own <style> elements; scripts never do.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);

interface StaticFile {
  /** The file's bytes and, when worth it, their gzip; read on the first call, then kept. */
  readonly contents: () => { readonly body: Buffer; readonly gzip: Buffer | undefined };
  readonly type: string;
  readonly cache: string;
}

function lazyContents(full: string, compressible: boolean): StaticFile['contents'] {
  let read: ReturnType<StaticFile['contents']> | undefined;
  return () => {
    if (!read) {
      const body = readFileSync(full);
      read = { body, gzip: compressible && body.length > 1024 ? gzipSync(body) : undefined };
    }
    return read;
  };
}

/** The files under `dir` by URL path (their names only, so far); empty when the dashboard was not built. */
export function loadDashboard(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(join(dir, 'index.html'))) return files;
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      const path = `/${relative(dir, full).split(sep).join('/')}`;
      const ext = extname(name);
      files.set(path, {
        contents: lazyContents(full, COMPRESSIBLE.has(ext)),
        type: TYPES[ext] ?? 'application/octet-stream',
        // Vite names every file under assets/ by a hash of its content.
        cache: path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
  };
  walk(dir);
  return files;
}

/**
 * Answers a GET for a path outside the API: the file, or index.html for a client route.
 * Returns false when it has nothing to answer (the caller answers 404).
 */
export function serveDashboard(
  files: ReadonlyMap<string, StaticFile>,
  request: FastifyRequest,
  reply: FastifyReply,
): boolean {
  if (files.size === 0) {
    void reply.status(404).send({
      code: 'not_found',
      message:
        'the dashboard is not built: run "npm run build" (it builds packages/web), then restart the server',
      requestId: request.id,
    });
    return true;
  }
  const path = decodeURIComponent(request.url.split('?')[0] ?? '/');
  let file = files.get(path);
  // A missing hashed asset is a stale page asking for an old build: 404, not index.html.
  if (!file && !path.startsWith('/assets/') && !extname(path)) file = files.get('/index.html');
  if (!file) return false;
  const { body, gzip: gzipped } = file.contents();
  const gzip = gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  void reply
    .header('content-type', file.type)
    .header('cache-control', file.cache)
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('vary', 'accept-encoding');
  if (gzip) void reply.header('content-encoding', 'gzip');
  void reply.status(200).send(gzip ? gzipped : body);
  return true;
}
