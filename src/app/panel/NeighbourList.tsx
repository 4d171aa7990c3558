import type { AtlasModel } from '../data/atlas-types';
import type { Neighbour } from '../data/explorer-data';

export function NeighbourList({
  models,
  neighbours,
  onSelect,
  onCompare,
}: {
  models: AtlasModel[];
  neighbours: Neighbour[];
  onSelect: (i: number) => void;
  onCompare: (i: number) => void;
}) {
  return (
    <ol className="neighbours" data-testid="neighbour-list" aria-label="Nearest neighbours by cosine">
      {neighbours.map((n) => (
        <li key={n.index} data-testid="neighbour" data-id={models[n.index].id} data-cosine={n.cosine.toFixed(6)}>
          <button type="button" className="link" onClick={() => onSelect(n.index)} title={models[n.index].id}>
            {models[n.index].id}
          </button>
          <span className="bar" aria-hidden="true">
            <span style={{ width: `${Math.max(0, n.cosine) * 100}%` }} />
          </span>
          <span className="num">{n.cosine.toFixed(3)}</span>
          <button type="button" className="small" onClick={() => onCompare(n.index)} aria-label={`Why neighbours? Compare with ${models[n.index].id}`}>
            why?
          </button>
        </li>
      ))}
    </ol>
  );
}
