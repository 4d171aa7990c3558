// The atlas map on a canvas: d3-zoom for pan/zoom (mouse, touch, keyboard), d3-scale for the
// fitted data-to-screen transform, greedy non-overlapping labels, optional lineage edges.
import { type D3ZoomEvent, select, scaleLinear, type ZoomBehavior, zoom, zoomIdentity, type ZoomTransform } from 'd3';
import { type Ref, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import type { SvgEdge, SvgLabel, SvgPoint } from '../export/export';
import type { Zoom } from '../state/view-state';
import { placeLabels } from './labels';

export interface MapEdge {
  from: number;
  to: number;
  type: string;
}

export const EDGE_STYLE: Record<string, { colour: string; dash: number[] }> = {
  'fine-tune': { colour: '#0072B2', dash: [] },
  merge: { colour: '#D55E00', dash: [6, 3] },
  quantization: { colour: '#009E73', dash: [2, 3] },
  adapter: { colour: '#CC79A7', dash: [8, 3, 2, 3] },
  'same-family': { colour: '#999999', dash: [1, 4] },
};

/** A model embedded in the tab (src/app/embed): a diamond at an approximate position. */
export interface InTabMarker {
  xy: [number, number];
  label: string;
}
const MARKER_R = 9;

export interface MapSnapshot {
  width: number;
  height: number;
  points: SvgPoint[];
  labels: SvgLabel[];
  edges: SvgEdge[];
  canvas: HTMLCanvasElement;
}

export interface MapHandle {
  snapshot(): MapSnapshot | null;
}

interface Props {
  xy: ([number, number] | null)[]; // per model index
  visible: number[]; // model indices to draw
  ids: string[];
  colour: (i: number) => string;
  radius: (i: number) => number;
  priority: (i: number) => number;
  selected: number | null;
  compare: number | null;
  highlighted: Set<number>; // neighbours of the selection
  edges: MapEdge[];
  zoom: Zoom | null;
  onZoom: (z: Zoom | null) => void;
  onSelect: (i: number | null) => void;
  onHover: (h: { index: number; x: number; y: number } | null) => void;
  marker?: InTabMarker | null;
  onMarker?: () => void;
  ref?: Ref<MapHandle>;
}

const PAD = 28;

export function MapCanvas(props: Props) {
  const { xy, visible, ids, colour, radius, priority, selected, compare, highlighted, edges, marker } = props;
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  const zoomer = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const applying = useRef(false); // a transform set from the URL, not by the user
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const el = wrap.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  // Fit all embedded points with equal x/y scale (the layout's distances keep their meaning).
  const base = useMemo(() => {
    const pts = xy.filter((p): p is [number, number] => p !== null);
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const [x0, x1] = pts.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
    const [y0, y1] = pts.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
    const w = Math.max(size.w - 2 * PAD, 1);
    const h = Math.max(size.h - 2 * PAD, 1);
    const span = Math.max((x1 - x0) / w, (y1 - y0) / h, 1e-9);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const sx = scaleLinear().domain([cx - (w / 2) * span, cx + (w / 2) * span]).range([PAD, PAD + w]);
    const sy = scaleLinear().domain([cy - (h / 2) * span, cy + (h / 2) * span]).range([PAD + h, PAD]); // y up
    return { sx, sy };
  }, [xy, size.w, size.h]);

  const toTransform = (z: Zoom | null): ZoomTransform => {
    if (!z) return zoomIdentity;
    return zoomIdentity.translate(size.w / 2 - z.k * base.sx(z.cx), size.h / 2 - z.k * base.sy(z.cy)).scale(z.k);
  };

  useEffect(() => {
    const el = canvas.current!;
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.5, 200])
      .on('zoom', (e: D3ZoomEvent<HTMLCanvasElement, unknown>) => setT(e.transform))
      .on('end', (e: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        if (applying.current) return;
        const tr = e.transform;
        const { sx, sy } = baseRef.current;
        const el2 = wrap.current!;
        const cx = sx.invert(tr.invertX(el2.clientWidth / 2));
        const cy = sy.invert(tr.invertY(el2.clientHeight / 2));
        latest.current.onZoom(tr.k === 1 && tr.x === 0 && tr.y === 0 ? null : { k: tr.k, cx, cy });
      });
    z.filter((e: Event) => !(e.type === 'dblclick'));
    zoomer.current = z;
    select(el).call(z);
    return () => {
      select(el).on('.zoom', null);
    };
  }, []);
  const baseRef = useRef(base);
  baseRef.current = base;

  // The URL is the source of truth for the zoom: apply it when it differs from what is shown.
  const zk = props.zoom ? `${props.zoom.k},${props.zoom.cx},${props.zoom.cy}` : 'fit';
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the zoom's value and the size
  useEffect(() => {
    if (!size.w || !zoomer.current) return;
    const want = toTransform(props.zoom);
    applying.current = true;
    select(canvas.current!).call(zoomer.current.transform, want);
    applying.current = false;
    setT(want);
  }, [zk, size.w, size.h, base]);

  const screen = (i: number): [number, number] | null => {
    const p = xy[i];
    return p ? [t.applyX(base.sx(p[0])), t.applyY(base.sy(p[1]))] : null;
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: screen() depends on t and base
  const labels = useMemo(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !size.w) return [];
    ctx.font = '12px system-ui, sans-serif';
    const cands = visible.flatMap((i) => {
      const s = screen(i);
      if (!s) return [];
      const text = ids[i].includes('/') ? ids[i].split('/')[1] : ids[i];
      const pr = i === selected ? 1e9 : i === compare ? 1e8 : highlighted.has(i) ? 1e6 + priority(i) : priority(i);
      return [{ index: i, x: s[0], y: s[1], r: radius(i), text, priority: pr }];
    });
    return placeLabels(cands, (s) => ctx.measureText(s).width, size.w, size.h, { max: size.w < 600 ? 12 : 30 });
  }, [visible, ids, t, base, size, selected, compare, highlighted, priority, radius]);

  const drawnRef = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: screen() depends on t and base
  useEffect(() => {
    const el = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    if (el.width !== Math.round(size.w * dpr) || el.height !== Math.round(size.h * dpr)) {
      el.width = Math.round(size.w * dpr);
      el.height = Math.round(size.h * dpr);
    }
    const ctx = el.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, size.w, size.h);
    const vis = new Set(visible);
    for (const e of edges) {
      if (!vis.has(e.from) || !vis.has(e.to)) continue;
      const a = screen(e.from);
      const b = screen(e.to);
      if (!a || !b) continue;
      const st = EDGE_STYLE[e.type] ?? EDGE_STYLE['same-family'];
      ctx.strokeStyle = st.colour;
      ctx.setLineDash(st.dash);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(a[0], a[1]);
      ctx.lineTo(b[0], b[1]);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    let drawn = 0;
    // neighbours and the selection last, so they are on top
    const order = [...visible].sort((a, b) => rank(a) - rank(b));
    function rank(i: number) {
      return i === selected ? 3 : i === compare ? 2 : highlighted.has(i) ? 1 : 0;
    }
    for (const i of order) {
      const s = screen(i);
      if (!s) continue;
      drawn++;
      const r = radius(i);
      ctx.beginPath();
      ctx.arc(s[0], s[1], r, 0, 2 * Math.PI);
      ctx.fillStyle = colour(i);
      ctx.fill();
      ctx.lineWidth = rank(i) ? 2 : 0.6;
      ctx.strokeStyle = i === selected ? '#000000' : i === compare ? '#D55E00' : highlighted.has(i) ? '#444444' : '#1d2330';
      ctx.stroke();
      if (i === selected || i === compare) {
        ctx.beginPath();
        ctx.arc(s[0], s[1], r + 4, 0, 2 * Math.PI);
        ctx.lineWidth = 2;
        ctx.stroke();
      }
    }
    drawnRef.current = drawn;
    el.dataset.drawn = String(drawn);
    ctx.font = '12px system-ui, sans-serif';
    ctx.lineWidth = 3;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.fillStyle = '#1d2330';
    for (const l of labels) {
      ctx.strokeText(l.text, l.x, l.y);
      ctx.fillText(l.text, l.x, l.y);
    }
    delete el.dataset.marker;
    if (marker) {
      // on top of everything, a shape no atlas model has
      const mx = t.applyX(base.sx(marker.xy[0]));
      const my = t.applyY(base.sy(marker.xy[1]));
      ctx.beginPath();
      ctx.moveTo(mx, my - MARKER_R);
      ctx.lineTo(mx + MARKER_R, my);
      ctx.lineTo(mx, my + MARKER_R);
      ctx.lineTo(mx - MARKER_R, my);
      ctx.closePath();
      ctx.fillStyle = '#E7298A'; // outside the Okabe-Ito palette the map colours with
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#000000';
      ctx.stroke();
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      ctx.fillStyle = '#000000';
      ctx.strokeText(marker.label, mx + MARKER_R + 3, my + 4);
      ctx.fillText(marker.label, mx + MARKER_R + 3, my + 4);
      el.dataset.marker = `${mx.toFixed(1)},${my.toFixed(1)}`;
    }
  }, [visible, edges, t, base, size, colour, radius, selected, compare, highlighted, labels, marker]);

  const hit = (mx: number, my: number): number | null => {
    let best: number | null = null;
    let bestD = Number.POSITIVE_INFINITY;
    for (const i of visible) {
      const s = screen(i);
      if (!s) continue;
      const d = Math.hypot(s[0] - mx, s[1] - my);
      if (d <= radius(i) + 4 && d < bestD) {
        best = i;
        bestD = d;
      }
    }
    return best;
  };

  useImperativeHandle(props.ref, () => ({
    snapshot: () => {
      if (!canvas.current) return null;
      const vis = new Set(visible);
      return {
        width: size.w,
        height: size.h,
        canvas: canvas.current,
        points: visible.flatMap((i) => {
          const s = screen(i);
          return s ? [{ x: s[0], y: s[1], r: radius(i), fill: colour(i), id: ids[i], selected: i === selected }] : [];
        }),
        labels: labels.map((l) => ({ x: l.x, y: l.y, text: l.text })),
        edges: edges.flatMap((e) => {
          const a = screen(e.from);
          const b = screen(e.to);
          if (!a || !b || !vis.has(e.from) || !vis.has(e.to)) return [];
          return [{ x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: (EDGE_STYLE[e.type] ?? EDGE_STYLE['same-family']).colour }];
        }),
      };
    },
  }));

  const onKey = (e: React.KeyboardEvent) => {
    const z = zoomer.current;
    if (!z) return;
    const sel = select(canvas.current!);
    const step = 40;
    switch (e.key) {
      case 'ArrowLeft':
        z.translateBy(sel, step / t.k, 0);
        break;
      case 'ArrowRight':
        z.translateBy(sel, -step / t.k, 0);
        break;
      case 'ArrowUp':
        z.translateBy(sel, 0, step / t.k);
        break;
      case 'ArrowDown':
        z.translateBy(sel, 0, -step / t.k);
        break;
      case '+':
      case '=':
        z.scaleBy(sel, 1.25);
        break;
      case '-':
        z.scaleBy(sel, 0.8);
        break;
      case '0':
        z.transform(sel, zoomIdentity);
        break;
      case 'Escape':
        props.onSelect(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div className="map-canvas-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        data-testid="map-canvas"
        tabIndex={0}
        role="img"
        aria-label="Atlas map: arrow keys pan, + and - zoom, 0 resets, Escape clears the selection"
        style={{ width: size.w, height: size.h }}
        onKeyDown={onKey}
        onMouseMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const i = hit(e.clientX - r.left, e.clientY - r.top);
          props.onHover(i === null ? null : { index: i, x: e.clientX - r.left, y: e.clientY - r.top });
        }}
        onMouseLeave={() => props.onHover(null)}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          const x = e.clientX - r.left;
          const y = e.clientY - r.top;
          if (marker && props.onMarker && Math.hypot(t.applyX(base.sx(marker.xy[0])) - x, t.applyY(base.sy(marker.xy[1])) - y) <= MARKER_R + 2) {
            props.onMarker();
            return;
          }
          const i = hit(x, y);
          if (i !== null) props.onSelect(i);
        }}
      />
    </div>
  );
}
