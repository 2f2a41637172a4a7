import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Action,
  branchProblem,
  dotfilesUrlProblem,
  freeBackupName,
  hasCredentials,
  INSTALL_SCRIPTS,
  installPlan,
  type Probe,
  parseCloneState,
  parseProbe,
  redactUrl,
  renderActions,
  shQuote,
  syncPlan,
} from '../../../src/core/dotfiles.js';

const NOW = new Date('2026-11-27T21:30:05.123Z');
const URL_A = 'https://git.example.com/alice/dotfiles';
const probe = (p: Partial<Probe>): Probe => ({
  clone: true,
  scripts: [],
  entries: [],
  personalize: 'none',
  ...p,
});

describe('dotfilesUrlProblem', () => {
  it('given git URLs of every accepted form, when checked, then there is no problem', () => {
    for (const url of [
      URL_A,
      'http://git.local/x.git',
      'ssh://git@github.com/alice/dotfiles.git',
      'git://example.com/dotfiles',
      'file:///home/dev/repos/dots.git',
      'git@github.com:alice/dotfiles.git',
      'alice.b@host.example:dots',
      'git@host:/srv/dots.git',
    ]) {
      assert.equal(dotfilesUrlProblem(url), undefined, url);
    }
  });

  it('given a host, user or path that git or ssh could read as an option, when checked, then it is refused', () => {
    for (const url of [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${IFS}, as an attacker writes it
      'ssh://-oProxyCommand=touch${IFS}/tmp/pwned/x',
      'ssh://git@-oProxyCommand=x/y',
      'git://-x/y',
      'https://-x/y',
      'file://-x/y',
      'a@b:--upload-pack=x',
      'a@-b:dots',
    ]) {
      assert.match(
        dotfilesUrlProblem(url) ?? '',
        /starting with "-", which git or ssh could read as an option/,
        url,
      );
    }
    assert.equal(
      dotfilesUrlProblem('ssh://git@host/-odd-but-a-path.git'),
      undefined,
      'a path inside a URL is a path',
    );
  });

  it('given anything else, when checked, then the problem says what a git URL looks like', () => {
    for (const url of [
      '',
      'dotfiles',
      '/home/dev/dots',
      '--upload-pack=touch /tmp/x',
      '-oProxyCommand=x',
      'https://exa mple.com/x',
      'https://example.com/x\n',
      'ftp://example.com/x',
      'https://',
      'x'.repeat(2049),
    ]) {
      assert.match(dotfilesUrlProblem(url) ?? '', /dotfiles URL|not a git URL/, url);
    }
  });
});

describe('branchProblem', () => {
  it('given ordinary branch names, when checked, then there is no problem', () => {
    for (const b of ['main', 'work', 'release/2.1', 'feature_x-1', 'v1.0'])
      assert.equal(branchProblem(b), undefined, b);
  });

  it('given names git refuses or that read as options, when checked, then the problem names them', () => {
    for (const b of ['', '-f', '--upload-pack=x', 'a..b', 'a b', '/main', 'main/', 'x.lock', 'a//b', 'é']) {
      assert.match(branchProblem(b) ?? '', /is not a valid branch name/, b);
    }
  });
});

describe('syncPlan', () => {
  const wanted = { url: URL_A, branch: null };

  it('given no clone, when planned, then it clones', () => {
    assert.deepEqual(syncPlan(wanted, { exists: false }, NOW), { action: 'clone' });
  });

  it('given a clone of the same URL, when planned, then it fast-forwards whatever branch is out', () => {
    assert.deepEqual(syncPlan(wanted, { exists: true, url: URL_A, branch: 'dev' }, NOW), {
      action: 'update',
    });
    assert.deepEqual(
      syncPlan({ url: URL_A, branch: 'dev' }, { exists: true, url: URL_A, branch: 'dev' }, NOW),
      {
        action: 'update',
      },
    );
  });

  it('given another URL, when planned, then it clones afresh and backs the old one up under a timestamp', () => {
    assert.deepEqual(syncPlan(wanted, { exists: true, url: 'https://old.example/d' }, NOW), {
      action: 'replace',
      staging: 'dotfiles.new-20261127T213005123Z',
      backup: 'dotfiles.bak-20261127T213005123Z',
      why: `the dotfiles URL changed from https://old.example/d to ${URL_A}`,
    });
  });

  it('given another branch asked for, or a directory that is no clone, when planned, then it replaces it', () => {
    const branch = syncPlan(
      { url: URL_A, branch: 'work' },
      { exists: true, url: URL_A, branch: 'main' },
      NOW,
    );
    assert.equal(branch.action, 'replace');
    assert.match((branch as { why: string }).why, /branch changed from main to work/);
    const detached = syncPlan({ url: URL_A, branch: 'work' }, { exists: true, url: URL_A }, NOW);
    assert.match((detached as { why: string }).why, /from \(none\) to work/);
    const plain = syncPlan(wanted, { exists: true }, NOW);
    assert.match((plain as { why: string }).why, /not a clone with an origin/);
  });

  it('given a clone with nothing checked out, when planned, then it is cloned afresh, not fast-forwarded', () => {
    const empty = syncPlan(wanted, { exists: true, url: URL_A, branch: 'main', empty: true }, NOW);
    assert.equal(empty.action, 'replace');
    assert.match((empty as { why: string }).why, /~\/dotfiles has nothing checked out/);
  });
});

