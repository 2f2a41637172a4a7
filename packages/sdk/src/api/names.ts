/**
 * Names users choose (workspaces, usernames, orgs, tokens) are DNS labels, so they can become
 * hostnames and container names unchanged.
 */
const DNS_LABEL = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Returns why `value` is not a valid name of the given kind, or `undefined` when it is. */
export function nameProblem(kind: string, value: string): string | undefined {
  if (DNS_LABEL.test(value)) return undefined;
  const hint = 'use 1-63 lowercase letters, digits or "-", starting with a letter and not ending with "-"';
  if (value.length === 0) return `${kind} name is empty: ${hint}`;
  if (value.length > 63)
    return `${kind} name "${value.slice(0, 20)}…" is ${value.length} characters long: ${hint}`;
  return `${kind} name "${value}" is not a DNS label: ${hint}`;
}

/**
 * {@link nameProblem} for a new workspace or user name, which also becomes part of app and port
 * hostnames (`PORT--WORKSPACE--OWNER.<apps domain>`): a `--` inside it would let two workspaces of
 * different owners read as the same host. Names made before this rule keep working.
 */
export function addressNameProblem(kind: 'workspace' | 'user', value: string): string | undefined {
  const problem = nameProblem(kind, value);
  if (problem || !value.includes('--')) return problem;
  return `${kind} name "${value}" contains "--", which separates the parts of app and port URLs (PORT--WORKSPACE--OWNER): use single hyphens`;
}
