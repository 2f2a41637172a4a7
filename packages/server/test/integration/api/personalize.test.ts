import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { INSTALL_SCRIPTS } from '../../../src/core/dotfiles.js';
import { LABELS } from '../../../src/runtime/runtime.js';
import { settled, shell, useHearth } from '../../support/hearth.js';

type Files = Record<string, { content: string; executable?: boolean }>;

/**
 * Dotfiles repositories are bare repos in the workspace's own home, cloned over file://: nothing
 * leaves the machine. Every test rebuilds the one workspace `dots`.
 */
describe('the personalize stage', () => {
  const t = useHearth();
  let ws: { id: string };

  before(async () => {
    const answer = await t.alice.post('/workspaces', { name: 'dots', image: 'hearth-demo:latest' });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    t.created.add(answer.body.id);
    ws = await settled(t.alice, 'me', 'dots');
  });

  const sh = async (script: string) => {
    const [container] = await t.hearth.runtime.listContainers({ [LABELS.workspaceId]: ws.id });
    const result = await shell(t.hearth.runtime, container!.id, script);
    assert.equal(result.code, 0, `${script}\n${result.stderr}`);
    return result.stdout;
  };
  const rebuild = async () => {
    const answer = await t.alice.post('/users/me/workspaces/dots/rebuild');
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const done = await settled(t.alice, 'me', 'dots');
    assert.equal(done.state, 'running', done.stateReason.message);
    const log = (await t.alice.get(`/users/me/workspaces/dots/builds/${done.lastBuild.number}/logs`)).body;
    return { ws: done, log: log as string, personalize: stage(done, 'personalize') };
  };
  const stage = (w: any, name: string) => w.lastBuild.stages.find((s: { name: string }) => s.name === name);
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

  /** Creates (or recreates) ~/repos/NAME.git with `files` on main, and `branches` on top of it. */
  const repo = async (name: string, files: Files, branches: Record<string, Files> = {}) => {
    const write = (fs: Files) =>
      Object.entries(fs)
        .map(
          ([path, f]) =>
            `mkdir -p "$(dirname ${q(path)})" && printf '%s\\n' ${q(f.content)} > ${q(path)}${f.executable ? ` && chmod +x ${q(path)}` : ''}`,
        )
        .join('\n');
    const commit = 'git add -A && git -c user.name=t -c user.email=t@example.com commit -qm change';
    await sh(
      [
        'set -e',
        `rm -rf ~/repos/${name}.git ~/src/${name}`,
        `git init -q --bare -b main ~/repos/${name}.git`,
        `git init -q -b main ~/src/${name}`,
        `cd ~/src/${name}`,
        write(files),
        commit,
        `git push -q ~/repos/${name}.git main`,
        ...Object.entries(branches).flatMap(([b, fs]) => [
          `git checkout -q -b ${b} main`,
          write(fs),
          commit,
          `git push -q ~/repos/${name}.git ${b}`,
        ]),
      ].join('\n'),
    );
    return `file:///home/dev/repos/${name}.git`;
  };
  const setDotfiles = async (body: { url: string; branch?: string }) => {
    const answer = await t.alice.put('/users/me/dotfiles', body);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  };
  const marker = (name: string) => `#!/bin/sh\necho "${name} ran in $(pwd)" > ~/installed-by`;

  it('without dotfiles or ~/personalize succeeds and says so', async () => {
    const { personalize, log } = await rebuild();
    assert.equal(personalize.status, 'succeeded');
    assert.equal(typeof personalize.durationMs, 'number');
    assert.match(log, /\[personalize\] no dotfiles repository set/);
  });

  for (const [i, script] of INSTALL_SCRIPTS.entries()) {
    it(`runs ${script} when it is the first install script present${i % 2 ? ', making it executable' : ''}`, async () => {
      // This script and every one after it in the order: only the first may run.
      const files: Files = {};
      for (const later of INSTALL_SCRIPTS.slice(i))
        files[later] = { content: marker(later), executable: true };
      files[script] = { content: marker(script), executable: i % 2 === 0 };
      const url = await repo(`install-${i}`, files);
      await setDotfiles({ url });
      const { personalize, log } = await rebuild();
      assert.equal(personalize.status, 'succeeded', personalize.error);
      assert.equal(await sh('cat ~/installed-by'), `${script} ran in /home/dev/dotfiles\n`);
      assert.match(log, new RegExp(`\\[personalize\\] running ~/dotfiles/${script}`));
      if (i % 2) assert.match(log, new RegExp(`dotfiles/${script} is not executable; running chmod \\+x`));
    });
  }

  it('runs script/bootstrap when it is the only script', async () => {
    const url = await repo('bootstrap-only', { 'script/bootstrap': { content: marker('script/bootstrap') } });
    await setDotfiles({ url });
    const { personalize } = await rebuild();
    assert.equal(personalize.status, 'succeeded', personalize.error);
    assert.equal(await sh('cat ~/installed-by'), 'script/bootstrap ran in /home/dev/dotfiles\n');
  });

  it('moves the old clone aside when the URL changes, and keeps every backup', async () => {
    const before = Number((await sh('ls -d ~/dotfiles.bak-* | wc -l')).trim());
    const url = await repo('moved', { 'install.sh': { content: marker('moved'), executable: true } });
    await setDotfiles({ url });
    const { log } = await rebuild();
    assert.match(log, /the dotfiles URL changed from file:\/\/\/home\/dev\/repos\/bootstrap-only\.git to /);
    assert.equal(Number((await sh('ls -d ~/dotfiles.bak-* | wc -l')).trim()), before + 1);
    const newest = (await sh('ls -d ~/dotfiles.bak-* | sort | tail -1')).trim();
    assert.equal(await sh(`cat ${newest}/script/bootstrap`), `${marker('script/bootstrap')}\n`);
    assert.equal(await sh('git -C ~/dotfiles remote get-url origin'), `${url}\n`);
  });

  it('fast-forwards the clone when the URL is the same', async () => {
    await sh(
      'cd ~/src/moved && echo "echo second > ~/installed-by" >> install.sh && git -c user.name=t -c user.email=t@example.com commit -qam more && git push -q ~/repos/moved.git main',
    );
    const backups = await sh('ls -d ~/dotfiles.bak-* | wc -l');
    const { personalize, log } = await rebuild();
    assert.equal(personalize.status, 'succeeded', personalize.error);
    assert.match(log, /\[personalize\] updating ~\/dotfiles from/);
    assert.equal(await sh('cat ~/installed-by'), 'second\n');
    assert.equal(await sh('ls -d ~/dotfiles.bak-* | wc -l'), backups, 'no new backup');
  });

  it('checks out the branch asked for', async () => {
    const url = await repo(
      'branched',
      { 'install.sh': { content: marker('main'), executable: true } },
      { work: { 'install.sh': { content: marker('work'), executable: true } } },
    );
    await setDotfiles({ url, branch: 'work' });
    const { personalize } = await rebuild();
    assert.equal(personalize.status, 'succeeded', personalize.error);
    assert.equal(await sh('cat ~/installed-by'), 'work ran in /home/dev/dotfiles\n');
    assert.equal(await sh('git -C ~/dotfiles symbolic-ref --short HEAD'), 'work\n');
  });

  it('without an install script, links every dotfile into home and never clobbers a backup', async () => {
    await sh(
      'echo mine > ~/.bashrc; rm -f ~/.bashrc.bak*; echo myprofile > ~/.profile; echo old > ~/.profile.bak',
    );
    const url = await repo('links', {
      '.bashrc': { content: 'from dotfiles' },
      '.profile': { content: 'profile from dotfiles' },
      '.vim/vimrc': { content: 'set nu' },
      'README.md': { content: 'not a dotfile' },
    });
    await setDotfiles({ url });
    const { personalize, log } = await rebuild();
    assert.equal(personalize.status, 'succeeded', personalize.error);
    assert.equal(
      await sh(
        'readlink ~/.bashrc ~/.profile ~/.vim; cat ~/.bashrc.bak ~/.profile.bak ~/.profile.bak.1 ~/.vim/vimrc',
      ),
      [
        '/home/dev/dotfiles/.bashrc',
        '/home/dev/dotfiles/.profile',
        '/home/dev/dotfiles/.vim',
        'mine',
        'old',
        'myprofile',
        'set nu',
        '',
      ].join('\n'),
    );
    assert.equal(await sh('ls -a ~ | grep -c -e README -e "^.git$" || true'), '0\n');
    assert.match(log, /moving ~\/\.bashrc to ~\/\.bashrc\.bak/);

    const again = await rebuild();
    assert.equal(again.personalize.status, 'succeeded', again.personalize.error);
    assert.match(again.log, /~\/\.bashrc already links to the dotfiles/);
    assert.equal(await sh('ls -a ~ | grep -c "^.profile.bak"'), '2\n', 'no new backups');
  });

  it('warns, and the workspace still runs, when the dotfiles cannot be cloned', async () => {
    await setDotfiles({ url: 'file:///home/dev/repos/missing.git' });
    const { ws: done, personalize } = await rebuild();
    assert.equal(personalize.status, 'warning');
    assert.match(personalize.error, /cloning file:\/\/\/home\/dev\/repos\/missing\.git exited with code 128/);
    assert.match(
      personalize.error,
      /file:\/\/\/home\/dev\/repos\/missing\.git is resolved inside the workspace, where the clone runs \(not on your machine or the server\)/,
    );
    assert.match(done.lastBuild.warnings[0], /^personalize: /);
    assert.match(done.stateReason.message, /succeeded with warnings/);
    assert.equal(
      await sh('cat ~/.bashrc; ls -d ~/dotfiles.new-* 2>/dev/null | wc -l'),
      'from dotfiles\n0\n',
      'the old clone still serves',
    );
    assert.equal((await t.alice.delete('/users/me/dotfiles')).status, 204);
  });

  it('runs ~/personalize at every build, and a failing one is only a warning', async () => {
    await sh(
      'printf "#!/bin/sh\\necho personalized >> ~/personalized\\n" > ~/personalize; chmod +x ~/personalize',
    );
    assert.equal((await rebuild()).personalize.status, 'succeeded');
    const { personalize, log } = await rebuild();
    assert.equal(personalize.status, 'succeeded');
    assert.match(log, /\[personalize\] running ~\/personalize/);
    assert.equal(await sh('cat ~/personalized'), 'personalized\npersonalized\n');

    await sh('printf "#!/bin/sh\\necho oops\\nexit 3\\n" > ~/personalize');
    const failing = await rebuild();
    assert.equal(failing.personalize.status, 'warning');
    assert.match(failing.personalize.error, /~\/personalize exited with code 3; last output:\noops/);
  });

  it('checks out the only branch when the repository’s HEAD names one that does not exist', async () => {
    await sh('rm -f ~/personalize');
    const url = await repo('headless', { '.headless': { content: 'from work' } });
    // Like a repository whose default branch was renamed on the server: HEAD still says main.
    await sh('cd ~/repos/headless.git && git branch -m main work && git symbolic-ref HEAD refs/heads/main');
    await setDotfiles({ url });
    const { personalize, log } = await rebuild();
    assert.equal(personalize.status, 'succeeded', personalize.error);
    assert.match(log, /its HEAD names branch main, which does not exist; checked out work instead/);
    assert.equal(
      await sh('cat ~/.headless; git -C ~/dotfiles rev-parse --abbrev-ref HEAD'),
      'from work\nwork\n',
    );
    const again = await rebuild();
    assert.equal(again.personalize.status, 'succeeded', 'the next build fast-forwards that branch');
    assert.equal((await t.alice.delete('/users/me/dotfiles')).status, 204);
  });

  it('warns with the fix when HEAD names a missing branch and several others exist', async () => {
    const url = await repo(
      'forked',
      { '.forked': { content: 'x' } },
      { one: { '.one': { content: '1' } }, two: { '.two': { content: '2' } } },
    );
    await sh('git -C ~/repos/forked.git update-ref -d refs/heads/main && rm -rf ~/dotfiles');
    await setDotfiles({ url });
    const warning =
      /its HEAD names branch main, which does not exist, and it has several: one two\. Choose one: hearth dotfiles set \S+ --branch NAME/;
    const first = await rebuild();
    assert.equal(first.personalize.status, 'warning');
    assert.match(first.personalize.error, warning);
    // The empty checkout it left is not "up to date": the next build says the same.
    const second = await rebuild();
    assert.equal(second.personalize.status, 'warning');
    assert.match(second.personalize.error, warning);
    await setDotfiles({ url, branch: 'two' });
    const chosen = await rebuild();
    assert.equal(chosen.personalize.status, 'succeeded', chosen.personalize.error);
    assert.equal(await sh('cat ~/.two'), '2\n');
    assert.equal((await t.alice.delete('/users/me/dotfiles')).status, 204);
  });
});
