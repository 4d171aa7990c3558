import { fieldTitle } from '../map/colour';
import type { SetView } from '../state/useUrlState';
import type { ViewState } from '../state/view-state';

export function ViewControls({ view, setView, benchmarks }: { view: ViewState; setView: SetView; benchmarks: string[] }) {
  const colourOptions = ['family', 'organisation', 'architecture', 'params', 'similarity', ...benchmarks.map((b) => `bench:${b}`)];
  const sizeOptions = ['none', 'params', ...benchmarks.map((b) => `bench:${b}`)];
  return (
    <div className="controls-group">
      <label>
        Colour
        <select data-testid="colour-by" value={view.colourBy} onChange={(e) => setView((s) => ({ ...s, colourBy: e.target.value }))}>
          {colourOptions.map((o) => (
            <option key={o} value={o}>
              {fieldTitle(o)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Size
        <select data-testid="size-by" value={view.sizeBy} onChange={(e) => setView((s) => ({ ...s, sizeBy: e.target.value }))}>
          {sizeOptions.map((o) => (
            <option key={o} value={o}>
              {o === 'none' ? 'Same size' : fieldTitle(o)}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" data-testid="lineage-toggle" checked={view.lineage} onChange={(e) => setView((s) => ({ ...s, lineage: e.target.checked }))} />
        Lineage edges
      </label>
    </div>
  );
}
