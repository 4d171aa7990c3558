// Two models side by side: first the summary of why they are (or are not) neighbours, the probes and
// words that add most to their similarity and to their difference; then every probe's word
// attributions, all on one colour scale so intensities can be compared across probes.
import { interpolatePuOr } from 'd3';
import { useMemo } from 'react';
import { SearchBox } from '../controls/SearchBox';
import type { ExplorerData } from '../data/explorer-data';
import type { VectorsLoad } from '../data/useAtlas';
import { VectorsNote } from '../VectorsNote';
import { compareProbes } from './compare';
import { signMeaning, whyNeighbours, type WordShare } from './why';

// PuOr is diverging and colour-blind safe: orange for positive, purple for negative attribution
const shade = (v: number, max: number) => interpolatePuOr(0.5 - (max > 0 ? v / max : 0) / 2);

function Words({ context, words, values, max, who }: { context: string; words: [number, number][]; values: ArrayLike<number>; max: number; who: string }) {
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

function Ramp({ meaning }: { meaning: ReturnType<typeof signMeaning> }) {
  const stops = Array.from({ length: 9 }, (_, i) => interpolatePuOr(1 - i / 8));
  return (
    <div className="why-legend" data-testid="why-legend">
      <span className="ramp" style={{ background: `linear-gradient(to right, ${stops.join(',')})` }} aria-hidden="true" />
      <span>
        {meaning.unsigned ? (
          <>Shade: {meaning.positive}.</>
        ) : (
          <>
            <strong className="pos">orange</strong>: the word {meaning.positive}; <strong className="neg">purple</strong>: it {meaning.negative}.
          </>
        )}{' '}
        One scale for every probe on this page.
      </span>
    </div>
  );
}

interface Props {
  data: ExplorerData;
  vectorsLoad: VectorsLoad;
  a: number | null;
  b: number | null;
  onPickCompare: (i: number) => void;
}

export function CompareView({ data, vectorsLoad, a, b, onPickCompare }: Props) {
  const ids = useMemo(() => data.models.map((m) => m.id), [data]);
  const vectors = vectorsLoad.status === 'ready' ? vectorsLoad.vectors : null;
  const va = a !== null && vectors ? vectors.vector(a) : null;
  const vb = b !== null && vectors ? vectors.vector(b) : null;
  const rows = useMemo(() => (va && vb ? compareProbes(data.meta.probes, va, vb) : []), [data, va, vb]);
  const why = useMemo(() => (va && vb ? whyNeighbours(data.meta.probes, va, vb) : null), [data, va, vb]);
  if (!va || !vb || !why) {
    return (
      <section className="map-area compare" data-testid="compare-view" aria-label="Compare two models">
        <p>{a === null ? 'Select a model on the map first, then choose one to compare it with.' : `Compare ${ids[a]} with:`}</p>
        {a !== null && <SearchBox items={data.models} onPick={onPickCompare} label="Model to compare with" />}
        {vectorsLoad.status !== 'ready' ? (
          a !== null && b !== null && <VectorsNote load={vectorsLoad} what="the comparison" />
        ) : (a !== null && !va) || (b !== null && !vb) ? (
          <p className="muted">Only embedded models can be compared.</p>
        ) : null}
      </section>
    );
  }
  const probes = data.meta.probes;
  const meaning = signMeaning(data.meta.spec?.attribution as string | undefined);
  // one scale over both whole vectors: every probe's shading is comparable
  let max = 0;
  for (let i = 0; i < va.length; i++) max = Math.max(max, Math.abs(va[i]), Math.abs(vb[i]));
  const distance = 2 - 2 * why.cosine;
  const wordText = (w: WordShare) => {
    const p = probes[w.probe];
    const [s, e] = p.words[w.word];
    return p.context.slice(s, e);
  };
  const probeBlock = (list: typeof why.similar, kind: 'similar' | 'different') => (
    <ol className="why-list" data-testid={`why-${kind}`}>
      {list.map((s) => {
        const p = probes[s.probe];
        const share = kind === 'similar' ? s.similarity / why.cosine : s.difference / distance;
        return (
          <li key={p.id} data-testid="why-probe" data-probe={p.id} data-share={kind === 'similar' ? s.similarity : s.difference}>
            <div className="probe-head">
              <strong>{p.id}</strong> <span className="muted">{p.domain}</span> <span className="muted">target “{p.target.trim()}”</span>
              <span className="num">{Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : ''}</span>
            </div>
            <Words context={p.context} words={p.words} values={va.subarray(p.offset, p.offset + p.words.length)} max={max} who="a" />
            <Words context={p.context} words={p.words} values={vb.subarray(p.offset, p.offset + p.words.length)} max={max} who="b" />
          </li>
        );
      })}
    </ol>
  );
  return (
    <section className="map-area compare" data-testid="compare-view" aria-label="Compare two models">
      <p className="compare-head">
        <span className="who a">A</span> {ids[a!]} &nbsp; <span className="who b">B</span> {ids[b!]} · cosine {why.cosine.toFixed(3)}
      </p>
      <section className="why" data-testid="why-summary" aria-label="Why these two are (or are not) neighbours">
        <h3>Why are they neighbours?</h3>
        <Ramp meaning={meaning} />
        <p className="muted">
          The cosine {why.cosine.toFixed(3)} is a sum over the {probes.length} probes; these {why.similar.length} add the most to it (share of
          the cosine). Words that both models weigh the same way:{' '}
          {why.similarWords.map((w) => (
            <span key={`${w.probe}-${w.word}`} className="tag" data-testid="why-word">
              {wordText(w)} <span className="muted">({probes[w.probe].id})</span>
            </span>
          ))}
        </p>
        {probeBlock(why.similar, 'similar')}
        <h3>What sets them apart</h3>
        <p className="muted">
          Probes with the largest share of the squared distance {distance.toFixed(3)} (= 2 − 2·cosine). Words they weigh most differently:{' '}
          {why.differentWords.map((w) => (
            <span key={`${w.probe}-${w.word}`} className="tag">
              {wordText(w)} <span className="muted">({probes[w.probe].id})</span>
            </span>
          ))}
        </p>
        {probeBlock(why.different, 'different')}
      </section>
      <details className="all-probes">
        <summary>All {rows.length} probes, most disagreeing first</summary>
        <ol className="probe-list">
          {rows.map((r) => {
            const p = probes[r.probe];
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
      </details>
    </section>
  );
}
