import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { guardTextOutput, printable } from '../../src/terminal-text.js';

describe('printable', () => {
  it('given escape sequences, NUL, CR, DEL and C1 controls, when printed, then each is written out', () => {
    assert.equal(
      printable('a\u001b]0;pwned\u0007b\u0000c\rd\u007fe\u009b2Jf'),
      'a\\u001b]0;pwned\\u0007b\\u0000c\\u000dd\\u007fe\\u009b2Jf',
    );
  });

  it('given tabs, newlines and non-ASCII text, when printed, then they stay as they are', () => {
    assert.equal(printable('name\tstate\nzoë 🚀 café\n'), 'name\tstate\nzoë 🚀 café\n');
  });

  it('given JSON with a control character, when printed, then it is still valid JSON with the same value', () => {
    const json = JSON.stringify({ email: 'x\u0085y' });
    assert.deepEqual(JSON.parse(printable(json)), { email: 'x\u0085y' });
  });
});

describe('guardTextOutput', () => {
  it('given a guarded stream, when strings and bytes are written, then strings are made printable and bytes pass untouched', async () => {
    const stream = new PassThrough();
    guardTextOutput(stream);
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.write('user \u001b[2Jmallory\n');
    stream.write(Buffer.from('\u001b[1mbold\u001b[0m'));
    stream.end();
    await new Promise((resolve) => stream.on('end', resolve));
    assert.equal(Buffer.concat(chunks).toString(), 'user \\u001b[2Jmallory\n\u001b[1mbold\u001b[0m');
  });
});

describe('the hearth command', () => {
  it('given a server whose stored data holds escape sequences, when whoami prints it, then no control character reaches the terminal', async () => {
    const email = 'x\u001b]0;pwned\u0007\u001b[2J@example.com';
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          id: 'u1',
          username: 'mallory',
          email,
          siteAdmin: false,
          suspended: false,
          createdAt: '2026-12-01T00:00:00.000Z',
          orgs: [],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const main = fileURLToPath(new URL('../../src/main.js', import.meta.url));
      const config = await mkdtemp(join(tmpdir(), 'hearth-cli-'));
      const run = promisify(execFile);
      const env = {
        ...process.env,
        HEARTH_URL: `http://127.0.0.1:${port}`,
        HEARTH_TOKEN: 't',
        HEARTH_CONFIG_DIR: config,
      };
      for (const args of [['whoami'], ['whoami', '-o', 'json']]) {
        const { stdout } = await run(process.execPath, [main, ...args], { env });
        assert.doesNotMatch(stdout, /(?![\t\n])\p{Cc}/u, args.join(' '));
        assert.match(stdout, /\\u001b\]0;pwned\\u0007/, args.join(' '));
      }
      await rm(config, { recursive: true, force: true });
    } finally {
      server.close();
    }
  });
});
