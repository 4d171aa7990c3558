// Each benchmark score of a model against the atlas distribution: a strip of all models' scores
// with this model marked, and its percentile.
import type { AtlasModel } from '../data/atlas-types';
import { benchmarkKeys, benchmarkValue } from '../data/model-format';

export function BenchmarkStrips({ model, models }: { model: AtlasModel; models: AtlasModel[] }) {
  // only the scores this model has: a row of dashes says nothing
  const keys = benchmarkKeys(models).filter((k) => benchmarkValue(model, k) !== null);
  if (!keys.length) return <p className="muted" data-testid="no-benchmarks">No leaderboard scores for this model.</p>;
  return (
    <table className="bench" data-testid="benchmarks">
      <tbody>
        {keys.map((k) => {
          const all = models.map((m) => benchmarkValue(m, k)).filter((v): v is number => v !== null);
          const v = benchmarkValue(model, k);
          const lo = Math.min(...all);
          const hi = Math.max(...all);
          const pos = (x: number) => `${hi > lo ? ((x - lo) / (hi - lo)) * 100 : 50}%`;
          const pct = typeof v === 'number' ? Math.round((all.filter((a) => a <= v).length / all.length) * 100) : null;
          return (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td className="strip" aria-hidden="true">
                {all.map((a, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: static strip of values
                  <span key={j} className="tick" style={{ left: pos(a) }} />
                ))}
                {typeof v === 'number' && <span className="mark" style={{ left: pos(v) }} />}
              </td>
              <td className="num">{typeof v === 'number' ? v.toFixed(1) : '–'}</td>
              <td className="num muted">{pct !== null ? `p${pct}` : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
