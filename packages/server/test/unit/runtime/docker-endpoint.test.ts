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