describe('parseCloneState', () => {
  it('given the probe output, when parsed, then it reads existence, origin and branch', () => {
    assert.deepEqual(parseCloneState(''), { exists: false });
    assert.deepEqual(parseCloneState('exists\n'), { exists: true });
    assert.deepEqual(parseCloneState(`exists\nurl\t${URL_A}\nbranch\tmain\n`), {
      exists: true,
      url: URL_A,
      branch: 'main',
    });
    assert.deepEqual(parseCloneState(`exists\nurl\t${URL_A}\nbranch\tmain\nempty\n`), {
      exists: true,
      url: URL_A,
      branch: 'main',
      empty: true,
    });
  });
});

describe('parseProbe', () => {
  it('given every kind of line, when parsed, then each fact lands in its place and junk is ignored', () => {
    const output = [
      'personalize\texecutable',
      'clone',
      'script\tx\tinstall.sh',
      'script\t-\tscript/setup',
      'entry\t.bashrc\tfile\t.bashrc.bak\t.bashrc.bak.1',
      'entry\t.vim\tnone',
      'entry\t.x\tweird',
      'garbage',
      '',
    ].join('\n');
    assert.deepEqual(parseProbe(output), {
      clone: true,
      personalize: 'executable',
      scripts: [
        { path: 'install.sh', executable: true },
        { path: 'script/setup', executable: false },
      ],
      entries: [
        { name: '.bashrc', home: 'file', backups: ['.bashrc.bak', '.bashrc.bak.1'] },
        { name: '.vim', home: 'none', backups: [] },
      ],
    });
  });

  it('given nothing, when parsed, then there is no clone and no ~/personalize', () => {
    assert.deepEqual(parseProbe(''), { clone: false, personalize: 'none', scripts: [], entries: [] });
    assert.equal(parseProbe('personalize\tplain\n').personalize, 'plain');
  });
});

describe('installPlan', () => {
  it('given no clone, when planned, then nothing happens', () => {
    assert.deepEqual(installPlan(probe({ clone: false })), []);
  });

  it('given each install script with every later one, when planned, then exactly the first runs', () => {
    for (const [i, script] of INSTALL_SCRIPTS.entries()) {
      const scripts = INSTALL_SCRIPTS.slice(i)
        .reverse()
        .map((path) => ({ path, executable: true }));
      assert.deepEqual(
        installPlan(probe({ scripts, entries: [{ name: '.bashrc', home: 'file', backups: [] }] })),
        [{ kind: 'run', path: `dotfiles/${script}` }],
        script,
      );
    }
  });

  it('given a script that is not executable, when planned, then it is made executable first', () => {
    assert.deepEqual(installPlan(probe({ scripts: [{ path: 'script/bootstrap', executable: false }] })), [
      { kind: 'chmod', path: 'dotfiles/script/bootstrap' },
      { kind: 'run', path: 'dotfiles/script/bootstrap' },
    ]);
  });

  it('given no script, when planned, then each dotfile is linked by what is in its way, in name order', () => {
    const plan = installPlan(
      probe({
        entries: [
          { name: '.zshrc', home: 'none', backups: [] },
          { name: '.bashrc', home: 'file', backups: [] },
          { name: '.profile', home: 'file', backups: ['.profile.bak', '.profile.bak.1'] },
          { name: '.config', home: 'dir', backups: [] },
          { name: '.gitconfig', home: 'ours', backups: [] },
          { name: '.inputrc', home: 'link', backups: [] },
        ],
      }),
    );
    assert.deepEqual(plan, [
      { kind: 'backup', name: '.bashrc', to: '.bashrc.bak' },
      { kind: 'link', name: '.bashrc', replaceLink: false },
      { kind: 'note', text: '~/.config is a directory; left as it is, not linked' },
      { kind: 'note', text: '~/.gitconfig already links to the dotfiles' },
      { kind: 'link', name: '.inputrc', replaceLink: true },
      { kind: 'backup', name: '.profile', to: '.profile.bak.2' },
      { kind: 'link', name: '.profile', replaceLink: false },
      { kind: 'link', name: '.zshrc', replaceLink: false },
    ]);
  });

  it('given no script and no dotfiles, when planned, then it only says so', () => {
    assert.deepEqual(installPlan(probe({})), [
      { kind: 'note', text: 'no install script and no dotfiles to link' },
    ]);
  });
});

