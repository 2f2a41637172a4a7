import { type NetworkPolicy, RuntimeError } from '../runtime.js';

/** What `--workspace-network auto` picks: `bridge` when the engine has it, else `none`. */
export const AUTO_NETWORK = 'auto';

/**
 * The engine network for specs asking `default`: `wanted` when the engine has it, or for
 * {@link AUTO_NETWORK} `bridge` when present, else `none`. A missing network is `invalid_settings`.
 */
export function chooseNetwork(wanted: string, networks: readonly string[]): string {
  if (wanted === AUTO_NETWORK) return networks.includes('bridge') ? 'bridge' : 'none';
  if (!networks.includes(wanted))
    throw new RuntimeError(
      'invalid_settings',
      `workspace network "${wanted}" does not exist on the engine (it has: ${networks.join(', ')}); create it or pass --workspace-network auto`,
    );
  return wanted;
}

/** The engine network of `policy`, `defaultNetwork` being the chosen one for `default`. */
export function networkOf(policy: NetworkPolicy, defaultNetwork: () => Promise<string>): Promise<string> {
  switch (policy.kind) {
    case 'none':
      return Promise.resolve('none');
    case 'named':
      return Promise.resolve(policy.name);
    case 'default':
      return defaultNetwork();
  }
}
