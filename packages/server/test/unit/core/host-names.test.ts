import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostnameOf, hostRefusal, isLoopbackName } from '../../../src/core/host-names.js';

const LOOPBACK = { loopbackOnly: true, names: [] };

describe('which Host names a server answers for', () => {
  it('given a Host header, when read, then its hostname is lower case, without port or brackets', () => {
    assert.equal(hostnameOf('LocalHost:7080'), 'localhost');
    assert.equal(hostnameOf('[::1]:7080'), '::1');
    assert.equal(hostnameOf('127.0.0.1'), '127.0.0.1');
  });

  it('given loopback names, when judged, then they are loopback; others are not', () => {
    for (const name of ['localhost', '3000--api--bob.localhost', '127.0.0.1', '127.1.2.3', '::1'])
      assert.equal(isLoopbackName(name), true, name);
    for (const name of ['evil.example', 'localhost.evil.example', '10.0.0.1', '127.0.0.1.evil.example', '::'])
      assert.equal(isLoopbackName(name), false, name);
  });

  it('given a server on loopback, when a request names another host (DNS rebinding), then it is refused and told why', () => {
    assert.equal(hostRefusal('127.0.0.1:7080', LOOPBACK), undefined);
    assert.equal(hostRefusal('localhost:7080', LOOPBACK), undefined);
    assert.equal(hostRefusal(undefined, LOOPBACK), undefined, 'no Host named, nothing misdirected');
    assert.equal(
      hostRefusal('evil.example:7080', LOOPBACK),
      'this server listens on loopback and answers for localhost, 127.0.0.1 and ::1, not for "evil.example": reach it by one of those, or name the host with --access-url',
    );
  });

  it('given a server on loopback with an access URL and an apps domain, when those are named, then they are answered', () => {
    const rule = { loopbackOnly: true, names: ['hearth.test', 'apps.hearth.test'] };
    assert.equal(hostRefusal('hearth.test:7291', rule), undefined);
    assert.equal(hostRefusal('3000--dev--alice.apps.hearth.test:7291', rule), undefined);
    assert.match(
      hostRefusal('evil.example', rule) ?? '',
      /and hearth\.test, apps\.hearth\.test, not for "evil\.example"/,
    );
  });

  it('given a server listening beyond loopback, when any host is named, then it answers (proxies name it as they like)', () => {
    assert.equal(hostRefusal('evil.example', { loopbackOnly: false, names: [] }), undefined);
  });
});
