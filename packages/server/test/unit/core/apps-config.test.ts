import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { mergeApps, parseAppsConfig as parseWith } from '../../../src/core/apps-config.js';

const parseAppsConfig = (text: string, source: string) => parseWith(text, source, parse);

const CODER = `
apps:
  - name: code-server
    scheme: http
    port: 8080
    working-directory: /home/coder
    icon-path: /home/coder/icon.svg
    command: code-server
    args: ["--auth", "none", "--port", 8080]
    health-check:
      exec:
        command: pgrep
        args: ["code-server"]
      http:
        address: "http://localhost:8080/healthz"
  - name: Notebook
    port: 8888
`;

describe('parseAppsConfig', () => {
  it('given a Coder v1 config, when parsed, then every field is read', () => {
    const { apps, problems } = parseAppsConfig(CODER, '/coder/apps/config.yaml');
    assert.deepEqual(problems, []);
    assert.deepEqual(apps, [
      {
        name: 'code-server',
        scheme: 'http',
        port: 8080,
        workingDirectory: '/home/coder',
        iconPath: '/home/coder/icon.svg',
        start: { command: 'code-server', args: ['--auth', 'none', '--port', '8080'] },
        health: { exec: { command: 'pgrep', args: ['code-server'] }, http: 'http://localhost:8080/healthz' },
      },
      { name: 'notebook', scheme: 'http', port: 8888 },
    ]);
  });

  it('given bad apps, when parsed, then each is left out with its reason and the good ones stay', () => {
    const { apps, problems } = parseAppsConfig(
      'apps:\n  - {name: ok, port: 1}\n  - {name: "a--b", port: 2}\n  - {name: p, port: 70000}\n  - {name: s, port: 3, scheme: ftp}\n  - {name: h, port: 4, health-check: {http: {address: "localhost"}}}\n  - {name: ok, port: 5}',
      'f',
    );
    assert.deepEqual(
      apps.map((a) => a.name),
      ['ok'],
    );
    assert.equal(problems.length, 5);
    assert.match(problems[0]!, /^f: app 2: name "a--b"/);
    assert.match(problems[1]!, /port must be 1-65535/);
    assert.match(problems[2]!, /scheme must be http or https/);
    assert.match(problems[3]!, /address must be an http:\/\/ URL/);
    assert.match(problems[4]!, /declared twice/);
  });

  it('given text that is not a config, when parsed, then one problem says so', () => {
    assert.match(parseAppsConfig('apps: [', 'f').problems[0]!, /^f: not valid YAML/);
    assert.deepEqual(parseAppsConfig('other: 1', 'f').problems, ['f: no "apps:" list']);
  });

  it("given both files, when merged, then Hearth's file wins for an app of the same name", () => {
    const merged = mergeApps([
      parseAppsConfig('apps: [{name: web, port: 1}, {name: a, port: 2}]', 'coder'),
      parseAppsConfig('apps: [{name: web, port: 3}]', 'hearth'),
    ]);
    assert.deepEqual(
      merged.apps.map((a) => [a.name, a.port]),
      [
        ['web', 3],
        ['a', 2],
      ],
    );
  });
});
