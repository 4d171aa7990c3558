import type { AtlasModel } from '../data/atlas-types';
import { formatParams, topBenchmark } from '../data/model-format';

export function HoverCard({ model, x, y }: { model: AtlasModel; x: number; y: number }) {
  const top = topBenchmark(model);
  return (
    <div className="hover-card" data-testid="hover-card" style={{ left: x + 14, top: y + 14 }} role="tooltip">
      <strong>{model.id}</strong>
      <div>
        {model.family} · {model.organisation}
      </div>
      <div>{formatParams(model.paramsB)} parameters</div>
      {top && (
        <div>
          best: {top.key} {top.value.toFixed(1)}
        </div>
      )}
      {model.row === null && <div className="muted">not embedded yet</div>}
    </div>
  );
}
