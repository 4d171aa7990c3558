// The map tab: canvas, legend, hover card, the point count and an accessible list of the points.
import { type Ref, useState } from 'react';
import type { ExplorerData } from '../data/explorer-data';
import type { Zoom } from '../state/view-state';
import type { Legend as LegendSpec } from './colour';
import { HoverCard } from './HoverCard';
import { Legend } from './Legend';
import { type InTabMarker, MapCanvas, type MapEdge, type MapHandle } from './MapCanvas';

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
  zoom: Zoom | null;
  onZoom: (z: Zoom | null) => void;
  onSelect: (i: number | null) => void;
  mapRef: Ref<MapHandle>;
  /** a model embedded in this tab, drawn as a distinct marker (approximate placement) */
  marker?: InTabMarker | null;
  onMarker?: () => void;
}

export function MapView(p: Props) {
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const ids = p.data.models.map((m) => m.id);
  const onMap = p.visible.filter((i) => p.xy[i]);
  return (
    <section className="map-area" data-testid="map-area" aria-label="Atlas map">
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
        edges={p.showEdges ? p.edges : []}
        zoom={p.zoom}
        onZoom={p.onZoom}
        onSelect={p.onSelect}
        onHover={setHover}
        marker={p.marker ?? null}
        onMarker={p.onMarker}
      />
      {p.marker && (
        <button type="button" className="in-tab-marker-note" data-testid="in-tab-marker" onClick={p.onMarker}>
          <span aria-hidden="true">◆</span> {p.marker.label}: embedded in this tab (approximate placement)
        </button>
      )}
      <Legend legend={p.legend} edges={p.showEdges} />
      <div className="map-count" data-testid="map-point-count" data-count={onMap.length}>
        {onMap.length} of {p.data.models.length} models on the map
        {p.data.embedded.length < p.data.models.length && ` (${p.data.models.length - p.data.embedded.length} not embedded yet)`}
      </div>
      {hover && <HoverCard model={p.data.models[hover.index]} x={hover.x} y={hover.y} />}
      <ul className="sr-only" aria-label="Models on the map" data-testid="map-points">
        {onMap.map((i) => (
          <li key={i}>
            <button type="button" onClick={() => p.onSelect(i)} aria-pressed={i === p.selected}>
              {ids[i]}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
