/**
 * Dotfiles and personalization rules, pure: what to do with `~/dotfiles` given the user's setting
 * and what a probe of the home directory found, and the shell script that does it.
 *
 * The personalize stage probes the container ({@link PROBE_SCRIPT}), parses the answer
 * ({@link parseProbe}), decides here ({@link syncPlan}, {@link installPlan}) and runs
 * {@link renderActions}' script as the workspace user.
 */

/** A user's dotfiles setting. */
export interface DotfilesSetting {
  readonly url: string;
  /** Branch to check out; `null` means the repository's default branch. */
  readonly branch: string | null;
}

/** Install scripts, in the order the first existing one is chosen. Paths are relative to `~/dotfiles`. */
export const INSTALL_SCRIPTS = [
  'install.sh',
  'install',
  'bootstrap.sh',
  'bootstrap',
  'script/bootstrap',
  'setup.sh',
  'setup',
  'script/setup',
] as const;

/** Where the clone lives, relative to home. */
export const DOTFILES_DIR = 'dotfiles';

/**
 * The credentials a scheme URL carries in its user part: any user part of an http(s) URL (a token
 * passes as a user name), a password elsewhere (`ssh://git@host` is fine). Undefined when none.
 */
function urlCredentials(url: string): { readonly scheme: string; readonly user: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i.exec(url);
  if (!match) return undefined;
  const [, scheme, user] = match as unknown as [string, string, string];
  return /^https?$/i.test(scheme) || user.includes(':') ? { scheme, user } : undefined;
}

export const hasCredentials = (url: string): boolean => urlCredentials(url) !== undefined;

/** The URL as it may be shown anywhere (API answers, build logs, warnings): credentials replaced by `***`. */
export function redactUrl(url: string): string {
  const found = urlCredentials(url);
  if (!found) return url;
  return `${found.scheme}://***@${url.slice(found.scheme.length + 3 + found.user.length + 1)}`;
}

