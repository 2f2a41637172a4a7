import { UsageError } from './errors.js';

/** A workspace as the API addresses it: owner (`me` for the caller) and name. */
export interface WorkspaceRef {
  owner: string;
  name: string;
}

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Parses NAME as typed on the command line: `dev` is the caller's workspace, `alice/dev` is
 * alice's (for org admins). Anything else is a usage error, caught before any request is sent.
 */
export function parseWorkspaceRef(input: string): WorkspaceRef {
  const parts = input.split('/');
  if (parts.length > 2 || parts.some((p) => !PART.test(p))) {
    throw new UsageError(`invalid workspace "${input}": use NAME or OWNER/NAME`);
  }
  const [first, second] = parts as [string, string | undefined];
  return second === undefined ? { owner: 'me', name: first } : { owner: first, name: second };
}

/** The ref as a user would type it: `dev` for the caller's, `alice/dev` otherwise. */
export function formatWorkspaceRef(ref: WorkspaceRef): string {
  return ref.owner === 'me' ? ref.name : `${ref.owner}/${ref.name}`;
}
