import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorNotice } from './states.js';

/**
 * No blank screens: a render error (or a lazy chunk the server could not send) shows its message
 * and a way out instead of unmounting the whole app. `resetKey` (the route) clears it.
 */
export class ErrorBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('dashboard view failed', error, info.componentStack);
  }

  override render() {
    if (this.state.error === undefined) return this.props.children;
    return (
      <section>
        <h1>This part of the page failed</h1>
        <ErrorNotice error={this.state.error} retry={() => window.location.reload()} />
      </section>
    );
  }
}
