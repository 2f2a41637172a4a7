import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Config, type ConfigResult, configHelp, loadConfig, SETTINGS } from '../../../src/app/config.js';

function config(result: ConfigResult): Config {
  assert.ok(result.ok === true, `expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function problems(result: ConfigResult): string[] {
  assert.ok(result.ok === false, `expected problems, got ${JSON.stringify(result)}`);
  return result.problems;
}

describe('loadConfig', () => {
  it('given no flags and no variables, when loaded, then every default applies', () => {
    const dataDir = join(homedir(), '.local', 'share', 'hearth');
    assert.deepEqual(config(loadConfig([], {})), {
      host: '127.0.0.1',
      port: 7080,
      dataDir,
      databaseFile: join(dataDir, 'hearth.db'),
      dockerHost: 'unix:///var/run/docker.sock',
      buildConcurrency: 2,
      stopGraceSeconds: 10,
      workspaceNetwork: 'auto',
      reconcileIntervalMs: 30_000,
      logLevel: 'info',
      lifecycleIntervalMs: 30_000,
      autoOffWarningMs: 15 * 60_000,
      imageCheckIntervalMs: 6 * 3_600_000,
      secretKeyFile: join(dataDir, 'secret.key'),
    });
  });

  it('given DOCKER_HOST, when no Hearth setting names the engine, then DOCKER_HOST is used', () => {
    assert.equal(
      config(loadConfig([], { DOCKER_HOST: 'tcp://10.0.0.2:2375' })).dockerHost,
      'tcp://10.0.0.2:2375',
    );
  });

  it('given an empty DOCKER_HOST, when loaded, then the default socket is used', () => {
    assert.equal(config(loadConfig([], { DOCKER_HOST: '' })).dockerHost, 'unix:///var/run/docker.sock');
  });

  it('given HEARTH_DOCKER_HOST and DOCKER_HOST, when loaded, then HEARTH_DOCKER_HOST wins, and the flag wins over both', () => {
    const env = { DOCKER_HOST: 'tcp://a:2375', HEARTH_DOCKER_HOST: 'tcp://b:2375' };
    assert.equal(config(loadConfig([], env)).dockerHost, 'tcp://b:2375');
    assert.equal(config(loadConfig(['--docker-host', 'unix:///c.sock'], env)).dockerHost, 'unix:///c.sock');
  });

  it('given every HEARTH_* variable, when loaded, then they override the defaults', () => {
    const env = {
      HEARTH_LISTEN: '0.0.0.0:9000',
      HEARTH_DATA_DIR: '/var/lib/hearth',
      HEARTH_DOCKER_HOST: 'tcp://127.0.0.1:2375',
      HEARTH_BUILD_CONCURRENCY: '4',
      HEARTH_STOP_GRACE: '1m',
      HEARTH_WORKSPACE_NETWORK: 'hearth',
      HEARTH_RECONCILE_INTERVAL: '2m',
      HEARTH_LOG_LEVEL: 'debug',
      HEARTH_LIFECYCLE_INTERVAL: '10s',
      HEARTH_AUTO_OFF_WARNING: '5m',
      HEARTH_IMAGE_CHECK_INTERVAL: '1h',
    };
    assert.deepEqual(config(loadConfig([], env)), {
      host: '0.0.0.0',
      port: 9000,
      dataDir: '/var/lib/hearth',
      databaseFile: join('/var/lib/hearth', 'hearth.db'),
      dockerHost: 'tcp://127.0.0.1:2375',
      buildConcurrency: 4,
      stopGraceSeconds: 60,
      workspaceNetwork: 'hearth',
      reconcileIntervalMs: 120_000,
      logLevel: 'debug',
      lifecycleIntervalMs: 10_000,
      autoOffWarningMs: 5 * 60_000,
      imageCheckIntervalMs: 3_600_000,
      secretKeyFile: join('/var/lib/hearth', 'secret.key'),
    });
  });

  it('given flags and variables for the same settings, when loaded, then the flags win', () => {
    const env = { HEARTH_LISTEN: '0.0.0.0:9000', HEARTH_BUILD_CONCURRENCY: '4', HEARTH_LOG_LEVEL: 'debug' };
    const argv = ['--listen', '127.0.0.1:7000', '--build-concurrency=8', '--data-dir', '/srv/h'];
    const result = config(loadConfig(argv, env));
    assert.equal(result.host, '127.0.0.1');
    assert.equal(result.port, 7000);
    assert.equal(result.buildConcurrency, 8);
    assert.equal(result.dataDir, '/srv/h');
    assert.equal(result.logLevel, 'debug');
  });

  it('given a bad variable that a flag overrides, when loaded, then the bad variable is not a problem', () => {
    assert.equal(config(loadConfig(['--log-level', 'warn'], { HEARTH_LOG_LEVEL: 'loud' })).logLevel, 'warn');
  });

  it('given --help or -h, when loaded, then it asks for help, even beside bad settings', () => {
    assert.deepEqual(loadConfig(['--help'], {}), { ok: 'help' });
    assert.deepEqual(loadConfig(['-h'], {}), { ok: 'help' });
    assert.deepEqual(loadConfig(['--listen', 'nope', '--help'], { HEARTH_LOG_LEVEL: 'loud' }), {
      ok: 'help',
    });
  });

  it('given several bad flags, when loaded, then one result lists every problem, each naming its flag', () => {
    const argv = [
      '--listen',
      'nope',
      '--build-concurrency',
      '0',
      '--stop-grace',
      'x',
      '--docker-host',
      'ftp://x',
      '--log-level',
      'loud',
    ];
    assert.deepEqual(problems(loadConfig(argv, {})), [
      '--listen "nope" is not address:port, e.g. 127.0.0.1:7080',
      '--build-concurrency "0" must be a whole number from 1 to 64',
      '--stop-grace "x" is not a duration: write a whole number with a unit, like 90m, 12h or 30d',
      '--docker-host "ftp://x" must start with unix:// or tcp://',
      '--log-level "loud" must be one of trace, debug, info, warn, error',
    ]);
  });

  it('given several bad variables, when loaded, then one result lists every problem, each naming its variable', () => {
    const env = {
      HEARTH_LISTEN: 'nope',
      HEARTH_BUILD_CONCURRENCY: '0',
      HEARTH_STOP_GRACE: 'x',
      HEARTH_DOCKER_HOST: 'ftp://x',
      HEARTH_LOG_LEVEL: 'loud',
      HEARTH_RECONCILE_INTERVAL: 'often',
    };
    const list = problems(loadConfig([], env));
    assert.equal(list.length, 6);
    for (const name of Object.keys(env)) {
      assert.equal(
        list.filter((p) => p.startsWith(`${name} "${env[name as keyof typeof env]}"`)).length,
        1,
        name,
      );
    }
  });

  it('given bad flags and bad variables mixed, when loaded, then each problem names where its value came from', () => {
    const list = problems(
      loadConfig(['--listen', 'nope', '--log-level', 'loud'], {
        HEARTH_BUILD_CONCURRENCY: 'many',
        HEARTH_LOG_LEVEL: 'info',
      }),
    );
    assert.equal(list.length, 3);
    assert.match(list[0]!, /^--listen "nope"/);
    assert.match(list[1]!, /^HEARTH_BUILD_CONCURRENCY "many"/);
    assert.match(list[2]!, /^--log-level "loud"/);
  });

  it('given a bad DOCKER_HOST, when loaded, then the problem names DOCKER_HOST as its source', () => {
    const list = problems(loadConfig([], { DOCKER_HOST: 'ftp://x' }));
    assert.equal(list.length, 1);
    assert.match(list[0]!, /DOCKER_HOST/);
    assert.match(list[0]!, /"ftp:\/\/x" must start with unix:\/\/ or tcp:\/\//);
  });

  it('given listen addresses, when loaded, then the port must be 0-65535 and an address must be present', () => {
    assert.equal(config(loadConfig(['--listen', '0.0.0.0:65535'], {})).port, 65535);
    assert.equal(config(loadConfig(['--listen', '127.0.0.1:0'], {})).port, 0);
    assert.deepEqual(config(loadConfig(['--listen', 'localhost:80'], {})).host, 'localhost');
    for (const listen of [
      '127.0.0.1:65536',
      ':7080',
      '127.0.0.1',
      '127.0.0.1:',
      '127.0.0.1:123456',
      'host:http',
    ]) {
      assert.match(problems(loadConfig(['--listen', listen], {}))[0]!, /is not address:port/, listen);
    }
  });

  it('given build concurrency at and beyond its bounds, when loaded, then only whole numbers 1-64 pass', () => {
    assert.equal(config(loadConfig(['--build-concurrency', '1'], {})).buildConcurrency, 1);
    assert.equal(config(loadConfig(['--build-concurrency', '64'], {})).buildConcurrency, 64);
    for (const value of ['0', '65', '1.5', '-1', 'two', '']) {
      // The = form, so parseArgs takes "-1" as the value rather than as a flag.
      assert.match(
        problems(loadConfig([`--build-concurrency=${value}`], {}))[0]!,
        /whole number from 1 to 64/,
        value,
      );
    }
  });

  it('given a stop grace in milliseconds, when loaded, then it rounds up to whole seconds', () => {
    assert.equal(config(loadConfig(['--stop-grace', '1500ms'], {})).stopGraceSeconds, 2);
    assert.equal(config(loadConfig(['--stop-grace', '0s'], {})).stopGraceSeconds, 0);
  });

  it('given a reconcile interval under a second, when loaded, then it must be at least 1s; 0s turns it off', () => {
    assert.deepEqual(problems(loadConfig(['--reconcile-interval', '500ms'], {})), [
      '--reconcile-interval must be at least 1s',
    ]);
    assert.equal(config(loadConfig(['--reconcile-interval', '1s'], {})).reconcileIntervalMs, 1000);
    assert.equal(config(loadConfig(['--reconcile-interval', '0s'], {})).reconcileIntervalMs, 0);
  });

  it('given each log level the logger knows, when loaded, then it is accepted', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) {
      assert.equal(config(loadConfig(['--log-level', level], {})).logLevel, level);
    }
  });

  it('given an unknown flag, when loaded, then it is a problem that points to --help', () => {
    const list = problems(loadConfig(['--nope'], {}));
    assert.equal(list.length, 1);
    assert.match(list[0]!, /--nope/);
    assert.match(list[0]!, /hearth server --help/);
  });

  it('given a positional argument or a flag without its value, when loaded, then it is a problem', () => {
    assert.match(problems(loadConfig(['serve'], {}))[0]!, /serve/);
    assert.match(problems(loadConfig(['--listen'], {}))[0]!, /--listen/);
  });
});

describe('configHelp', () => {
  it('given the settings, when help is printed, then every flag, variable and default appears', () => {
    const help = configHelp();
    assert.match(help, /^Usage: hearth server \[flags\]/);
    for (const setting of Object.values(SETTINGS)) {
      assert.ok(help.includes(`--${setting.flag}`), setting.flag);
      assert.ok(help.includes(setting.env), setting.env);
    }
    assert.match(help, /default: 127\.0\.0\.1:7080/);
    assert.match(help, /default: unix:\/\/\/var\/run\/docker\.sock/);
  });
});

describe('loadConfig: the secret key', () => {
  it('given HEARTH_SECRET_KEY of 32 bytes, when loaded, then it is the key; the key file defaults into the data dir', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const loaded = config(loadConfig(['--data-dir', '/srv/h'], { HEARTH_SECRET_KEY: key }));
    assert.equal(loaded.secretKey, key);
    assert.equal(loaded.secretKeyFile, '/srv/h/secret.key');
    assert.equal(
      config(loadConfig(['--secret-key-file', '/etc/hearth/key'], {})).secretKeyFile,
      '/etc/hearth/key',
    );
  });

  it('given a HEARTH_SECRET_KEY that is not 32 bytes, when loaded, then it is a problem saying how to make one', () => {
    assert.deepEqual(problems(loadConfig([], { HEARTH_SECRET_KEY: 'c2hvcnQ=' })), [
      'HEARTH_SECRET_KEY must be 32 random bytes in base64, e.g. from: openssl rand -base64 32',
    ]);
  });
});

describe('loadConfig: the plain SSH listener', () => {
  it('given nothing, when loaded, then there is no SSH listener; --help says it is off', () => {
    assert.equal(config(loadConfig([], {})).sshListen, undefined);
    assert.equal(config(loadConfig([], { HEARTH_SSH_LISTEN: '' })).sshListen, undefined);
    assert.match(configHelp(), /--ssh-listen +HEARTH_SSH_LISTEN .*hearth sshkeys add.*\(default: off\)/);
  });

  it('given --ssh-listen or HEARTH_SSH_LISTEN, when loaded, then it is the address; the flag wins', () => {
    assert.deepEqual(config(loadConfig(['--ssh-listen', '0.0.0.0:2222'], {})).sshListen, {
      host: '0.0.0.0',
      port: 2222,
    });
    assert.deepEqual(
      config(loadConfig(['--ssh-listen', '127.0.0.1:0'], { HEARTH_SSH_LISTEN: '0.0.0.0:22' })).sshListen,
      { host: '127.0.0.1', port: 0 },
    );
    assert.deepEqual(config(loadConfig([], { HEARTH_SSH_LISTEN: '[::1]:2222' })).sshListen, {
      host: '::1',
      port: 2222,
    });
  });

  it('given a bad SSH address, or the API’s own, when loaded, then the problem names it with the other problems', () => {
    assert.deepEqual(problems(loadConfig(['--ssh-listen', '2222', '--log-level', 'loud'], {})), [
      '--ssh-listen "2222" is not address:port, e.g. 0.0.0.0:2222',
      '--log-level "loud" must be one of trace, debug, info, warn, error',
    ]);
    assert.deepEqual(
      problems(loadConfig(['--listen', '127.0.0.1:7080'], { HEARTH_SSH_LISTEN: '127.0.0.1:7080' })),
      [`HEARTH_SSH_LISTEN "127.0.0.1:7080" is the API's own address (--listen): give SSH another port`],
    );
  });
});

