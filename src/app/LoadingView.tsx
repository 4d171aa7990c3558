import type { AtlasLoad } from './data/useAtlas';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export function LoadingView({ load }: { load: Exclude<AtlasLoad, { status: 'ready' }> }) {
  return (
    <section className="map-area loading" data-testid="map-area" aria-label="Atlas map" aria-busy={load.status === 'loading'}>
      {load.status === 'loading' ? (
        <div className="loading-box">
          <p>Loading the atlas metadata…</p>
          <progress data-testid="atlas-progress" max={load.total ?? undefined} value={load.total ? load.loaded : undefined} />
          <p className="muted">{load.total ? `${mib(load.loaded)} of ${mib(load.total)}` : mib(load.loaded)}</p>
        </div>
      ) : (
        <p className="error" role="alert" data-testid="atlas-error">
          The atlas could not be loaded: {load.message}
        </p>
      )}
    </section>
  );
}
