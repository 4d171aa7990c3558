import type { BackendInfo } from './backend';

export function Header({ backend }: { backend: BackendInfo | null }) {
  return (
    <header className="header">
      <h1>ABLE Atlas</h1>
      <span className="backend" data-testid="backend-label" data-webgpu={backend?.webgpu ? 'yes' : 'no'}>
        {backend ? `Compute: ${backend.label}` : 'Detecting compute backend…'}
      </span>
    </header>
  );
}
