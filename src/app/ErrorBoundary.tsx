import { Component, type ReactNode } from 'react';

interface Props {
  /** what failed, in the panel's heading ("the atlas view") */
  what: string;
  children: ReactNode;
}

/**
 * A render error below this point shows a panel with the message instead of blanking the page;
 * "Try again" re-renders the children (after, say, a view change that avoids the failing part).
 */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown) {
    console.error(`ABLE Atlas: ${this.props.what} failed:`, error);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <section className="error-panel" role="alert" data-testid="error-panel">
        <h2>Something went wrong in {this.props.what}</h2>
        <p className="error">{error.message}</p>
        <p>
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>{' '}
          <button type="button" onClick={() => window.location.assign(window.location.pathname)}>
            Reload with the default view
          </button>
        </p>
      </section>
    );
  }
}
