import { format } from 'd3';
import type { Ref } from 'react';
import type { Legend as LegendSpec } from './colour';
import { COMPARE_RING, NEIGHBOUR_RING } from './painter';
import { EDGE_STYLE, edgeStyle } from './scene';

const num = format('.3~g');

function Ring({ colour, dash }: { colour: string; dash?: string }) {
  return (
    <svg width="16" height="16" aria-hidden="true">
      <circle cx="8" cy="8" r="3.5" fill="#9a9a9a" stroke="currentColor" strokeWidth="1" />
      <circle cx="8" cy="8" r="6.5" fill="none" stroke={colour} strokeWidth="1.5" strokeDasharray={dash} />
    </svg>
  );
}

const narrow = () => typeof window !== 'undefined' && window.matchMedia?.('(max-width: 700px)').matches === true;

export function Legend({ legend, edges, selection, ref }: { legend: LegendSpec; edges: boolean; selection: boolean; ref?: Ref<HTMLDetailsElement> }) {
  return (
    // folded on a phone, where it would cover a third of the map's width
    <details ref={ref} className="legend" data-testid="legend" aria-label="Legend" open={!narrow()}>
      <summary className="legend-title">{legend.title}</summary>
      {legend.kind === 'categorical' ? (
        <ul>
          {legend.items.map((it) => (
            <li key={it.label}>
              <span className="swatch" style={{ background: it.colour }} />
              {it.label} <span className="muted">({it.count})</span>
            </li>
          ))}
        </ul>
      ) : (
        <div>
          <div className="ramp" style={{ background: `linear-gradient(to right, ${legend.stops.join(',')})` }} />
          <div className="ramp-ticks">
            <span>{num(legend.domain[0])}</span>
            <span>{legend.log ? num(Math.sqrt(legend.domain[0] * legend.domain[1])) : num((legend.domain[0] + legend.domain[1]) / 2)}</span>
            <span>{num(legend.domain[1])}</span>
          </div>
          <div className="muted">grey: no value</div>
        </div>
      )}
      {selection && (
        <ul className="marks" data-testid="legend-marks">
          <li>
            <Ring colour="currentColor" /> selected
          </li>
          <li>
            <Ring colour={NEIGHBOUR_RING} dash="2 2" /> its 10 nearest neighbours
          </li>
          <li>
            <Ring colour={COMPARE_RING} /> compared with
          </li>
        </ul>
      )}
      {edges && (
        <EdgeLegend types={Object.keys(EDGE_STYLE)} />
      )}
    </details>
  );
}

/** One swatch per lineage edge type, drawn with the map's own stroke and dash pattern. */
export function EdgeLegend({ types, className = 'edge-legend', testId }: { types: string[]; className?: string; testId?: string }) {
  return (
    <ul className={className} data-testid={testId}>
      {types.map((type) => {
        const st = edgeStyle(type);
        return (
          <li key={type}>
            <svg width="24" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="24" y2="4" stroke={st.colour} strokeWidth="2" strokeDasharray={st.dash.join(' ')} />
            </svg>
            {type}
          </li>
        );
      })}
    </ul>
  );
}
