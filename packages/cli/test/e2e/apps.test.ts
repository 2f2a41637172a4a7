/**
 * Apps and port URLs as a user types them: the URL of a port, sharing within the org's maximum,
 * the image's declared apps with their health, the ports listening now, and the page itself through the printed URL
 * (fetched from 127.0.0.1 with the app host in the Host header, as `curl --resolve` would).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type E2E, PASSWORD, startE2E } from '../support/e2e.js';

const IMAGE = 'hearth-test-apps:latest';

describe('hearth apps, ports, port-forward and share', () => {
  let e: E2E;

  before(async () => {
    e = await startE2E('hearth-e2e-apps-');
    await e.ok(
      ['setup', e.url, '--username', 'alice', '--email', 'a@example.com', '--password-stdin'],
      PASSWORD,
    );
    await e.ok(['images', 'add', IMAGE, '--org', 'default']);
    await e.ok(['create', 'api', '--image', IMAGE, '--cpu', '1', '--memory', '512MiB', '--wait']);
  });

  after(async () => {
    await e.hearth(['delete', 'api', '--yes', '--wait']);
    await e.close();
  });

  it('prints a port URL that serves the port to its owner, and shares it within the org maximum', async () => {
    const port = new URL(e.url).port;
    const url = (await e.ok(['port-forward', 'api', '8080'])).stdout.trim();
    assert.equal(url, `http://8080--api--alice.localhost:${port}/`);
    assert.equal(
      (await e.ok(['share', 'api', '8080', '--level', 'authenticated'])).stdout,
      `${url} can be opened by anyone signed in to this Hearth.\n`,
    );
    const refused = await e.hearth(['share', 'api', '8080', '--level', 'public']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /allows sharing up to "authenticated".*--max-share public/);
    await e.ok(['orgs', 'policy', 'set', 'default', '--max-share', 'public']);
    await e.ok(['share', 'api', '8080', '--level', 'public']);
    // Public: the page loads with no sign-in at all.
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { host: new URL(url).host } },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.match(body, /^200 .*Hello from the workspace/);
    const bad = await e.hearth(['port-forward', 'api', 'nope']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /"nope" is neither a port \(1-65535\) nor an app of api \(its apps: web, notes, secure\)/,
    );
  });

  it('lists the declared apps with their health and the shared ports', async () => {
    let out = '';
    for (let i = 0; i < 60 && !/web\s+8080\s+healthy/.test(out); i++) {
      out = (await e.ok(['apps', 'list', 'api'])).stdout;
      if (!/web\s+8080\s+healthy/.test(out)) await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(out, /^APP\s+PORT\s+HEALTH\s+SHARED WITH\s+URL/);
    assert.match(out, /web\s+8080\s+healthy\s+owner\s+http:\/\/web--api--alice\.localhost/);
    assert.match(out, /notes\s+9090\s+unhealthy\s+owner/);
    assert.match(out, /port 8080\s+8080\s+-\s+public/);
    const json = JSON.parse((await e.ok(['apps', 'list', 'api', '-o', 'json'])).stdout);
    assert.equal(json.maxShareLevel, 'public');
  });

  it('given a port or a name that is no app, when restarted, then it says only apps restart and names them', async () => {
    for (const target of ['8080', 'nope']) {
      const r = await e.hearth(['apps', 'restart', 'api', target]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `only apps can be restarted, and "${target}" is not an app of api \\(its apps: web, notes, secure\\)`,
        ),
      );
    }
  });

  it('lists the ports listening in the workspace, with the declared app and who may open each', async () => {
    const out = (await e.ok(['ports', 'api'])).stdout;
    assert.match(out, /^PORT\s+APP\s+SHARED WITH\s+URL/);
    assert.match(out, /\n8080\s+web\s+public\s+http:\/\/8080--api--alice\.localhost:\d+\/\n/);
    assert.doesNotMatch(out, /9090/, 'nothing listens on the notes app port');
    const json = JSON.parse((await e.ok(['ports', 'api', '-o', 'json'])).stdout);
    assert.equal(json.ports.find((p: { port: number }) => p.port === 8080)?.app, 'web');
  });
});
