/**
 * Upstreams for apps declared with `scheme: https`, which serve TLS on their port inside the
 * workspace: the same pooled forwarder execs as {@link ForwardAgents}, with TLS spoken over them.
 *
 * The app's certificate is not verified. That is acceptable only because this hop is the
 * workspace's own loopback reached through the engine's exec stream: no network lies between
 * Hearth and the app for anyone to intercept, and such apps (code-server, JupyterLab with
 * `--certfile`) use self-signed certificates that nothing could verify anyway. What the browser
 * sees is Hearth's own app origin, as for any other app.
 */
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { ForwardAgents } from './forward-agent.js';

export class TlsForwardAgents extends ForwardAgents {
  /** TLS over every stream to the app's port, the pools' too. */
  protected override over(stream: Duplex): Duplex {
    const tls = tlsConnect({ socket: stream, rejectUnauthorized: false, servername: 'localhost' });
    // Closing the TLS side must end the stream under it too (an exec, which would keep running).
    tls.once('close', () => stream.destroy());
    return tls;
  }
}

/** The upstreams an app is reached through: TLS for `scheme: https`, plain HTTP otherwise. */
export interface AppUpstreams {
  readonly agents: ForwardAgents;
  readonly tlsAgents: TlsForwardAgents;
}

export const upstreamFor = (d: AppUpstreams, scheme: string | undefined): ForwardAgents =>
  scheme === 'https' ? d.tlsAgents : d.agents;
