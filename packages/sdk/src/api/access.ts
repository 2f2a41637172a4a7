import { type Static, Type } from '@sinclair/typebox';

/**
 * The SSH gateway's identity. `GET /ssh/host-key` answers it so `hearth config-ssh` can pin it in
 * known_hosts; it is generated once per server data directory and survives restarts. The plain
 * SSH listener (`hearth server --ssh-listen`) presents the same key.
 */
export const SshHostKey = Type.Object({
  hostKey: Type.String({ description: 'The public host key as in known_hosts: `ssh-ed25519 AAAA…`.' }),
});
export type SshHostKey = Static<typeof SshHostKey>;

/**
 * SSH over WebSocket: `GET /users/{user}/workspaces/{name}/ssh` upgrades to a WebSocket whose
 * binary frames carry one SSH connection's bytes, unframed, both ways (what `hearth ssh --stdio`
 * relays for OpenSSH's ProxyCommand). The server speaks SSH with the host key above and accepts
 * SSH authentication `none`: the bearer token of the upgrade request decides who connects, and
 * revoking it (or suspending its user) closes the connection. Only the owner of a running
 * workspace gets a tunnel; every refusal is a plain HTTP error before the upgrade.
 *
 * Terminal over WebSocket: `GET /users/{user}/workspaces/{name}/terminal?cols=&rows=` starts the
 * user's login shell on a pseudo-terminal and speaks the exec channel protocol (see `events.ts`)
 * without a start message: stdin on channel 0, the terminal's output on channel 1, control on 3
 * (`resize` from the client; `exit` or `error` from the server).
 */
export const TerminalQuery = Type.Object({
  cols: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Terminal width.' })),
  rows: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Terminal height.' })),
});
export type TerminalQuery = Static<typeof TerminalQuery>;