/** Accepts git URLs Hearth can hand to `git clone` safely: a scheme URL or scp-like `user@host:path`. */
export function dotfilesUrlProblem(url: string): string | undefined {
  const example = 'e.g. https://github.com/you/dotfiles or git@github.com:you/dotfiles.git';
  // Before anything that echoes the URL: the refusal must not repeat its credentials.
  if (hasCredentials(url))
    return `dotfiles URL ${redactUrl(url)} carries credentials, which would be readable in build logs and in your workspaces' git config: use an SSH URL with your Hearth git key (see "hearth gitssh"), or a repository that needs none`;
  if (url.length === 0 || url.length > 2048) return `dotfiles URL must be 1 to 2048 characters; ${example}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\s\u0000-\u001f\u007f]/.test(url))
    return `dotfiles URL must not contain spaces or control characters`;
  if (url.startsWith('-')) return `dotfiles URL must not start with "-"; ${example}`;
  // Nor any part git or ssh could take for an option (ssh://-oProxyCommand=…, a@b:--upload-pack=…).
  const optionLike = `dotfiles URL ${JSON.stringify(url)} has a host, user or path starting with "-", which git or ssh could read as an option; ${example}`;
  const scheme = /^(https?|ssh|git|file):\/\/([^/]*)/.exec(url);
  if (scheme) {
    const authority = scheme[2] ?? '';
    if (authority.startsWith('-') || authority.slice(authority.indexOf('@') + 1).startsWith('-'))
      return optionLike;
  }
  const scp = /^([^@/:]+)@([^:/]+):(.*)$/.exec(url);
  if (!scheme && scp && [scp[2], scp[3]].some((part) => part?.startsWith('-'))) return optionLike;
  if (/^(https?|ssh|git|file):\/\/[^/]*\/?./.test(url)) return undefined;
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+/.test(url)) return undefined;
  return `"${url}" is not a git URL (https://, ssh://, git://, file:// or user@host:path); ${example}`;
}

/**
 * What a failed clone of `url` should add: a `file://` URL is read where the clone runs, inside the
 * workspace, which nothing else would tell the user who pointed it at their own machine.
 */
export function cloneFailureHint(url: string): string | undefined {
  if (!url.startsWith('file://')) return undefined;
  return `${url} is resolved inside the workspace, where the clone runs (not on your machine or the server): put the repository at that path in the workspace, or use a URL the workspace can reach (https://, ssh://, git@host:path)`;
}

/**
 * Clones `$1` into `$2` (with `--branch $3` when given). Without a branch asked for, a repository whose
 * HEAD names a branch it does not have clones to an empty checkout: then its `main`, `master` or only
 * branch is checked out, saying so; with several and none of those, it fails naming them and the fix.
 * Run as `sh -c CLONE_SCRIPT sh URL DIR [BRANCH]`, as the user, with cwd = home.
 */
export const CLONE_SCRIPT = `
set -e
if [ -n "\${3:-}" ]; then exec git clone --branch "$3" -- "$1" "$2"; fi
git clone -- "$1" "$2"
cd "$2"
git rev-parse -q --verify HEAD >/dev/null && exit 0
head=$(git symbolic-ref -q --short HEAD || echo HEAD)
branches=$(git for-each-ref --format='%(refname:lstrip=3)' refs/remotes/origin/ | grep -vx HEAD || true)
if [ -z "$branches" ]; then
  echo "$1 has no branches yet: push one (git push origin main), then rebuild" >&2
  exit 3
fi
pick=
for b in main master; do
  if printf '%s\n' "$branches" | grep -qx "$b"; then pick=$b; break; fi
done
if [ -z "$pick" ] && [ "$(printf '%s\n' "$branches" | wc -l)" -eq 1 ]; then pick=$branches; fi
if [ -z "$pick" ]; then
  echo "$1: its HEAD names branch $head, which does not exist, and it has several: $(echo $branches). Choose one: hearth dotfiles set $1 --branch NAME" >&2
  exit 3
fi
git checkout -q -b "$pick" --track "origin/$pick"
echo "$1: its HEAD names branch $head, which does not exist; checked out $pick instead (hearth dotfiles set $1 --branch NAME chooses another)"
`;

/** Accepts branch names git accepts, minus the ones that could be read as options. */
export function branchProblem(branch: string): string | undefined {
  const ok =
    /^[A-Za-z0-9._/-]{1,255}$/.test(branch) &&
    !branch.startsWith('-') &&
    !branch.startsWith('/') &&
    !branch.endsWith('/') &&
    !branch.endsWith('.lock') &&
    !branch.includes('..') &&
    !branch.includes('//');
  return ok ? undefined : `"${branch}" is not a valid branch name, e.g. main or release/2.1`;
}

/** What the clone in `~/dotfiles` looks like now. */
export interface CloneState {
  readonly exists: boolean;
  /** `origin`'s URL, when it is a git clone with one. */
  readonly url?: string;
  /** The checked-out branch, when on one. */
  readonly branch?: string;
  /** Nothing is checked out (HEAD names no commit), e.g. its repository's HEAD named a missing branch. */
  readonly empty?: boolean;
}

/**
 * Prints `~/dotfiles`' state for {@link parseCloneState}: `exists`, then `url\t…` and `branch\t…` when
 * known, and `empty` when nothing is checked out.
 */
export const CLONE_PROBE_SCRIPT = `
cd "$HOME/${DOTFILES_DIR}" 2>/dev/null || exit 0
echo exists
u=$(git remote get-url origin 2>/dev/null) && printf 'url\\t%s\\n' "$u"
b=$(git symbolic-ref --short -q HEAD 2>/dev/null) && printf 'branch\\t%s\\n' "$b"
git rev-parse -q --verify HEAD >/dev/null 2>&1 || echo empty
exit 0
`;

export function parseCloneState(output: string): CloneState {
  const lines = output.split('\n');
  const field = (key: string) =>
    lines.find((l) => l.startsWith(`${key}\t`))?.slice(key.length + 1) || undefined;
  const url = field('url');
  const branch = field('branch');
  return {
    exists: lines.includes('exists'),
    ...(url !== undefined ? { url } : {}),
    ...(branch !== undefined ? { branch } : {}),
    ...(lines.includes('empty') ? { empty: true } : {}),
  };
}

export type SyncPlan =
  | { readonly action: 'clone' }
  | { readonly action: 'update' }
  /**
   * Clone afresh into `staging` (relative to home); only once that worked, move the old clone to
   * `backup` and the new one into place, so a clone that fails leaves the old dotfiles working.
   */
  | { readonly action: 'replace'; readonly staging: string; readonly backup: string; readonly why: string };

/**
 * Same URL (and branch, when one is asked for) with something checked out → fast-forward; anything else
 * there → back it up, clone afresh.
 */
export function syncPlan(wanted: DotfilesSetting, current: CloneState, now: Date): SyncPlan {
  if (!current.exists) return { action: 'clone' };
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  const replace = (why: string) =>
    ({
      action: 'replace',
      staging: `${DOTFILES_DIR}.new-${stamp}`,
      backup: `${DOTFILES_DIR}.bak-${stamp}`,
      why,
    }) as const;
  if (current.url === undefined) return replace(`~/${DOTFILES_DIR} is not a clone with an origin`);
  if (current.url !== wanted.url)
    return replace(`the dotfiles URL changed from ${current.url} to ${wanted.url}`);
  if (wanted.branch !== null && current.branch !== wanted.branch)
    return replace(`the branch changed from ${current.branch ?? '(none)'} to ${wanted.branch}`);
  // Nothing to fast-forward: an earlier clone found no branch to check out.
  if (current.empty) return replace(`~/${DOTFILES_DIR} has nothing checked out`);
  return { action: 'update' };
}

/** What is at `~/NAME` for a top-level dotfile `NAME` of the clone. */
export type HomeEntry = 'none' | 'ours' | 'link' | 'file' | 'dir';

export interface Probe {
  /** Whether `~/dotfiles` is a directory. */
  readonly clone: boolean;
  /** Install-script candidates that are regular files, with whether they are executable. */
  readonly scripts: readonly { readonly path: string; readonly executable: boolean }[];
  /** Top-level dotfiles of the clone (never `.git`), what home has under that name, and its `NAME.bak*` names. */
  readonly entries: readonly {
    readonly name: string;
    readonly home: HomeEntry;
    readonly backups: readonly string[];
  }[];
  /** `~/personalize`: absent, present but not executable, or executable. */
  readonly personalize: 'none' | 'plain' | 'executable';
}

/**
 * Prints one line per fact, tab-separated, for {@link parseProbe}. Runs as the user with cwd = home.
 * Names holding a tab or newline are left out (they cannot be reported unambiguously).
 */
export const PROBE_SCRIPT = `
nl='
'
tab=$(printf '\\t')
if [ -L "$HOME/personalize" ] || [ -e "$HOME/personalize" ]; then
  if [ -x "$HOME/personalize" ] && [ -f "$HOME/personalize" ]; then echo "personalize\${tab}executable"; else echo "personalize\${tab}plain"; fi
fi
cd "$HOME/${DOTFILES_DIR}" 2>/dev/null || exit 0
echo clone
for s in ${INSTALL_SCRIPTS.join(' ')}; do
  if [ -f "$s" ]; then
    if [ -x "$s" ]; then echo "script\${tab}x\${tab}$s"; else echo "script\${tab}-\${tab}$s"; fi
  fi
done
for n in .[!.]* ..?*; do
  [ -e "$n" ] || [ -L "$n" ] || continue
  [ "$n" = .git ] && continue
  case "$n" in *"$tab"* | *"$nl"*) continue ;; esac
  t="$HOME/$n"
  if [ -L "$t" ]; then
    if [ "$(readlink "$t")" = "$HOME/${DOTFILES_DIR}/$n" ]; then k=ours; else k=link; fi
  elif [ -d "$t" ]; then k=dir
  elif [ -e "$t" ]; then k=file
  else k=none
  fi
  line="entry\${tab}$n\${tab}$k"
  for b in "$t".bak "$t".bak.*; do
    if [ -e "$b" ] || [ -L "$b" ]; then line="$line\${tab}\${b##*/}"; fi
  done
  printf '%s\\n' "$line"
done
`;

/** Parses {@link PROBE_SCRIPT}'s output; unknown lines are ignored. */
export function parseProbe(output: string): Probe {
  let clone = false;
  let personalize: Probe['personalize'] = 'none';
  const scripts: { path: string; executable: boolean }[] = [];
  const entries: { name: string; home: HomeEntry; backups: string[] }[] = [];
  for (const line of output.split('\n')) {
    const [kind, ...f] = line.split('\t');
    if (kind === 'clone') clone = true;
    else if (kind === 'personalize' && (f[0] === 'plain' || f[0] === 'executable')) personalize = f[0];
    else if (kind === 'script' && f.length === 2) scripts.push({ path: f[1]!, executable: f[0] === 'x' });
    else if (kind === 'entry' && f.length >= 2 && isHomeEntry(f[1]!))
      entries.push({ name: f[0]!, home: f[1], backups: f.slice(2) });
  }
  return { clone, scripts, entries, personalize };
}

const isHomeEntry = (s: string): s is HomeEntry => ['none', 'ours', 'link', 'file', 'dir'].includes(s);

/** One step of installing dotfiles; paths are relative to home. */
export type Action =
  | { readonly kind: 'chmod'; readonly path: string }
  | { readonly kind: 'run'; readonly path: string }
  | { readonly kind: 'link'; readonly name: string; readonly replaceLink: boolean }
  | { readonly kind: 'backup'; readonly name: string; readonly to: string }
  | { readonly kind: 'note'; readonly text: string };

/**
 * The first existing install script runs (made executable first if it is not); without one, every
 * top-level dotfile is symlinked into home. A regular file in the way moves to the first free
 * `NAME.bak`, `NAME.bak.1`, …; a symlink elsewhere is replaced; a directory in the way is left alone.
 */
export function installPlan(probe: Probe): Action[] {
  if (!probe.clone) return [];
  const script = INSTALL_SCRIPTS.map((p) => probe.scripts.find((s) => s.path === p)).find((s) => s);
  if (script) {
    const path = `${DOTFILES_DIR}/${script.path}`;
    return [...(script.executable ? [] : [{ kind: 'chmod', path } as const]), { kind: 'run', path } as const];
  }
  if (probe.entries.length === 0)
    return [{ kind: 'note', text: 'no install script and no dotfiles to link' }];
  const actions: Action[] = [];
  for (const e of [...probe.entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.home === 'ours') actions.push({ kind: 'note', text: `~/${e.name} already links to the dotfiles` });
    else if (e.home === 'dir')
      actions.push({ kind: 'note', text: `~/${e.name} is a directory; left as it is, not linked` });
    else if (e.home === 'file') {
      actions.push({ kind: 'backup', name: e.name, to: freeBackupName(e.name, e.backups) });
      actions.push({ kind: 'link', name: e.name, replaceLink: false });
    } else actions.push({ kind: 'link', name: e.name, replaceLink: e.home === 'link' });
  }
  return actions;
}

/** `NAME.bak`, or `NAME.bak.N` with the smallest N ≥ 1 not taken. */
export function freeBackupName(name: string, taken: readonly string[]): string {
  const used = new Set(taken);
  if (!used.has(`${name}.bak`)) return `${name}.bak`;
  for (let n = 1; ; n++) if (!used.has(`${name}.bak.${n}`)) return `${name}.bak.${n}`;
}

/** Quotes a word for POSIX sh. */
export const shQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * A POSIX sh script that performs `actions` from the home directory, saying what it does.
 * It stops at the first failing step; the install script's exit code becomes the script's.
 */
export function renderActions(actions: readonly Action[]): string {
  const lines = ['set -e', 'cd "$HOME"'];
  const say = (text: string) => lines.push(`echo ${shQuote(text)}`);
  for (const a of actions) {
    if (a.kind === 'note') say(a.text);
    else if (a.kind === 'chmod') {
      say(`${a.path} is not executable; running chmod +x on it`);
      lines.push(`chmod +x -- ${shQuote(a.path)}`);
    } else if (a.kind === 'run') {
      say(`running ~/${a.path}`);
      lines.push(`cd ${DOTFILES_DIR}`, `exec ${shQuote(`./${a.path.slice(DOTFILES_DIR.length + 1)}`)}`);
    } else if (a.kind === 'backup') {
      say(`moving ~/${a.name} to ~/${a.to}`);
      lines.push(`mv -n -- ${shQuote(a.name)} ${shQuote(a.to)}`);
    } else {
      const target = `$HOME/${DOTFILES_DIR}/`;
      say(
        `${a.replaceLink ? 'replacing the symlink ' : 'linking '}~/${a.name} -> ~/${DOTFILES_DIR}/${a.name}`,
      );
      if (a.replaceLink) lines.push(`rm -f -- ${shQuote(a.name)}`);
      lines.push(`ln -s -- "${target}"${shQuote(a.name)} ${shQuote(a.name)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
