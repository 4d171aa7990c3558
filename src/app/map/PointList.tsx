// The keyboard list of the points on the map (one button per point), shown when focused. At
// 10,000-100,000 points its DOM is the largest thing on the page, so it stays off the first paint
// and out of the way of pan and zoom: it is filled in chunks when the main thread is idle, each
// chunk a memoized component (a new chunk, a selection or a re-render of the map reconciles only
// the chunks it touches), and off-screen items skip style and layout (content-visibility in
// styles.css).
import { memo, useEffect, useMemo, useState } from 'react';
import { whenIdle } from '../idle';

const CHUNK = 500;

const Chunk = memo(function Chunk({ points, ids, selected, onSelect }: { points: number[]; ids: string[]; selected: number | null; onSelect: (i: number) => void }) {
  return points.map((i) => (
    <li key={i}>
      <button type="button" onClick={() => onSelect(i)} aria-pressed={i === selected}>
        {ids[i]}
      </button>
    </li>
  ));
});

export function PointList({ points, ids, selected, onSelect }: { points: number[]; ids: string[]; selected: number | null; onSelect: (i: number) => void }) {
  const chunks = useMemo(() => Array.from({ length: Math.ceil(points.length / CHUNK) }, (_, c) => points.slice(c * CHUNK, (c + 1) * CHUNK)), [points]);
  const [shown, setShown] = useState(0);
  useEffect(() => {
    if (shown >= chunks.length) return;
    return whenIdle(() => setShown((n) => n + 1));
  }, [shown, chunks]);
  // the chunk that holds the selection is the only one whose aria-pressed changes
  const selectedChunk = useMemo(() => (selected === null ? -1 : Math.floor(points.indexOf(selected) / CHUNK)), [points, selected]);
  return (
    <ul className="point-list" aria-label="Models on the map" data-testid="map-points">
      {chunks.slice(0, shown).map((c, k) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a chunk is its position in the list
        <Chunk key={k} points={c} ids={ids} selected={k === selectedChunk ? selected : null} onSelect={onSelect} />
      ))}
    </ul>
  );
}
