/**
 * The apps an image declares, in Coder v1's format (`/coder/apps/config.yaml`) or the same format
 * at Hearth's own place (`/hearth/apps.yaml`):
 *
 * ```yaml
 * apps:
 *   - name: code-server
 *     scheme: http
 *     port: 8080
 *     working-directory: /home/coder
 *     icon-path: /home/coder/icon.svg
 *     command: code-server
 *     args: ["--auth", "none", "--port", "8080"]
 *     health-check:
 *       exec: { command: pgrep, args: [code-server] }
 *       http: { address: "http://localhost:8080/healthz" }
 * ```
 *
 * Parsing is pure: an app that is not understood is left out with a problem saying why, and the
 * others still count (a typo in one app must not take the rest away).
 */

/** Where images declare apps; when both exist, Hearth's own file wins for an app of the same name. */
export const APPS_CONFIG_PATHS = ['/coder/apps/config.yaml', '/hearth/apps.yaml'] as const;

export interface AppCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface AppSpec {
  readonly name: string;
  readonly scheme: 'http' | 'https';
  readonly port: number;
  readonly workingDirectory?: string;
  readonly iconPath?: string;
  /** Started as the workspace user at the end of every build. */
  readonly start?: AppCommand;
  readonly health?: { readonly exec?: AppCommand; readonly http?: string };
}

export interface ParsedApps {
  readonly apps: AppSpec[];
  readonly problems: string[];
}

const APP_NAME = /^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$/;

/** `parseYaml` is the `yaml` package's `parse`, which the caller loads only when an image declares apps. */
export function parseAppsConfig(
  text: string,
  source: string,
  parseYaml: (text: string) => unknown,
): ParsedApps {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return { apps: [], problems: [`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const list = (doc as { apps?: unknown } | null)?.apps;
  if (!Array.isArray(list)) return { apps: [], problems: [`${source}: no "apps:" list`] };
  const apps: AppSpec[] = [];
  const problems: string[] = [];
  list.forEach((raw, i) => {
    const parsed = parseApp(raw);
    if (typeof parsed === 'string') problems.push(`${source}: app ${i + 1}: ${parsed}`);
    else if (apps.some((a) => a.name === parsed.name))
      problems.push(`${source}: app "${parsed.name}" is declared twice; the first counts`);
    else apps.push(parsed);
  });
  return { apps, problems };
}

/** Apps of several files in order; a later file's app replaces an earlier one of the same name. */
export function mergeApps(files: readonly ParsedApps[]): ParsedApps {
  const byName = new Map<string, AppSpec>();
  for (const file of files) for (const app of file.apps) byName.set(app.name, app);
  return { apps: [...byName.values()], problems: files.flatMap((f) => f.problems) };
}

function parseApp(raw: unknown): AppSpec | string {
  if (!raw || typeof raw !== 'object') return 'not a mapping';
  const a = raw as Record<string, unknown>;
  const name = typeof a.name === 'string' ? a.name.toLowerCase() : '';
  if (!APP_NAME.test(name) || name.includes('--'))
    return `name ${JSON.stringify(a.name)} must be 1-32 lowercase letters, digits or single "-", starting with a letter`;
  const scheme = a.scheme ?? 'http';
  if (scheme !== 'http' && scheme !== 'https') return `app ${name}: scheme must be http or https`;
  const port = Number(a.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `app ${name}: port must be 1-65535`;
  const start = a.command === undefined ? undefined : command(a.command, a.args);
  if (typeof start === 'string') return `app ${name}: ${start}`;
  const health = healthCheck(a['health-check']);
  if (typeof health === 'string') return `app ${name}: ${health}`;
  return {
    name,
    scheme,
    port,
    ...(typeof a['working-directory'] === 'string' ? { workingDirectory: a['working-directory'] } : {}),
    ...(typeof a['icon-path'] === 'string' ? { iconPath: a['icon-path'] } : {}),
    ...(start ? { start } : {}),
    ...(health ? { health } : {}),
  };
}

function command(cmd: unknown, args: unknown): AppCommand | string {
  if (typeof cmd !== 'string' || cmd.trim() === '') return 'command must be a non-empty string';
  if (
    args !== undefined &&
    (!Array.isArray(args) || args.some((x) => typeof x !== 'string' && typeof x !== 'number'))
  )
    return 'args must be a list of strings';
  return { command: cmd, args: ((args as unknown[]) ?? []).map(String) };
}

function healthCheck(raw: unknown): AppSpec['health'] | string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object') return 'health-check must be a mapping with exec and/or http';
  const h = raw as { exec?: { command?: unknown; args?: unknown }; http?: { address?: unknown } };
  const exec = h.exec === undefined ? undefined : command(h.exec?.command, h.exec?.args);
  if (typeof exec === 'string') return `health-check exec: ${exec}`;
  const address = h.http?.address;
  if (h.http !== undefined && (typeof address !== 'string' || !/^https?:\/\//.test(address)))
    return 'health-check http: address must be an http:// URL';
  if (!exec && !address) return 'health-check needs exec or http';
  return { ...(exec ? { exec } : {}), ...(typeof address === 'string' ? { http: address } : {}) };
}
