// Side-by-side word attributions of two models on every probe, most disagreeing probes first.
import { interpolatePuOr } from 'd3';
import { useMemo } from 'react';
import { SearchBox } from '../controls/SearchBox';
import type { ExplorerData } from '../data/explorer-data';
import { compareProbes } from './compare';

// PuOr is diverging and colour-blind safe: orange for positive, purple for negative attribution
const shade = (v: number, max: number) => interpolatePuOr(0.5 - (max > 0 ? v / max : 0) / 2);

function Words({ context, words, values, max, who }: { context: string; words: [number, number][]; values: Float32Array; max: number; who: string }) {
  return (
    <div className="words" data-testid="attribution-row" data-model={who}>
      {words.map(([s, e], k) => (
        <span
          key={`${s}-${e}`}
          className="word"
          data-testid="word"
          data-a={values[k]}
          title={`${context.slice(s, e)}: ${values[k].toFixed(4)}`}
          style={{ background: shade(values[k], max), color: Math.abs(values[k]) > 0.6 * max ? '#fff' : '#1d2330' }}
        >
          {context.slice(s, e)}
        </span>
      ))}
    </div>
  );
}

export function CompareView({ data, a, b, onPickCompare }: { data: ExplorerData; a: number | null; b: number | null; onPickCompare: (i: number) => void }) {
  const ids = useMemo(() => data.models.map((m) => m.id), [data]);
  const va = a !== null ? data.vector(a) : null;
  const vb = b !== null ? data.vector(b) : null;
  const rows = useMemo(() => (va && vb ? compareProbes(data.meta.probes, va, vb) : []), [data, va, vb]);
  if (!va || !vb) {
    return (
      <section className="map-area compare" data-testid="compare-view" aria-label="Compare two models">
        <p>
          {a === null ? 'Select a model on the map first, then choose one to compare it with.' : `Compare ${ids[a]} with:`}
        </p>
        {a !== null && <SearchBox ids={ids} onPick={onPickCompare} label="Model to compare with" />}
        {(a !== null && !va) || (b !== null && !vb) ? <p className="muted">Only embedded models can be compared.</p> : null}
      </section>
    );
  }
  return (
    <section className="map-area compare" data-testid="compare-view" aria-label="Compare two models">
      <p className="compare-head">
        <span className="who a">A</span> {ids[a!]} &nbsp; <span className="who b">B</span> {ids[b!]} — probes sorted by disagreement
        (lowest cosine first). Orange: the word raises the target's log-probability; purple: lowers it.
      </p>
      <ol className="probe-list">
        {rows.map((r) => {
          const p = data.meta.probes[r.probe];
          const max = Math.max(...Array.from(r.a, Math.abs), ...Array.from(r.b, Math.abs));
          return (
            <li key={p.id} data-testid="compare-probe" data-probe={p.id} data-cosine={r.cosine}>
              <div className="probe-head">
                <strong>{p.id}</strong> <span className="muted">{p.domain}</span> <span className="muted">target “{p.target}”</span>
                <span className="num">cos {r.cosine.toFixed(3)}</span>
              </div>
              <Words context={p.context} words={p.words} values={r.a} max={max} who="a" />
              <Words context={p.context} words={p.words} values={r.b} max={max} who="b" />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
