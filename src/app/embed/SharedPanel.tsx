// A model embedded in someone else's tab and carried by the link: where it lands and its neighbours,
// computed here from the link's (dequantized) vector.
import type { ExplorerData } from '../data/explorer-data';
import type { SharedEmbedding } from '../state/shared-embedding';
import { Placement, PredictedNeighbours } from './EmbedPanel';
import type { InTabPredictions } from './in-tab';

export function SharedPanel({
  data,
  shared,
  predictions,
  onSelect,
  onRemove,
}: {
  data: ExplorerData;
  shared: SharedEmbedding;
  predictions: InTabPredictions;
  onSelect: (i: number) => void;
  onRemove: () => void;
}) {
  return (
    <aside className="panel" data-testid="shared-panel" aria-label={`Shared model ${shared.name}`}>
      <div className="panel-head">
        <h2 data-testid="shared-name">{shared.name}</h2>
        <button type="button" className="small" onClick={onRemove} aria-label="Remove the shared model from the view">
          ×
        </button>
      </div>
      <p className="muted">
        Embedded in someone's browser tab and carried by this link ({shared.code.length} characters; int8, so cosines agree with the original to
        about 3 decimals). Spec {shared.specHash.slice(0, 12)}, the atlas's.
      </p>
      <Placement data={data} predictions={predictions} />
      <h3>Nearest atlas models (cosine, full space)</h3>
      <PredictedNeighbours data={data} predictions={predictions} onSelect={onSelect} />
    </aside>
  );
}
