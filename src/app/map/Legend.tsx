import { format } from 'd3';
import type { Legend as LegendSpec } from './colour';
import { EDGE_STYLE } from './MapCanvas';

const num = format('.3~g');

export function Legend({ legend, edges }: { legend: LegendSpec; edges: boolean }) {
  return (
    <section className="legend" data-testid="legend" aria-label="Legend">
      <div className="legend-title">{legend.title}</div>
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
      {edges && (
        <ul className="edge-legend">
          {Object.entries(EDGE_STYLE).map(([type, st]) => (
            <li key={type}>
              <svg width="24" height="8" aria-hidden="true">
                <line x1="0" y1="4" x2="24" y2="4" stroke={st.colour} strokeWidth="2" strokeDasharray={st.dash.join(' ')} />
              </svg>
              {type}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
