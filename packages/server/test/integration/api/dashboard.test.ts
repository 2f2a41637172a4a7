/**
 * The dashboard's static files at `/`: index.html for client routes, hashed assets cached for a
 * year, a strict CSP, and API paths still answering JSON errors. Needs the built packages/web.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, startHearth, type TestHearth } from '../../support/hearth.js';

describe('the dashboard at /', () => {
  let hearth: TestHearth;
  before(async () => {
    hearth = await startHearth();
  });
  after(async () => {
    await hearth.close();
    await removeDir(hearth.dataDir);
  });

  it('serves index.html at / and at client routes, revalidated, with a strict CSP', async () => {
    for (const path of ['/', '/workspaces/alice/dev', '/account']) {
      const res = await fetch(`${hearth.server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(await res.text(), /<div id="root">/);
    }
  });

  it('caches hashed assets for a year, gzipped when asked, and 404s a missing one', async () => {
    const html = await (await fetch(hearth.server.url)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'index.html names its script');
    const res = await fetch(`${hearth.server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    const missing = await fetch(`${hearth.server.url}/assets/gone-1234.js`);
    assert.equal(missing.status, 404);
  });

  it('keeps answering unknown API paths with a JSON error, not the page', async () => {
    const res = await fetch(`${hearth.server.url}/api/v1/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'not_found');
  });
});
