// A test server for workspace apps: a page, a health check, upload digests, downloads of N
// deterministic bytes, server-sent events, and a WebSocket echo (the ws package Hearth mounts).
// `server.cjs PORT tls` serves HTTPS with the self-signed test certificate in tls/ (for localhost;
// its key is a test fixture, not a secret).
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const { WebSocketServer } = require('/opt/hearth/app/node_modules/ws');

const port = Number(process.argv[2] || 8080);
const block = Buffer.alloc(64 * 1024);
for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;

const handler = (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/healthz') return res.end('ok');
  if (url.pathname === '/scheme') return res.end(req.socket.encrypted ? 'https' : 'http');
  if (url.pathname === '/') {
    res.setHeader('content-type', 'text/html');
    return res.end('<!doctype html><title>test app</title><h1>Hello from the workspace</h1>');
  }
  if (url.pathname === '/set-cookies') {
    // What an app could try: a cookie for every host of the apps domain, and one of Hearth's own.
    res.setHeader('set-cookie', [
      `wide=1; Domain=${url.searchParams.get('domain')}; Path=/`,
      'hearth_app_session=planted; Path=/',
      'own=2; Path=/; HttpOnly',
    ]);
    return res.end('ok');
  }
  if (url.pathname === '/headers') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify(req.headers));
  }
  if (url.pathname === '/upload') {
    const hash = crypto.createHash('sha256');
    let bytes = 0;
    req.on('data', (c) => {
      hash.update(c);
      bytes += c.length;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
    });
    return;
  }
  if (url.pathname === '/download') {
    let left = Number(url.searchParams.get('bytes') || 0);
    res.setHeader('content-length', String(left));
    const more = () => {
      while (left > 0) {
        const n = Math.min(left, block.length);
        left -= n;
        if (!res.write(n === block.length ? block : block.subarray(0, n))) return res.once('drain', more);
      }
      res.end();
    };
    return more();
  }
  if (url.pathname === '/sse') {
    const count = Number(url.searchParams.get('n') || 3);
    const every = Number(url.searchParams.get('ms') || 300);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    const tick = () => {
      res.write(`data: ${JSON.stringify({ i, at: Date.now() })}\n\n`);
      if (++i < count) setTimeout(tick, every);
      else res.end();
    };
    return tick();
  }
  res.statusCode = 404;
  res.end('not here');
};
const tls = process.argv[3] === 'tls';
const server = tls
  ? https.createServer(
      {
        key: fs.readFileSync(`${__dirname}/tls/key.pem`),
        cert: fs.readFileSync(`${__dirname}/tls/cert.pem`),
      },
      handler,
    )
  : http.createServer(handler);
const wss = new WebSocketServer({ server, path: '/ws' });
wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');