describe('loadConfig: PostgreSQL', () => {
  it('given no database URL, when loaded, then the store is SQLite in the data dir', () => {
    const loaded = config(loadConfig(['--data-dir', '/srv/h'], {}));
    assert.equal(loaded.postgres, undefined);
    assert.equal(loaded.databaseFile, '/srv/h/hearth.db');
  });

  it('given HEARTH_DATABASE_URL, when loaded, then PostgreSQL with the default pool and timeout; flags win', () => {
    const url = 'postgres://hearth:pw@127.0.0.1:5432/hearth';
    assert.deepEqual(config(loadConfig([], { HEARTH_DATABASE_URL: url })).postgres, {
      url,
      poolSize: 10,
      statementTimeoutMs: 30_000,
    });
    const env = {
      HEARTH_DATABASE_URL: url,
      HEARTH_DATABASE_POOL_SIZE: '4',
      HEARTH_DATABASE_STATEMENT_TIMEOUT: '5s',
    };
    assert.deepEqual(config(loadConfig([], env)).postgres, { url, poolSize: 4, statementTimeoutMs: 5000 });
    const argv = [
      '--database-url',
      'postgresql:///hearth?host=/run/postgresql',
      '--database-pool-size',
      '20',
      '--database-statement-timeout',
      '0s',
    ];
    assert.deepEqual(config(loadConfig(argv, env)).postgres, {
      url: 'postgresql:///hearth?host=/run/postgresql',
      poolSize: 20,
      statementTimeoutMs: 0,
    });
  });

  it('given a bad URL, pool size or timeout, when loaded, then each is a problem, and the URL (it may hold a password) is not echoed', () => {
    const list = problems(
      loadConfig(['--database-pool-size', '0', '--database-statement-timeout', 'long'], {
        HEARTH_DATABASE_URL: 'mysql://root:secret@db/hearth',
      }),
    );
    assert.deepEqual(list, [
      '--database-statement-timeout "long" is not a duration: write a whole number with a unit, like 90m, 12h or 30d',
      '--database-pool-size "0" must be a whole number from 1 to 1000',
      'HEARTH_DATABASE_URL is not a PostgreSQL URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    ]);
    assert.ok(!list.join('\n').includes('secret'));
    assert.deepEqual(problems(loadConfig(['--database-url', 'not a url'], {})), [
      '--database-url is not a PostgreSQL URL; write postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    ]);
  });

  it('given --help, when printed, then it names the database settings and says SQLite is the default', () => {
    assert.match(
      configHelp(),
      /--database-url +HEARTH_DATABASE_URL .*\(default: SQLite in DATA_DIR\/hearth\.db\)/,
    );
    assert.match(configHelp(), /--database-pool-size .*\(default: 10\)/);
    assert.match(configHelp(), /--database-statement-timeout .*\(default: 30s\)/);
  });
});
