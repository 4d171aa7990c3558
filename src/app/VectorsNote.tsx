// What a view that needs the embedding vectors shows while the block is still loading (the map
// shows as soon as the metadata is there) or when it failed.
import type { VectorsLoad } from './data/useAtlas';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

export function VectorsNote({ load, what }: { load: Exclude<VectorsLoad, { status: 'ready' }>; what: string }) {
  return load.status === 'loading' ? (
    <p className="muted" role="status" data-testid="vectors-loading">
      Loading the embeddings ({mib(load.bytes)}) for {what}…
    </p>
  ) : (
    <p className="error" role="alert" data-testid="vectors-error">
      The embeddings could not be loaded, so there are no {what}: {load.message}
    </p>
  );
}
