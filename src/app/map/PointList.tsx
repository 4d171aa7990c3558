// The keyboard list of the points on the map (one button per point), shown when focused. At
// 10,000 points its DOM is the largest thing on the page, so it is memoized (a re-render of the
// map does not reconcile it) and filled after the map's first paint (useDeferredValue), and its
// off-screen items skip style and layout (content-visibility in styles.css).
import { memo, useDeferredValue } from 'react';

const NONE: number[] = [];

export const PointList = memo(function PointList({ points, ids, selected, onSelect }: { points: number[]; ids: string[]; selected: number | null; onSelect: (i: number) => void }) {
  const shown = useDeferredValue(points, NONE);
  return (
    <ul className="point-list" aria-label="Models on the map" data-testid="map-points">
      {shown.map((i) => (
        <li key={i}>
          <button type="button" onClick={() => onSelect(i)} aria-pressed={i === selected}>
            {ids[i]}
          </button>
        </li>
      ))}
    </ul>
  );
});
