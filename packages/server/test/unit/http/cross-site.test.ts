import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossSiteRefusal } from '../../../src/http/browser/cross-site.js';
import { readCookie } from '../../../src/http/browser/session-cookie.js';

const host = '127.0.0.1:7080';
const web = { 'x-hearth-client': 'web', host };

describe('crossSiteRefusal (requests authenticated by the session cookie)', () => {
  it('lets the dashboard read and change', () => {
    assert.equal(
      crossSiteRefusal({ method: 'GET', headers: { host, 'sec-fetch-site': 'same-origin' } }),
      undefined,
    );
    const post = { ...web, origin: 'http://127.0.0.1:7080', 'sec-fetch-site': 'same-origin' };
    assert.equal(crossSiteRefusal({ method: 'POST', headers: post }), undefined);
  });

  it('refuses a change without the dashboard header (a plain form post)', () => {
    assert.match(crossSiteRefusal({ method: 'POST', headers: { host } }) ?? '', /x-hearth-client/);
    assert.match(
      crossSiteRefusal({ method: 'DELETE', headers: { host, 'x-hearth-client': 'cli' } }) ?? '',
      /header/,
    );
  });

  it('refuses anything another site sent, even a GET or a WebSocket upgrade', () => {
    assert.match(
      crossSiteRefusal({ method: 'GET', headers: { host, origin: 'http://evil.example' } }) ?? '',
      /evil/,
    );
    assert.match(
      crossSiteRefusal({ method: 'POST', headers: { ...web, 'sec-fetch-site': 'cross-site' } }) ?? '',
      /cross-site/,
    );
    assert.match(
      crossSiteRefusal({ method: 'POST', headers: { ...web, 'sec-fetch-site': 'same-site' } }) ?? '',
      /same-site/,
    );
    assert.match(crossSiteRefusal({ method: 'POST', headers: { ...web, origin: 'null' } }) ?? '', /opaque/);
    assert.match(
      crossSiteRefusal({ method: 'GET', headers: { host, origin: 'not a url' } }) ?? '',
      /not a URL/,
    );
  });
});

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    assert.equal(readCookie('a=1; hearth_session=abc%3D; b=2', 'hearth_session'), 'abc=');
    assert.equal(readCookie('hearth_session_x=1', 'hearth_session'), undefined);
    assert.equal(readCookie(undefined, 'hearth_session'), undefined);
  });
});
