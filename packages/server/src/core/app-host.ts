/**
 * App and port hostnames: `PORT-or-APP--WORKSPACE--OWNER.<apps domain>`. Each app and port gets
 * its own origin, so an app's JavaScript never shares an origin (or cookies) with the dashboard.
 */

/** What an app hostname names: a port number or a declared app's name, of OWNER's WORKSPACE. */
export interface AppAddress {
  readonly target: string;
  readonly workspace: string;
  readonly owner: string;
}

const PORT = /^[1-9][0-9]{0,4}$/;

/** `target` as a port number, or `undefined` when it names an app. */
export function portOf(target: string): number | undefined {
  if (!PORT.test(target)) return undefined;
  const port = Number(target);
  return port <= 65535 ? port : undefined;
}

/** The hostname (with the apps domain's port, if any) of `address`. */
export function appHost(address: AppAddress, appsDomain: string): string {
  return `${address.target}--${address.workspace}--${address.owner}.${appsDomain}`.toLowerCase();
}

/** The label before the apps domain, or `undefined` when `host` is not an app host of `appsDomain`. */
export function appLabel(host: string | undefined, appsDomain: string): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  const suffix = `.${appsDomain.toLowerCase()}`;
  if (!lower.endsWith(suffix)) return undefined;
  const label = lower.slice(0, -suffix.length);
  return label.includes('.') || label === '' ? undefined : label;
}

/**
 * Every reading of `label`. Workspace and user names may themselves contain `--`, so a label with
 * more than two separators has several readings; the caller keeps the one that exists. The
 * target (a port or an app name) never contains `--`.
 */
export function addressCandidates(label: string): AppAddress[] {
  const parts = label.split('--');
  if (parts.length < 3 || parts.some((p) => p === '')) return [];
  const [target, ...rest] = parts;
  const out: AppAddress[] = [];
  for (let i = 1; i < rest.length; i++)
    out.push({ target: target!, workspace: rest.slice(0, i).join('--'), owner: rest.slice(i).join('--') });
  return out;
}
