import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  INJECT_FAILED,
  INJECT_SCRIPT,
  injectionPayload,
  redact,
  redactions,
  renderEnvFile,
  secretNameProblem,
  USER_DIR,
  WORKSPACE_ENV,
  withSecretEnv,
  withSecretsWritten,
} from '../../../src/core/secrets.js';

describe('secretNameProblem', () => {
  it('given variable names, when checked, then there is no problem', () => {
    for (const name of ['NPM_TOKEN', 'a', '_x', 'Key9'])
      assert.equal(secretNameProblem(name), undefined, name);
  });

  it('given names that are not variables or are reserved, when checked, then the problem says which', () => {
    for (const name of ['', '9A', 'A-B', 'A B', 'a/b', '../x', 'X'.repeat(129)])
      assert.match(secretNameProblem(name) ?? '', /is not a valid secret name/, name);
    for (const name of ['PATH', 'HOME', 'HEARTH_TOKEN', 'GIT_SSH_COMMAND'])
      assert.match(secretNameProblem(name) ?? '', /is reserved/, name);
  });
});

describe('injectionPayload', () => {
  it('given a session, a key and secrets, when encoded, then one base64 line per file, env secrets in one file', () => {
    const payload = injectionPayload({
      cliSession: '{"token":"t"}',
      gitPrivateKey: 'KEY\n',
      secrets: [
        { name: 'A', value: "it's", file: false },
        { name: 'CERT', value: 'line1\nline2', file: true },
      ],
    });
    const lines = payload.split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    const decoded = lines.map((l) => {
      const [path, data] = l.split(' ');
      return [path, Buffer.from(data!, 'base64').toString()];
    });
    assert.deepEqual(decoded, [
      ['cli/session.json', '{"token":"t"}'],
      ['git/id_ed25519', 'KEY\n'],
      ['env', "export A='it'\\''s'\n"],
      ['secrets/CERT', 'line1\nline2'],
    ]);
  });

  it('given the payload, when the injection script runs in a shell, then every file lands private', () => {
    const root = execFileSync('mktemp', ['-d']).toString().trim();
    try {
      const script = INJECT_SCRIPT.replaceAll(USER_DIR, `${root}/user`);
      execFileSync('sh', ['-c', script], {
        input: injectionPayload({
          cliSession: 's',
          gitPrivateKey: 'k',
          secrets: [{ name: 'F', value: 'v\n', file: true }],
        }),
      });
      const listing = execFileSync('sh', [
        '-c',
        `cd ${root}/user && stat -c '%a %n' . env cli/session.json secrets/F && cat secrets/F`,
      ]);
      assert.equal(listing.toString(), '700 .\n600 env\n600 cli/session.json\n600 secrets/F\nv\n');
    } finally {
      execFileSync('rm', ['-rf', root]);
    }
  });
});

describe('withSecretsWritten', () => {
  const run = (root: string, cmd: string[], input: string) => {
    const [file, ...args] = withSecretsWritten(cmd).map((a) => a.replaceAll(USER_DIR, `${root}/user`));
    return spawnSync(file!, args, { input });
  };

  it('given the payload, when the one exec runs, then the files land first and the command runs after with its own umask and no stdin', () => {
    const root = execFileSync('mktemp', ['-d']).toString().trim();
    try {
      const payload = injectionPayload({ cliSession: 's', gitPrivateKey: 'k', secrets: [] });
      const result = run(
        root,
        ['sh', '-c', `cat ${root}/user/cli/session.json; umask; cat; echo end`],
        payload,
      );
      assert.equal(result.status, 0, result.stderr.toString());
      const umask = execFileSync('sh', ['-c', 'umask']).toString();
      assert.equal(result.stdout.toString(), `s${umask}end\n`);
    } finally {
      execFileSync('rm', ['-rf', root]);
    }
  });

  it('given a payload the script refuses, when the exec runs, then it exits INJECT_FAILED without running the command', () => {
    const root = execFileSync('mktemp', ['-d']).toString().trim();
    try {
      const result = run(root, ['sh', '-c', 'echo ran'], '../evil ZGF0YQ==\n');
      assert.equal(result.status, INJECT_FAILED);
      assert.equal(result.stdout.toString(), '');
    } finally {
      execFileSync('rm', ['-rf', root]);
    }
  });
});

describe('environment', () => {
  it('given secrets, when rendered and sourced, then the shell sees the exact values', () => {
    const env = renderEnvFile([{ name: 'X', value: `a'b "c" $d\nnext`, file: false }]);
    const out = execFileSync('sh', ['-c', `${env}printf %s "$X"`]).toString();
    assert.equal(out, `a'b "c" $d\nnext`);
  });

  it('given a command, when wrapped, then it runs through sh with the env file sourced if readable', () => {
    assert.deepEqual(withSecretEnv(['echo', 'hi there']).slice(3), ['sh', 'echo', 'hi there']);
    assert.equal(
      execFileSync(withSecretEnv(['echo', 'a b'])[0]!, withSecretEnv(['echo', 'a b']).slice(1)).toString(),
      'a b\n',
    );
  });

  it('given the workspace environment, when read, then it holds paths only', () => {
    for (const e of WORKSPACE_ENV) assert.match(e, /^[A-Z_]+=.*\/run\/hearth\/user/);
  });
});

describe('redact', () => {
  it('given values, when masks are derived, then long values and their lines are masked, short ones not', () => {
    const masks = redactions(['abc', 'token-123', '-----BEGIN-----\nAAAABBBB\n-----END-----\n']);
    assert.deepEqual(masks, [
      '-----BEGIN-----\nAAAABBBB\n-----END-----\n',
      '-----BEGIN-----',
      '-----END-----',
      'token-123',
      'AAAABBBB',
    ]);
    assert.equal(redact('got token-123 and token-123; abc; AAAABBBB', masks), 'got *** and ***; abc; ***');
    assert.equal(redact('nothing here', masks), 'nothing here');
  });
});
