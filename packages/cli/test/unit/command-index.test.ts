import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_GROUPS, groupsFor } from '../../src/command-index.js';
import { buildProgram } from '../../src/program.js';

const names = async (groups = COMMAND_GROUPS) => (await buildProgram(groups)).commands.map((c) => c.name());

describe('command index', () => {
  it('names exactly the commands each file registers', async () => {
    for (const group of COMMAND_GROUPS) {
      assert.deepEqual(await names([group]), group.names, `the group of ${group.names[0]}`);
    }
  });

  it('names every command once, in the order of the help', async () => {
    const all = COMMAND_GROUPS.flatMap((g) => g.names);
    assert.deepEqual(await names(), all);
    assert.equal(new Set(all).size, all.length);
  });

  it('puts each command under its heading in the help', async () => {
    const program = await buildProgram();
    for (const group of COMMAND_GROUPS) {
      for (const name of group.names) {
        const command = program.commands.find((c) => c.name() === name);
        assert.equal(command?.helpGroup(), group.heading, name);
      }
    }
  });
});

describe('groupsFor', () => {
  it('takes only the group of the command named first', () => {
    assert.deepEqual(
      groupsFor(['whoami', '-o', 'json']).map((g) => g.names),
      [['setup', 'login', 'logout', 'passwd', 'whoami']],
    );
    assert.deepEqual(
      groupsFor(['orgs', 'policy', 'show', 'x']).map((g) => g.names),
      [['orgs']],
    );
  });

  it('takes every group when the first word names no command: help, options, typos, nothing', () => {
    for (const args of [[], ['--help'], ['-h', 'whoami'], ['help', 'whoami'], ['lst'], ['-V', 'list']]) {
      assert.equal(groupsFor(args), COMMAND_GROUPS, args.join(' '));
    }
  });
});
