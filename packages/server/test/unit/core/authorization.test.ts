import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Caller, mayActOnWorkspace, type WorkspaceAction } from '../../../src/core/authorization.js';

const ACTIONS: WorkspaceAction[] = ['view', 'rebuild', 'start', 'stop', 'delete', 'exec'];
const MANAGE = ACTIONS.filter((a) => a !== 'exec');
const OWNER = 'u-owner';

const allowed = (caller: Caller, role: 'admin' | 'member' | undefined): WorkspaceAction[] =>
  ACTIONS.filter((action) => mayActOnWorkspace(caller, OWNER, role, action));

describe('mayActOnWorkspace', () => {
  it('given the owner, a member of the org, when acting, then every action is allowed, exec included', () => {
    assert.deepEqual(allowed({ id: OWNER, siteAdmin: false }, 'member'), ACTIONS);
    assert.deepEqual(allowed({ id: OWNER, siteAdmin: false }, 'admin'), ACTIONS);
  });

  it('given an owner removed from the org, when acting, then they may only look at the workspace', () => {
    assert.deepEqual(allowed({ id: OWNER, siteAdmin: false }, undefined), ['view']);
  });

  it('given an org admin, when acting on another member’s workspace, then everything but exec is allowed', () => {
    assert.deepEqual(allowed({ id: 'u-admin', siteAdmin: false }, 'admin'), MANAGE);
  });

  it('given a site admin outside the org, when acting, then everything but exec is allowed', () => {
    assert.deepEqual(allowed({ id: 'u-site', siteAdmin: true }, undefined), MANAGE);
    assert.deepEqual(allowed({ id: 'u-site', siteAdmin: true }, 'member'), MANAGE);
  });

  it('given a plain member of the same org, when acting, then nothing is allowed, not even view', () => {
    assert.deepEqual(allowed({ id: 'u-member', siteAdmin: false }, 'member'), []);
  });

  it('given someone outside the org, when acting, then nothing is allowed', () => {
    assert.deepEqual(allowed({ id: 'u-stranger', siteAdmin: false }, undefined), []);
  });
});