describe('freeBackupName', () => {
  it('given the names taken, when asked, then it picks NAME.bak or the lowest free NAME.bak.N', () => {
    assert.equal(freeBackupName('.bashrc', []), '.bashrc.bak');
    assert.equal(freeBackupName('.bashrc', ['.bashrc.bak']), '.bashrc.bak.1');
    assert.equal(
      freeBackupName('.bashrc', ['.bashrc.bak', '.bashrc.bak.1', '.bashrc.bak.3']),
      '.bashrc.bak.2',
    );
    assert.equal(freeBackupName('.bashrc', ['.bashrc.bak.1']), '.bashrc.bak');
  });
});

describe('renderActions', () => {
  it('given a script to run, when rendered, then it says so, makes it executable and runs it from ~/dotfiles', () => {
    const script = renderActions([
      { kind: 'chmod', path: 'dotfiles/script/setup' },
      { kind: 'run', path: 'dotfiles/script/setup' },
    ]);
    assert.equal(
      script,
      [
        'set -e',
        'cd "$HOME"',
        "echo 'dotfiles/script/setup is not executable; running chmod +x on it'",
        "chmod +x -- 'dotfiles/script/setup'",
        "echo 'running ~/dotfiles/script/setup'",
        'cd dotfiles',
        "exec './script/setup'",
        '',
      ].join('\n'),
    );
  });

  it('given links, backups and notes, when rendered, then every name is quoted and no backup is overwritten', () => {
    const actions: Action[] = [
      { kind: 'note', text: "it's fine" },
      { kind: 'backup', name: ".it's", to: ".it's.bak" },
      { kind: 'link', name: ".it's", replaceLink: false },
      { kind: 'link', name: '.x', replaceLink: true },
    ];
    assert.equal(
      renderActions(actions),
      [
        'set -e',
        'cd "$HOME"',
        `echo 'it'\\''s fine'`,
        `echo 'moving ~/.it'\\''s to ~/.it'\\''s.bak'`,
        `mv -n -- '.it'\\''s' '.it'\\''s.bak'`,
        `echo 'linking ~/.it'\\''s -> ~/dotfiles/.it'\\''s'`,
        `ln -s -- "$HOME/dotfiles/"'.it'\\''s' '.it'\\''s'`,
        `echo 'replacing the symlink ~/.x -> ~/dotfiles/.x'`,
        `rm -f -- '.x'`,
        `ln -s -- "$HOME/dotfiles/"'.x' '.x'`,
        '',
      ].join('\n'),
    );
  });

  it('given the shell quoting, when applied, then single quotes survive', () => {
    assert.equal(shQuote(`a'b`), `'a'\\''b'`);
    assert.equal(shQuote(''), "''");
  });
});

describe('dotfiles URLs with credentials', () => {
  it('refuses them without repeating the credentials', () => {
    for (const url of [
      'https://user:pa55@host.example/me/dots.git',
      'https://ghp_token@host.example/x',
      'ssh://git:pw@host/x',
    ]) {
      const problem = dotfilesUrlProblem(url);
      assert.match(problem ?? '', /carries credentials.*hearth gitssh/, url);
      assert.ok(
        !problem!.includes('pa55') && !problem!.includes('ghp_token') && !problem!.includes(':pw'),
        problem,
      );
    }
  });

  it('accepts user names that are not credentials (ssh://git@, scp-like)', () => {
    assert.equal(hasCredentials('ssh://git@host.example/me/dots.git'), false);
    assert.equal(hasCredentials('git@host.example:me/dots.git'), false);
    assert.equal(hasCredentials('https://host.example/me/dots.git'), false);
  });

  it('redacts them for display', () => {
    assert.equal(
      redactUrl('https://user:pa55@host.example/me/dots.git'),
      'https://***@host.example/me/dots.git',
    );
    assert.equal(redactUrl('https://host.example/me/dots.git'), 'https://host.example/me/dots.git');
  });
});
