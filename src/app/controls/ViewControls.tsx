import type { AtlasModel } from '../data/atlas-types';
import { fieldTitle } from '../map/colour';
import { benchmarkValue } from '../data/model-format';
import type { SetView } from '../state/useUrlState';
import type { ViewState } from '../state/view-state';

interface Props {
  view: ViewState;
  setView: SetView;
  benchmarks: string[];
  models: AtlasModel[];
  embedded: number[]; // the models on the map
}

export function ViewControls({ view, setView, benchmarks, models, embedded }: Props) {
  // A benchmark that no model on the map has would turn every point grey: offer it disabled, with why.
  const scored = new Set(benchmarks.filter((b) => embedded.some((i) => benchmarkValue(models[i], b) !== null)));
  const bench = benchmarks.map((b) => `bench:${b}`);
  const why = (o: string) => (o.startsWith('bench:') && !scored.has(o.slice(6)) ? ' (no model on the map has this score)' : '');
  const colourOptions = ['family', 'organisation', 'architecture', 'params', 'similarity', ...bench];
  const sizeOptions = ['none', 'params', ...bench];
  return (
    <div className="controls-group">
      <label>
        Colour
        <select data-testid="colour-by" value={view.colourBy} onChange={(e) => setView((s) => ({ ...s, colourBy: e.target.value }))}>
          {colourOptions.map((o) => (
            <option key={o} value={o} disabled={why(o) !== '' || (o === 'similarity' && view.selected === null)}>
              {fieldTitle(o)}
              {why(o)}
              {o === 'similarity' && view.selected === null ? ' (select a model first)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label>
        Size
        <select data-testid="size-by" value={view.sizeBy} onChange={(e) => setView((s) => ({ ...s, sizeBy: e.target.value }))}>
          {sizeOptions.map((o) => (
            <option key={o} value={o} disabled={why(o) !== ''}>
              {o === 'none' ? 'Same size' : fieldTitle(o)}
              {why(o)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" data-testid="lineage-toggle" checked={view.lineage} onChange={(e) => setView((s) => ({ ...s, lineage: e.target.checked }))} />
        Lineage edges
      </label>
      <label className="check">
        <input type="checkbox" data-testid="density-toggle" checked={view.density} onChange={(e) => setView((s) => ({ ...s, density: e.target.checked }))} />
        Density + family labels
      </label>
    </div>
  );
}
