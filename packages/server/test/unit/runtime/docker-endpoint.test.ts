import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveEndpoint } from '../../../src/runtime/docker/endpoint.js';

describe('resolveEndpoint', () => {
  it('defaults to the local engine socket', () => {
    assert.deepEqual(resolveEndpoint({}), {
      modem: { socketPath: '/var/run/docker.sock' },
      describe: 'unix:///var/run/docker.sock',
    });
  });

  it('prefers an explicit socket path over a host', () => {
    assert.deepEqual(resolveEndpoint({ socketPath: '/run/d.sock', host: 'tcp://h:1' }).modem, {
      socketPath: '/run/d.sock',
    });
  });

  it('reads unix:// and tcp:// hosts, defaulting the tcp port to 2375', () => {
    assert.deepEqual(resolveEndpoint({ host: 'unix:///run/user/1000/docker.sock' }).modem, {
      socketPath: '/run/user/1000/docker.sock',
    });
    assert.deepEqual(resolveEndpoint({ host: 'tcp://127.0.0.1:2376' }).modem, {
      protocol: 'http',
      host: '127.0.0.1',
      port: 2376,
    });
    assert.equal(resolveEndpoint({ host: 'tcp://engine.internal' }).modem.port, 2375);
  });

  it('rejects other schemes and relative socket paths', () => {
    assert.throws(() => resolveEndpoint({ host: 'ssh://me@box' }), /expected unix:\/\/ or tcp:\/\//);
    assert.throws(() => resolveEndpoint({ host: 'unix://docker.sock' }), /absolute/);
  });
});

describe('resolveEndpoint with TLS', () => {
  it('given --tls-verify without a CA, then it is refused and says what is missing', () => {
    assert.throws(
      () => resolveEndpoint({ host: 'tcp://10.0.0.12:2376', tls: { verify: true } }),
      /--tls-verify needs --tls-ca/,
    );
  });

  it('given a certificate without its key, then it is refused', () => {
    assert.throws(
      () => resolveEndpoint({ host: 'tcp://h:2376', tls: { verify: false, cert: '/c.pem' } }),
      /--tls-cert and --tls-key go together/,
    );
  });

  it('given TLS for a unix socket, then it is refused', () => {
    assert.throws(
      () => resolveEndpoint({ host: 'unix:///run/d.sock', tls: { verify: true, ca: '/ca.pem' } }),
      /tcp:\/\/ engines only/,
    );
  });

  it('given a CA file that does not exist, then the error names the file', () => {
    assert.throws(
      () => resolveEndpoint({ host: 'tcp://h:2376', tls: { verify: true, ca: '/nonexistent/ca.pem' } }),
      /docker TLS CA \/nonexistent\/ca.pem: ENOENT/,
    );
  });

  it('given no TLS settings, then a tcp engine is plain HTTP as before', () => {
    assert.equal(resolveEndpoint({ host: 'tcp://h:2376', tls: { verify: false } }).modem.protocol, 'http');
  });
});
