// The whole manifest (embedded or not) as family trees: a force layout of the lineage edges, node
// area by parameters, the map's colour scale, embedded models outlined. Zoom and pan (d3-zoom),
// labels on demand (the selection and its relatives always; every node once zoomed in), an edge
// legend, and one tab stop: arrow keys move between nodes, Enter selects.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, scaleLinear, scaleSqrt, select, type SimulationNodeDatum, zoom, type ZoomTransform, zoomIdentity } from 'd3';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ExplorerData } from '../data/explorer-data';
import type { LineageLink } from '../data/lineage';
import type { Legend as LegendSpec } from '../map/colour';
import { EdgeLegend, Legend } from '../map/Legend';
import { edgeStyle } from '../map/scene';

interface Node extends SimulationNodeDatum {
  index: number;
}

const W = 1000;
const H = 700;
const LABEL_ZOOM = 2.5;

export function LineageView({
  data,
  links,
  visible,
  colour,
  legend,
  selected,
  onSelect,
}: {
  data: ExplorerData;
  links: LineageLink[];
  visible: number[];
  colour: (i: number) => string;
  legend: LegendSpec;
  selected: number | null;
  onSelect: (i: number) => void;
}) {
  const layout = useMemo(() => {
    const shown = new Set(visible);
    const nodes: Node[] = visible.map((i) => ({ index: i }));
    const byIndex = new Map(nodes.map((n) => [n.index, n]));
    const edges = links.filter((l) => l.parent !== null && shown.has(l.parent) && shown.has(l.child));
    const sim = forceSimulation(nodes)
      .randomSource(() => 0.5) // deterministic layout
      .force('charge', forceManyBody().strength(-12))
      .force('link', forceLink(edges.map((e) => ({ source: byIndex.get(e.parent!)!, target: byIndex.get(e.child)! }))).distance(18))
      .force('collide', forceCollide(5))
      .force('x', forceX(0).strength(0.04))
      .force('y', forceY(0).strength(0.06))
      .stop();
    sim.tick(300);
    const xs = nodes.map((n) => n.x!);
    const ys = nodes.map((n) => n.y!);
    const sx = scaleLinear().domain([Math.min(...xs), Math.max(...xs)]).range([20, W - 20]);
    const sy = scaleLinear().domain([Math.min(...ys), Math.max(...ys)]).range([20, H - 20]);
    return { nodes: nodes.map((n) => ({ index: n.index, x: sx(n.x!), y: sy(n.y!) })), edges };
  }, [links, visible]);
  const pos = new Map(layout.nodes.map((n) => [n.index, n]));
  const r = scaleSqrt()
    .domain([0, Math.max(...data.models.map((m) => m.paramsB ?? 0), 1e-9)])
    .range([2, 9]);

  const svg = useRef<SVGSVGElement>(null);
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  useEffect(() => {
    const el = svg.current!;
    const z = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.5, 20])
      .on('zoom', (e) => setT(e.transform));
    select(el).call(z);
    return () => {
      select(el).on('.zoom', null);
    };
  }, []);

  // keyboard: the focused node (roving), moved by arrow keys to the nearest node in that direction
  const [focus, setFocus] = useState<number | null>(null);
  const domId = useId();
  const current = focus ?? selected ?? layout.nodes[0]?.index ?? null;
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (current === null) return;
    const here = pos.get(current);
    if (!here) return;
    const dir: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (e.key === 'Enter' || e.key === ' ') {
      onSelect(current);
      e.preventDefault();
      return;
    }
    const d = dir[e.key];
    if (!d) return;
    e.preventDefault();
    let best: number | null = null;
    let bestScore = Number.POSITIVE_INFINITY;
    for (const n of layout.nodes) {
      const dx = n.x - here.x;
      const dy = n.y - here.y;
      const along = dx * d[0] + dy * d[1];
      if (along <= 0) continue;
      const score = along + 2 * Math.abs(dx * d[1] - dy * d[0]);
      if (score < bestScore) {
        best = n.index;
        bestScore = score;
      }
    }
    if (best !== null) setFocus(best);
  };

  const relatives = new Set<number>();
  if (selected !== null) {
    relatives.add(selected);
    for (const l of links) {
      if (l.child === selected && l.parent !== null) relatives.add(l.parent);
      if (l.parent === selected) relatives.add(l.child);
    }
  }
  const labelled = (i: number) => t.k >= LABEL_ZOOM || relatives.has(i) || i === focus;
  const short = (id: string) => (id.includes('/') ? id.slice(id.indexOf('/') + 1) : id);
  const types = [...new Set(layout.edges.map((e) => e.type))];
  return (
    <section className="map-area lineage-view" data-testid="lineage-view" aria-label="Lineage: family trees of the manifest">
      <p className="lineage-note muted">
        {layout.nodes.length} models, {layout.edges.length} lineage edges · colour: {legend.title} · outlined: embedded · size: parameters · scroll or pinch
        to zoom, drag to pan, labels appear when zoomed in
      </p>
      <div
        className="lineage-stage"
        role="listbox"
        aria-label="Lineage graph: arrow keys move between models, Enter selects"
        tabIndex={0}
        aria-activedescendant={current !== null ? `${domId}-${current}` : undefined}
        onKeyDown={onKey}
        data-testid="lineage-svg"
        data-focus={current ?? ''}
      >
      <svg ref={svg} viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Lineage graph">
        <g transform={t.toString()}>
          {layout.edges.map((e) => {
            const a = pos.get(e.parent!)!;
            const b = pos.get(e.child)!;
            const st = edgeStyle(e.type);
            return (
              <line
                key={`${e.parent}-${e.child}-${e.type}`}
                x1={a.x}
                y1={a.y}
                x2={b.x}
                y2={b.y}
                stroke={st.colour}
                strokeDasharray={st.dash.join(' ')}
                strokeWidth={1 / Math.sqrt(t.k)}
              />
            );
          })}
          {layout.nodes.map((n) => {
            const m = data.models[n.index];
            const embedded = m.row !== null;
            const isSel = n.index === selected;
            return (
              <circle
                key={m.id}
                id={`${domId}-${n.index}`}
                data-testid="lineage-node"
                data-id={m.id}
                data-embedded={embedded ? 'yes' : 'no'}
                cx={n.x}
                cy={n.y}
                r={r(m.paramsB ?? 0) / Math.sqrt(t.k)}
                fill={colour(n.index)}
                stroke={isSel ? '#000' : embedded ? '#000' : '#fff'}
                strokeWidth={(isSel ? 2 : embedded ? 1.8 : 0.5) / Math.sqrt(t.k)}
                role="option"
                aria-selected={isSel}
                aria-label={m.id}
                onClick={() => onSelect(n.index)}
              >
                <title>{`${m.id}${embedded ? '' : ' (not embedded yet)'}`}</title>
              </circle>
            );
          })}
          {selected !== null && pos.get(selected) && (
            <circle className="lineage-selection" cx={pos.get(selected)!.x} cy={pos.get(selected)!.y} r={14 / Math.sqrt(t.k)} fill="none" stroke="#D55E00" strokeWidth={3 / Math.sqrt(t.k)} pointerEvents="none" />
          )}
          {current !== null && current !== selected && pos.get(current) && (
            <circle cx={pos.get(current)!.x} cy={pos.get(current)!.y} r={11 / Math.sqrt(t.k)} fill="none" stroke="#0072B2" strokeWidth={2 / Math.sqrt(t.k)} strokeDasharray="3 2" pointerEvents="none" />
          )}
          <g className="lineage-labels" fontSize={11 / t.k} pointerEvents="none">
            {layout.nodes.filter((n) => labelled(n.index)).map((n) => (
              <text key={n.index} x={n.x + 8 / t.k} y={n.y + 4 / t.k} fontWeight={n.index === selected ? 700 : 400} paintOrder="stroke" stroke="var(--paper)" strokeWidth={3 / t.k}>
                {short(data.models[n.index].id)}
              </text>
            ))}
          </g>
        </g>
      </svg>
      </div>
      <div className="lineage-legend">
        <Legend legend={legend} edges={false} selection={false} />
        <EdgeLegend types={types} className="edge-legend legend" testId="lineage-edge-legend" />
      </div>
    </section>
  );
}
