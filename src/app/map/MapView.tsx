// The map tab: canvas, legend (with what the points are), hover card, the point count, a message
// when nothing can be drawn, and a keyboard list of the points that shows itself when focused.
import { type Ref, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Box } from './labels';
import type { ExplorerData } from '../data/explorer-data';
import type { Zoom } from '../state/view-state';
import type { Legend as LegendSpec } from './colour';
import { HoverCard } from './HoverCard';
import { Legend } from './Legend';
import { MapCanvas, type MapHandle } from './MapCanvas';
import { PointList } from './PointList';
import type { Theme } from './painter';
import type { InTabMarker, MapEdge } from './scene';

interface Props {
  data: ExplorerData;
  xy: ([number, number] | null)[];
  visible: number[];
  colour: (i: number) => string;
  radius: (i: number) => number;
  priority: (i: number) => number;
  legend: LegendSpec;
  selected: number | null;
  compare: number | null;
  highlighted: Set<number>;
  edges: MapEdge[];
  showEdges: boolean;
  cluster: ((i: number) => string) | null;
  theme: Theme;
  zoom: Zoom | null;
  onZoom: (z: Zoom | null) => void;
  onSelect: (i: number | null) => void;
  onShowTable: () => void;
  onEmbed: () => void;
  mapRef: Ref<MapHandle>;
  /** a model embedded in this tab, drawn as a distinct marker */
  marker?: InTabMarker | null;
  onMarker?: () => void;
}

// one empty list, so an unrelated re-render does not rebuild and repaint the scene
const NO_EDGES: MapEdge[] = [];

export function MapView(p: Props) {
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  // the legend overlays the map's top-left corner: labels keep out of it
  const legendRef = useRef<HTMLDetailsElement>(null);
  const [reserved, setReserved] = useState<Box[]>([]);
  useEffect(() => {
    const el = legendRef.current;
    if (!el) return;
    const measure = () => {
      const r = el.getBoundingClientRect();
      const stage = el.parentElement!.getBoundingClientRect();
      const box = { x0: r.left - stage.left - 2, y0: r.top - stage.top - 2, x1: r.right - stage.left + 2, y1: r.bottom - stage.top + 2 };
      setReserved((old) => (old.length === 1 && JSON.stringify(old[0]) === JSON.stringify(box) ? old : [box]));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);
  const ids = useMemo(() => p.data.models.map((m) => m.id), [p.data]);
  const onMap = useMemo(() => p.visible.filter((i) => p.xy[i]), [p.visible, p.xy]);
  // a stable callback for the memoized point list (onSelect is a new function on every render)
  const onSelect = useRef(p.onSelect);
  onSelect.current = p.onSelect;
  const pick = useCallback((i: number) => onSelect.current(i), []);
  const total = p.data.models.length;
  const embedded = p.data.embedded.length;
  const lab = p.data.embedded.filter((i) => p.data.models[i].origin === 'lab').length;
  return (
    <section className="map-area" data-testid="map-area" aria-label="Atlas map">
      <p className="map-explain" data-testid="map-explain">
        {embedded === 0
          ? `None of the ${total} models is embedded yet.`
          : lab === embedded
            ? `The ${embedded} points are lab models: small open models and their quantizations, fine-tunes and merges, embedded by this project's lineage lab.`
            : `${embedded} embedded models (${lab} from the lineage lab).`}{' '}
        {total > embedded && (
          <>
            The other {total - embedded} are leaderboard models, listed in the{' '}
            <button type="button" className="link inline" onClick={p.onShowTable}>
              table
            </button>{' '}
            but not embedded yet:{' '}
            <button type="button" className="link inline" onClick={p.onEmbed}>
              embed one in this tab
            </button>{' '}
            or with <code>able embed</code> + <code>able atlas merge</code>.
          </>
        )}
      </p>
      <div className="map-stage">
      <MapCanvas
        ref={p.mapRef}
        xy={p.xy}
        visible={onMap}
        ids={ids}
        colour={p.colour}
        radius={p.radius}
        priority={p.priority}
        selected={p.selected}
        compare={p.compare}
        highlighted={p.highlighted}
        edges={p.showEdges ? p.edges : NO_EDGES}
        cluster={p.cluster}
        theme={p.theme}
        zoom={p.zoom}
        onZoom={p.onZoom}
        onSelect={p.onSelect}
        onHover={setHover}
        marker={p.marker ?? null}
        onMarker={p.onMarker}
        reserved={reserved}
      />
      {p.marker && (
        <button type="button" className="in-tab-marker-note" data-testid="in-tab-marker" onClick={p.onMarker}>
          <span aria-hidden="true">◆</span> {p.marker.label}: embedded in this tab
        </button>
      )}
      <Legend ref={legendRef} legend={p.legend} edges={p.showEdges} selection={p.selected !== null} />
      {onMap.length === 0 && (
        <p className="map-empty" data-testid="map-empty" role="status">
          {p.visible.length === 0
            ? 'No model passes the filters.'
            : `None of the ${p.visible.length} models that pass the filters is embedded, so none has a place on the map.`}{' '}
          <button type="button" className="link inline" onClick={p.onShowTable}>
            See them in the table
          </button>
        </p>
      )}
      <div className="map-count" data-testid="map-point-count" data-count={onMap.length}>
        {onMap.length} of {total} models on the map
        {embedded < total && ` (${total - embedded} not embedded yet)`}
      </div>
      {hover && <HoverCard model={p.data.models[hover.index]} x={hover.x} y={hover.y} />}
      </div>
      <PointList points={onMap} ids={ids} selected={p.selected} onSelect={pick} />
    </section>
  );
}
