import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { remoteCommand } from '../../src/shell-words.js';

/** What a POSIX shell makes of `line`: the words `printf` receives. */
function wordsOf(line: string): string[] {
  const out = execFileSync('sh', ['-c', `for w in ${line}; do printf '%s\\0' "$w"; done`]).toString();
  return out.split('\0').slice(0, -1);
}

describe('remoteCommand', () => {
  it('is undefined without a command (a login shell)', () => {
    assert.equal(remoteCommand([]), undefined);
  });

  it('passes one argument as a command line for the remote shell, as ssh does', () => {
    assert.equal(remoteCommand(['make && make test']), 'make && make test');
  });

  it('keeps the boundaries of several arguments: sh -c "echo out" stays three words', () => {
    assert.equal(remoteCommand(['sh', '-c', 'echo out']), "sh -c 'echo out'");
    const tricky = ['printf', '%s|', "it's", '$HOME', '*', 'a  b', ''];
    assert.deepEqual(wordsOf(remoteCommand(tricky) ?? ''), tricky);
  });
});
