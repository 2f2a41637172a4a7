import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePasswd } from '../../../src/runtime/docker/passwd.js';

describe('parsePasswd', () => {
  it('parses every field of well-formed lines', () => {
    const text = 'root:x:0:0:root:/root:/bin/bash\ndev:x:1000:1000:Dev User,,,:/home/dev:/bin/bash\n';
    assert.deepEqual(parsePasswd(text), [
      { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' },
      { name: 'dev', uid: 1000, gid: 1000, home: '/home/dev', shell: '/bin/bash' },
    ]);
  });

  it('accepts CRLF line endings, a missing final newline and empty home or shell', () => {
    assert.deepEqual(parsePasswd('a:x:1:2:::\r\nb:x:3:4::/b:/bin/sh'), [
      { name: 'a', uid: 1, gid: 2, home: '', shell: '' },
      { name: 'b', uid: 3, gid: 4, home: '/b', shell: '/bin/sh' },
    ]);
  });

  it('skips blank lines, comments, NIS compat lines and malformed lines', () => {
    const text = [
      '',
      '# comment',
      '+::::::',
      '-baduser::::::',
      'short:x:1:1',
      'too:many:1:1:g:/h:/s:extra',
      'neg:x:-1:1::/h:/s',
      'word:x:abc:1::/h:/s',
      'huge:x:99999999999:1::/h:/s',
      ':x:5:5::/h:/s',
      'ok:x:5:6::/h:/s',
    ].join('\n');
    assert.deepEqual(parsePasswd(text), [{ name: 'ok', uid: 5, gid: 6, home: '/h', shell: '/s' }]);
  });

  it('keeps the first of duplicate names, like getpwnam', () => {
    const entries = parsePasswd('dev:x:1000:1000::/home/dev:/bin/bash\ndev:x:2000:2000::/other:/bin/sh\n');
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.uid, 1000);
  });

  it('returns no entries for empty input', () => {
    assert.deepEqual(parsePasswd(''), []);
  });
});
