import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BEGIN_MARKER,
  END_MARKER,
  mergeBlock,
  quote,
  renderBlock,
  tryCommand,
} from '../../src/ssh-config.js';

const input = {
  workspaces: ['api', 'web'],
  proxyCommand: "/usr/bin/node '/opt/hearth cli/main.js' ssh --stdio",
  knownHostsFile: '/home/me/.config/hearth/known_hosts',
  hostKeyAlias: 'hearth-server-127.0.0.1-7080',
};

describe('renderBlock', () => {
  it('writes one Host entry per workspace, between the markers, pinned to the server key', () => {
    const block = renderBlock(input);
    assert.ok(block.startsWith(`${BEGIN_MARKER}\n`));
    assert.ok(block.endsWith(`${END_MARKER}\n`));
    assert.match(
      block,
      /^Host hearth\.api\n {2}ProxyCommand \/usr\/bin\/node '\/opt\/hearth cli\/main\.js' ssh --stdio api\n/m,
    );
    assert.match(block, /^Host hearth\.web\n/m);
    assert.match(block, /^ {2}HostKeyAlias hearth-server-127\.0\.0\.1-7080$/m);
    assert.match(block, /^ {2}StrictHostKeyChecking yes$/m);
    assert.match(block, /^ {2}Ciphers aes128-gcm@openssh\.com,.*,chacha20-poly1305@openssh\.com$/m);
  });

  it('has ssh take the connection from the ProxyCommand only when asked (ProxyUseFdpass)', () => {
    assert.doesNotMatch(renderBlock(input), /ProxyUseFdpass/);
    assert.match(
      renderBlock({ ...input, passConnection: true }),
      /^ {2}ProxyCommand .* ssh --stdio api\n {2}ProxyUseFdpass yes\n/m,
    );
  });

  it('keeps the markers when there are no workspaces', () => {
    assert.equal(renderBlock({ ...input, workspaces: [] }), `${BEGIN_MARKER}\n${END_MARKER}\n`);
  });
});

describe('mergeBlock', () => {
  const block = renderBlock(input);

  it('appends the block after a blank line, keeping what was there', () => {
    assert.equal(mergeBlock('Host a\n  User b', block), `Host a\n  User b\n\n${block}`);
    assert.equal(mergeBlock('', block), block);
  });

  it('replaces only the managed block, so a rerun changes nothing', () => {
    const once = mergeBlock('Host a\n  User b\n', block);
    const withAfter = `${once}Host z\n  User y\n`;
    assert.equal(mergeBlock(withAfter, block), withAfter);
    const fewer = renderBlock({ ...input, workspaces: ['api'] });
    assert.equal(mergeBlock(withAfter, fewer), `Host a\n  User b\n\n${fewer}Host z\n  User y\n`);
  });
});

describe('quote', () => {
  it('quotes words with spaces only', () => {
    assert.equal(quote('/home/me/known_hosts'), '/home/me/known_hosts');
    assert.equal(quote('/home/my dir/known_hosts'), '"/home/my dir/known_hosts"');
  });
});

describe('tryCommand', () => {
  it('is plain ssh for the file OpenSSH reads by itself', () => {
    assert.equal(tryCommand('hearth.api', '/home/a/.ssh/config', '/home/a/.ssh/config'), 'ssh hearth.api');
    assert.equal(
      tryCommand('hearth.api', '/home/a/.ssh/../.ssh/config', '/home/a/.ssh/config'),
      'ssh hearth.api',
    );
  });

  it('names any other file with -F, quoted for the shell', () => {
    assert.equal(
      tryCommand('hearth.api', '/tmp/home/.ssh/config', '/root/.ssh/config'),
      'ssh -F /tmp/home/.ssh/config hearth.api',
    );
    assert.equal(
      tryCommand('hearth.api', '/tmp/my home/config', '/root/.ssh/config'),
      "ssh -F '/tmp/my home/config' hearth.api",
    );
  });
});
