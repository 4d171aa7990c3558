// The whole manifest (embedded or not) as family trees: a force layout of the lineage edges,
// node area by parameters, colour by a benchmark, embedded models outlined. Clicking selects.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, interpolateViridis, scaleLinear, scaleSqrt, type SimulationNodeDatum } from 'd3';
import { useMemo } from 'react';
import type { ExplorerData } from '../data/explorer-data';
import type { LineageLink } from '../data/lineage';
import { benchmarkValue } from '../data/model-format';
import { EDGE_STYLE } from '../map/MapCanvas';

interface Node extends SimulationNodeDatum {
  index: number;
}

const W = 1000;
const H = 700;

export function LineageView({
  data,
  links,
  visible,
  benchmark,
  selected,
  onSelect,
}: {
  data: ExplorerData;
  links: LineageLink[];
  visible: number[];
  benchmark: string;
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
  const key = benchmark.startsWith('bench:') ? benchmark.slice(6) : 'avg';
  const vals = data.models.map((m) => benchmarkValue(m, key));
  const present = vals.filter((v): v is number => v !== null);
  const c = scaleLinear()
    .domain([Math.min(...present), Math.max(...present)])
    .range([0, 1]);
  const r = scaleSqrt()
    .domain([0, Math.max(...data.models.map((m) => m.paramsB ?? 0), 1e-9)])
    .range([2, 9]);
  return (
    <section className="map-area lineage-view" data-testid="lineage-view" aria-label="Lineage: family trees of the manifest">
      <p className="lineage-note muted">
        {layout.nodes.length} models, {layout.edges.length} lineage edges · colour: {key} · outlined: embedded · size: parameters
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Lineage graph">
        {layout.edges.map((e) => {
          const a = pos.get(e.parent!)!;
          const b = pos.get(e.child)!;
          const st = EDGE_STYLE[e.type] ?? EDGE_STYLE['same-family'];
          return <line key={`${e.parent}-${e.child}-${e.type}`} x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke={st.colour} strokeDasharray={st.dash.join(' ')} />;
        })}
        {layout.nodes.map((n) => {
          const m = data.models[n.index];
          const v = vals[n.index];
          const embedded = m.row !== null;
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>
            <circle
              key={m.id}
              data-testid="lineage-node"
              data-id={m.id}
              data-embedded={embedded ? 'yes' : 'no'}
              cx={n.x}
              cy={n.y}
              r={r(m.paramsB ?? 0)}
              fill={v === null ? '#d0d0d0' : interpolateViridis(c(v))}
              stroke={n.index === selected ? '#D55E00' : embedded ? '#000' : '#fff'}
              strokeWidth={n.index === selected ? 3 : embedded ? 1.8 : 0.5}
              role="button"
              tabIndex={0}
              aria-label={m.id}
              onClick={() => onSelect(n.index)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') onSelect(n.index);
              }}
            >
              <title>{`${m.id}${embedded ? '' : ' (not embedded yet)'}`}</title>
            </circle>
          );
        })}
      </svg>
    </section>
  );
}
