import { useState } from 'react';
import type { SetView } from '../state/useUrlState';
import { DEFAULT_PROJECTION, type Projection, type ProjectionMethod } from '../state/view-state';
import type { ProjectionStatus } from './useProjection';

export function ProjectionControls({
  projection,
  shipped,
  status,
  setView,
}: {
  projection: Projection;
  shipped: { nNeighbors: number; minDist: number; seed: number };
  status: ProjectionStatus;
  setView: SetView;
}) {
  const [draft, setDraft] = useState(projection);
  // a new projection from the URL resets the draft; the menu stays as it is (open after Apply)
  const [shown, setShown] = useState(projection);
  if (shown !== projection) {
    setShown(projection);
    setDraft(projection);
  }
  const apply = (p: Projection) => setView((s) => ({ ...s, projection: p, zoom: null }));
  const running = status.state === 'running';
  return (
    <details className="filters projection" data-testid="projection">
      <summary>Layout: {projection.method === 'shipped' ? 'shipped' : projection.method.toUpperCase()}</summary>
      <div className="filters-body">
        <label>
          Method
          <select data-testid="projection-method" value={draft.method} onChange={(e) => setDraft({ ...draft, method: e.target.value as ProjectionMethod })}>
            <option value="shipped">shipped UMAP layout</option>
            <option value="umap">UMAP (recompute)</option>
            <option value="pca">PCA</option>
          </select>
        </label>
        {draft.method === 'umap' && (
          <>
            <label>
              n_neighbors
              <input data-testid="projection-nn" type="number" min={2} max={200} step={1} value={draft.nNeighbors} onChange={(e) => setDraft({ ...draft, nNeighbors: Math.round(Number(e.target.value)) })} />
            </label>
            <label>
              min_dist
              <input data-testid="projection-md" type="number" min={0} max={1} step={0.05} value={draft.minDist} onChange={(e) => setDraft({ ...draft, minDist: Number(e.target.value) })} />
            </label>
            <label>
              seed
              <input type="number" min={0} step={1} value={draft.seed} onChange={(e) => setDraft({ ...draft, seed: Math.round(Number(e.target.value)) })} />
            </label>
          </>
        )}
        {draft.method === 'umap' && (
          <p className="muted projection-note" data-testid="projection-note">
            Not the shipped map, even with its settings ({shipped.nNeighbors}, {shipped.minDist}, seed {shipped.seed}): that was computed in Node
            from the float32 embeddings, and this tab has their float16 copies; UMAP's optimisation amplifies the rounding. Neighbours and
            cosines come from the full space and do not change.
          </p>
        )}
        <div className="row">
          <button type="button" data-testid="projection-run" disabled={running} onClick={() => apply(draft)}>
            Apply
          </button>
          <button type="button" data-testid="projection-cancel" disabled={!running} onClick={() => apply({ ...DEFAULT_PROJECTION })}>
            Cancel
          </button>
        </div>
        <output data-testid="projection-status" data-state={status.state}>
          {status.state === 'running'
            ? `Computing… ${status.total ? Math.round((100 * status.done) / status.total) : 0}%`
            : status.state === 'error'
              ? `Failed: ${status.message}`
              : status.state === 'done'
                ? 'Done'
                : 'Shipped layout'}
        </output>
        {status.state === 'running' && <progress max={status.total || 1} value={status.done} />}
      </div>
    </details>
  );
}
