import { useState } from 'react';
import type { ExplorerData, Neighbour } from '../data/explorer-data';
import type { LineageLink } from '../data/lineage';
import { formatParams, hubUrl } from '../data/model-format';
import type { VectorsLoad } from '../data/useAtlas';
import { VectorsNote } from '../VectorsNote';
import { BenchmarkStrips } from './BenchmarkStrips';
import { LineageList } from './LineageList';
import { NeighbourList } from './NeighbourList';
import { SimilarityHistogram } from './SimilarityHistogram';

interface Props {
  data: ExplorerData;
  index: number;
  neighbours: Neighbour[];
  similarity: Float64Array | null;
  /** neighbours and similarity need the embedding block, which may still be loading */
  vectorsLoad: VectorsLoad;
  links: LineageLink[];
  onSelect: (i: number) => void;
  onCompare: (i: number) => void;
  onClose: () => void;
  /** on a phone, start folded to its title (the panel is a sheet over the current view) */
  compact?: boolean;
  onExportCsv: () => void;
  onExportJson: () => void;
}

export function ModelPanel(p: Props) {
  const m = p.data.models[p.index];
  const [folded, setFolded] = useState(p.compact ?? false);
  const embedded = p.data.isEmbedded(p.index);
  const others = p.similarity ? Array.from(p.similarity).filter((v, j) => j !== p.index && !Number.isNaN(v)) : [];
  return (
    <aside className={`panel${folded ? ' folded' : ''}`} data-testid="model-panel" aria-label={`Model ${m.id}`}>
      <div className="panel-head">
        <h2 data-testid="selected-id">{m.id}</h2>
        <button type="button" className="small fold" onClick={() => setFolded((f) => !f)} aria-expanded={!folded} aria-label={folded ? 'Show the panel' : 'Fold the panel'}>
          {folded ? '▴' : '▾'}
        </button>
        <button type="button" className="small" onClick={p.onClose} aria-label="Close the panel">
          ×
        </button>
      </div>
      <dl className="meta">
        <dt>Family</dt>
        <dd>{m.family}</dd>
        <dt>Organisation</dt>
        <dd>{m.organisation}</dd>
        <dt>Parameters</dt>
        <dd>{formatParams(m.paramsB)}</dd>
        <dt>Architecture</dt>
        <dd>{m.architecture}</dd>
        <dt>Licence</dt>
        <dd>{m.licence || 'unknown'}</dd>
        {m.provenance?.how && (
          <>
            <dt>Embedded by</dt>
            <dd>{m.provenance.how}</dd>
          </>
        )}
      </dl>
      {m.origin === 'lab' ? (
        <p className="muted" data-testid="no-hub-link">
          A lab model: built by this project's lineage lab, not published on the hub.
        </p>
      ) : (
        <a href={hubUrl(m.id)} target="_blank" rel="noreferrer noopener" data-testid="hub-link">
          Hub page ↗
        </a>
      )}
      <section className="panel-neighbours">
        <h3>Nearest neighbours (cosine, full space)</h3>
        {embedded && p.vectorsLoad.status !== 'ready' ? (
          <VectorsNote load={p.vectorsLoad} what="neighbours" />
        ) : embedded ? (
          <>
            <NeighbourList models={p.data.models} neighbours={p.neighbours} onSelect={p.onSelect} onCompare={p.onCompare} />
            <div className="row">
              <button type="button" data-testid="export-csv" onClick={p.onExportCsv}>
                Neighbours CSV
              </button>
              <button type="button" data-testid="export-json" onClick={p.onExportJson}>
                Embedding JSON
              </button>
            </div>
          </>
        ) : (
          <p className="muted">Not embedded yet: it has no position and no neighbours.</p>
        )}
      </section>
      {embedded && p.similarity && (
        <section>
          <h3>Similarity to every other model</h3>
          <SimilarityHistogram values={others} />
        </section>
      )}
      <section>
        <h3>Lineage</h3>
        <LineageList index={p.index} models={p.data.models} links={p.links} onSelect={p.onSelect} />
      </section>
      <section>
        <h3>Benchmarks vs the atlas</h3>
        <BenchmarkStrips model={m} models={p.data.models} />
        {m.benchmarkSource && <p className="muted">source: {m.benchmarkSource}</p>}
      </section>
    </aside>
  );
}
