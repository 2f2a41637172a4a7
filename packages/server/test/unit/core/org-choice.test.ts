import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseOrgForImage } from '../../../src/core/org-choice.js';

describe('chooseOrgForImage', () => {
  it('takes the user’s only org, whatever its catalogue says (the catalogue check names it)', () => {
    assert.deepEqual(chooseOrgForImage(['default'], [], 'x:1'), { ok: true, org: 'default' });
  });

  it('takes the only one of several orgs whose catalogue has the image', () => {
    assert.deepEqual(chooseOrgForImage(['default', 'team'], ['team'], 'x:1'), { ok: true, org: 'team' });
  });

  it('names the orgs that offer the image when several do', () => {
    const choice = chooseOrgForImage(['a', 'b', 'c'], ['a', 'c'], 'x:1');
    assert.equal(choice.ok, false);
    assert.equal(!choice.ok && choice.code, 'invalid_input');
    assert.match(!choice.ok ? choice.message : '', /several of your orgs \(a, c\); choose one with --org/);
  });

  it('names the user’s orgs when none offers the image', () => {
    const choice = chooseOrgForImage(['a', 'b'], [], 'x:1');
    assert.equal(!choice.ok && choice.code, 'image_not_in_catalogue');
    assert.match(!choice.ok ? choice.message : '', /none of your orgs' catalogues \(a, b\)/);
  });

  it('says so when the user is in no org', () => {
    assert.equal(chooseOrgForImage([], [], 'x:1').ok, false);
  });
});
