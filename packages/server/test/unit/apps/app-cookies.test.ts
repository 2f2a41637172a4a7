import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  appSetCookie,
  isHearthAuthorization,
  signInPath,
  withoutHearthCookies,
} from '../../../src/apps/app-cookies.js';

describe('what crosses the app proxy', () => {
  it('given a Cookie header, when forwarded, then Hearth’s app and dashboard cookies are gone and the rest kept in order', () => {
    assert.equal(withoutHearthCookies('a=1; hearth_app_session=s; b=2; hearth_session=hth_x'), 'a=1; b=2');
    assert.equal(withoutHearthCookies('hearth_session=hth_x'), '');
    assert.equal(withoutHearthCookies(' theirs=1 '), 'theirs=1');
    assert.equal(
      withoutHearthCookies('hearth_sessions=kept'),
      'hearth_sessions=kept',
      'only the exact names',
    );
  });

  it('given an Authorization header, when it carries a Hearth token, then it is Hearth’s', () => {
    assert.equal(isHearthAuthorization('Bearer hth_abc'), true);
    assert.equal(isHearthAuthorization('bearer  hth_abc'), true);
    assert.equal(isHearthAuthorization('Bearer app-token'), false);
    assert.equal(isHearthAuthorization('Basic aHRoXw=='), false);
  });

  it('given an app’s Set-Cookie, when passed on, then it is host-only and never one of Hearth’s', () => {
    assert.equal(appSetCookie('a=1; Domain=apps.example; Path=/; Secure'), 'a=1; Path=/; Secure');
    assert.equal(appSetCookie('a=1;domain=.apps.example'), 'a=1');
    assert.equal(appSetCookie('a=1; Path=/; HttpOnly'), 'a=1; Path=/; HttpOnly');
    assert.equal(appSetCookie('hearth_app_session=planted; Path=/'), undefined);
    assert.equal(appSetCookie(' hearth_session=x'), undefined);
    assert.equal(
      appSetCookie('data=Domain=x; Path=/'),
      'data=Domain=x; Path=/',
      'a value is not an attribute',
    );
  });

  it('given the sign-in’s path, when it leaves this host or cannot be a header, then it is /', () => {
    assert.equal(signInPath('/src/index.html?x=1#y'), '/src/index.html?x=1#y');
    for (const path of [
      '//evil.example/',
      '/\\evil.example',
      '/a\\b',
      'https://evil.example/',
      '',
      'a/b',
      '/x\r\nSet-Cookie: y=1',
      '/\u0000',
    ])
      assert.equal(signInPath(path), '/', JSON.stringify(path));
  });
});
