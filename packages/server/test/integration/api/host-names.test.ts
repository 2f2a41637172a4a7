/**
 * DNS rebinding: a server on loopback (the quick start's) answers only the names that can mean
 * this machine, so a page whose own name an attacker points at 127.0.0.1 cannot call it.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { useHearth } from '../../support/hearth.js';

/** One request with the given Host header, straight to the server's address. */
function withHost(serverUrl: string, host: string, method: string, path: string, body?: string) {
  const { port } = new URL(serverUrl);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { host, 'content-type': 'application/json' },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the Host names a loopback server answers for', () => {
  const t = useHearth();

  it('answers loopback names and refuses any other with 421, before reading the request', async () => {
    const { port } = new URL(t.hearth.server.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      assert.equal((await withHost(t.hearth.server.url, host, 'GET', '/api/v1/setup')).status, 200, host);
    }
    const rebound = await withHost(t.hearth.server.url, `evil.example:${port}`, 'GET', '/api/v1/setup');
    assert.equal(rebound.status, 421);
    const error = JSON.parse(rebound.body);
    assert.equal(error.code, 'misdirected_host');
    assert.match(error.message, /listens on loopback .* not for "evil\.example"/);
    const login = await withHost(
      t.hearth.server.url,
      'evil.example',
      'POST',
      '/api/v1/auth/login',
      JSON.stringify({ username: 'alice', password: 'wrong-password' }),
    );
    assert.equal(login.status, 421, 'not even a login attempt is counted');
    assert.equal(
      (await withHost(t.hearth.server.url, 'evil.example', 'GET', '/')).status,
      421,
      'nor the dashboard',
    );
  });
});
