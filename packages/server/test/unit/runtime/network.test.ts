import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseNetwork, networkOf } from '../../../src/runtime/docker/network.js';

describe('the Docker workspace network', () => {
  it('given auto, when the engine has bridge, then bridge, else none', () => {
    assert.equal(chooseNetwork('auto', ['bridge', 'host', 'none']), 'bridge');
    assert.equal(chooseNetwork('auto', ['host', 'none']), 'none');
  });

  it('given a name, when the engine has it, then that network; when not, then a message saying what to do', () => {
    assert.equal(chooseNetwork('hearth', ['hearth', 'none']), 'hearth');
    assert.throws(() => chooseNetwork('hearth', ['host', 'none']), {
      code: 'invalid_settings',
      message:
        'workspace network "hearth" does not exist on the engine (it has: host, none); create it or pass --workspace-network auto',
    });
  });

  it('maps each policy: none and named as they say, default to the chosen one', async () => {
    const chosen = async () => 'bridge';
    assert.equal(await networkOf({ kind: 'none' }, chosen), 'none');
    assert.equal(await networkOf({ kind: 'named', name: 'lab' }, chosen), 'lab');
    assert.equal(await networkOf({ kind: 'default' }, chosen), 'bridge');
  });
});
