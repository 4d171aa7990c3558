// The atlas map on a canvas: d3-zoom for pan/zoom (mouse, touch, keyboard), a pure scene (scene.ts)
// built from the props and the current transform, painted by painter.ts and hit-tested from the same
// scene. The URL owns the zoom: user gestures report it, and a zoom from the URL is applied here.
import { type D3ZoomEvent, type Quadtree, quadtree, select, type ZoomBehavior, zoom, zoomIdentity, type ZoomTransform, zoomTransform } from 'd3';
import { type Ref, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Zoom } from '../state/view-state';
import { whenIdle } from '../idle';
import { createGlPoints, cssRgba, type GlPoints } from './gl-points';
import { paintScene, type Theme } from './painter';
import type { Box } from './labels';
import { buildScene, fitBase, hitsMarker, hitTest, type InTabMarker, type Scene, type SceneInput, sceneGeometry } from './scene';

export interface MapHandle {
  scene(): Scene | null;
}

/** What the scene is built from (xy per model index, visible model indices, highlighted = the selection's neighbours...). */
type SceneFields = Pick<SceneInput, 'xy' | 'visible' | 'ids' | 'colour' | 'radius' | 'priority' | 'selected' | 'compare' | 'highlighted' | 'edges' | 'cluster'>;

interface Props extends SceneFields {
  theme: Theme;
  zoom: Zoom | null;
  onZoom: (z: Zoom | null) => void;
  onSelect: (i: number | null) => void;
  onHover: (h: { index: number; x: number; y: number } | null) => void;
  marker?: InTabMarker | null;
  onMarker?: () => void;
  /** overlay boxes (the legend) in canvas pixels: labels avoid them */
  reserved: Box[];
  ref?: Ref<MapHandle>;
}

let measurer: CanvasRenderingContext2D | null = null;
/** Text width in px at a font size (one shared off-screen context). */
export function measureText(text: string, px: number): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * px * 0.6;
  measurer.font = `${px}px system-ui, sans-serif`;
  return measurer.measureText(text).width;
}

/** From this many visible points the plain dots are drawn with WebGL (gl-points.ts); canvas 2D below. */
export const GL_MIN_POINTS = 5000;
/** At that scale, labels go to at most this many on-screen points (highest priority first). */
const LABELLED_AT_SCALE = 150;

/** 'webgl' or 'canvas' from localStorage 'able-map-renderer' (a switch for benchmarks), else by size. */
function wantsGl(n: number): boolean {
  let o: string | null = null;
  try {
    o = globalThis.localStorage?.getItem('able-map-renderer') ?? null;
  } catch {
    // storage blocked: decide by size
  }
  return o === 'webgl' ? true : o === 'canvas' ? false : n >= GL_MIN_POINTS;
}

const zoomOf = (t: ZoomTransform, base: ReturnType<typeof fitBase>, w: number, h: number): Zoom | null =>
  t.k === 1 && t.x === 0 && t.y === 0 ? null : { k: t.k, cx: base.sx.invert(t.invertX(w / 2)), cy: base.sy.invert(t.invertY(h / 2)) };

export function MapCanvas(props: Props) {
  const { xy, visible, ids, colour, radius, priority, selected, compare, highlighted, edges, cluster, theme, marker, reserved } = props;
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [t, setT] = useState<ZoomTransform>(zoomIdentity);
  const zoomer = useRef<ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  const applying = useRef(false); // a transform set from the URL, not by the user

  // measured before the first paint (layout effect): the map draws in the first frame, and the
  // point layout below is built once, for the real size, not first for a 0 x 0 canvas
  useLayoutEffect(() => {
    const el = wrap.current!;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const base = useMemo(() => fitBase(xy, size.w, size.h), [xy, size.w, size.h]);

  // Large atlases: plain dots on a WebGL layer under the 2-D canvas, which keeps the rings, edges,
  // labels and marker; hit-testing through a quadtree of the dots' fitted positions.
  const glCanvas = useRef<HTMLCanvasElement>(null);
  const gl = useRef<GlPoints | null>(null);
  const [glFailed, setGlFailed] = useState(false);
  const wantGl = useMemo(() => wantsGl(visible.length), [visible.length]);
  const large = wantGl && !glFailed;
  useEffect(() => {
    if (!wantGl || gl.current || !glCanvas.current) return;
    try {
      gl.current = createGlPoints(glCanvas.current);
    } catch (e) {
      console.warn((e as Error).message);
    }
    if (!gl.current) setGlFailed(true);
  }, [wantGl]);
  useEffect(
    () => () => {
      gl.current?.dispose();
      gl.current = null;
    },
    [],
  );
  // fitted (un-zoomed) screen position of every model, in drawing order (by index, as buildScene)
  const fitted = useMemo(() => {
    if (!large || !size.w) return null;
    const order = visible.filter((i) => xy[i] !== null).sort((a, b) => a - b);
    const pos = new Float32Array(order.length * 2);
    const r = new Float32Array(order.length);
    const rgba = new Uint8Array(order.length * 4);
    order.forEach((i, j) => {
      const p = xy[i]!;
      pos[2 * j] = base.sx(p[0]);
      pos[2 * j + 1] = base.sy(p[1]);
      r[j] = radius(i);
      rgba.set(cssRgba(colour(i)), 4 * j);
    });
    // only hit-testing needs the quadtree (~20 ms at 10,000 dots): built when idle after the first
    // paint, or by the first pointer move if that comes sooner
    let built: Quadtree<number> | null = null;
    const tree = () =>
      (built ??= quadtree<number>()
        .x((j) => pos[2 * j])
        .y((j) => pos[2 * j + 1])
        .addAll(order.map((_, j) => j)));
    const byPriority = order.map((_, j) => j).sort((a, b) => priority(order[b]) - priority(order[a]) || order[a] - order[b]);
    return { order, pos, r, rgba, tree, byPriority, maxR: r.reduce((m, v) => Math.max(m, v), 0) };
  }, [large, size.w, visible, xy, base, radius, colour, priority]);
  useEffect(() => {
    if (fitted && gl.current) gl.current.setPoints(fitted.pos, fitted.rgba, fitted.r);
    if (fitted) return whenIdle(() => fitted.tree());
  }, [fitted]);
  // what the 2-D scene holds at scale: the marked models and the best on-screen label candidates
  const sceneVisible = useMemo(() => {
    if (!size.w) return []; // not laid out yet: nothing to draw
    if (!fitted) return visible;
    const keep = new Set<number>([...highlighted]);
    if (selected !== null) keep.add(selected);
    if (compare !== null) keep.add(compare);
    let n = 0;
    for (const j of fitted.byPriority) {
      if (n >= LABELLED_AT_SCALE) break;
      const x = t.x + t.k * fitted.pos[2 * j];
      const y = t.y + t.k * fitted.pos[2 * j + 1];
      if (x < 0 || y < 0 || x > size.w || y > size.h) continue;
      keep.add(fitted.order[j]);
      n++;
    }
    return visible.filter((i) => keep.has(i));
  }, [fitted, visible, highlighted, selected, compare, t, size]);
  // What the zoom callbacks (bound once) need of the latest render.
  const live = useRef({ base, size, onZoom: props.onZoom });
  live.current = { base, size, onZoom: props.onZoom };

  useEffect(() => {
    const el = canvas.current!;
    const z = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.5, 200])
      .filter((e: Event) => e.type !== 'dblclick')
      .on('zoom', (e: D3ZoomEvent<HTMLCanvasElement, unknown>) => setT(e.transform))
      .on('end', (e: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        if (applying.current) return;
        const { base: b, size: s, onZoom } = live.current;
        onZoom(zoomOf(e.transform, b, s.w, s.h));
      });
    zoomer.current = z;
    select(el).call(z);
    return () => {
      select(el).on('.zoom', null);
    };
  }, []);

  // The URL is the source of truth for the zoom: apply it when it, the size or the fit changes.
  const want = props.zoom;
  useEffect(() => {
    if (!size.w || !zoomer.current) return;
    const tr = want ? zoomIdentity.translate(size.w / 2 - want.k * base.sx(want.cx), size.h / 2 - want.k * base.sy(want.cy)).scale(want.k) : zoomIdentity;
    applying.current = true;
    select(canvas.current!).call(zoomer.current.transform, tr);
    applying.current = false;
    setT(tr);
  }, [want, size, base]);

  const scene = useMemo(
    () =>
      buildScene({
        width: size.w,
        height: size.h,
        view: { sx: base.sx, sy: base.sy, k: t.k, tx: t.x, ty: t.y },
        xy,
        visible: sceneVisible,
        ids,
        colour,
        radius,
        priority,
        selected,
        compare,
        highlighted,
        edges,
        marker: marker ?? null,
        // density contours and cluster labels need every point: not at WebGL scale
        cluster: fitted ? null : cluster,
        measure: measureText,
        reserved,
      }),
    [size, base, t, xy, sceneVisible, ids, colour, radius, priority, selected, compare, highlighted, edges, marker, cluster, reserved, fitted],
  );

  useEffect(() => {
    const el = canvas.current!;
    const dpr = window.devicePixelRatio || 1;
    if (el.width !== Math.round(scene.width * dpr) || el.height !== Math.round(scene.height * dpr)) {
      el.width = Math.round(scene.width * dpr);
      el.height = Math.round(scene.height * dpr);
    }
    const ctx = el.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const glDots = fitted && gl.current ? fitted.order.length : 0;
    if (fitted && gl.current) gl.current.draw(t, scene.width, scene.height, dpr, theme.background, theme.ink);
    paintScene(ctx, scene, theme, { transparent: !!(fitted && gl.current) });
    el.dataset.renderer = glDots ? 'webgl' : 'canvas';
    el.dataset.drawn = String(scene.width > 0 ? (glDots || scene.points.length) : 0);
    el.dataset.scene = JSON.stringify(sceneGeometry(scene));
    if (scene.marker) el.dataset.marker = `${scene.marker.x.toFixed(1)},${scene.marker.y.toFixed(1)}`;
    else delete el.dataset.marker;
  }, [scene, theme, fitted, t]);

  // A selection made elsewhere (list, table, neighbour) near or past the edge: pan to it, keeping the
  // zoom. A link's own view is kept unless its selection is entirely off-screen. Runs after the zoom
  // effect above, so it reads the transform the URL asked for.
  const xyNow = useRef(xy);
  xyNow.current = xy;
  const seen = useRef<{ selected: number | null } | null>(null);
  useEffect(() => {
    if (!size.w || !zoomer.current) return;
    const changed = seen.current !== null && seen.current.selected !== selected;
    seen.current = { selected };
    const p = selected === null ? null : xyNow.current[selected];
    if (!p) return;
    const el = canvas.current!;
    const tr = zoomTransform(el);
    const x = tr.applyX(base.sx(p[0]));
    const y = tr.applyY(base.sy(p[1]));
    const m = changed ? 40 : 0;
    if (x >= m && y >= m && x <= size.w - m && y <= size.h - m) return;
    select(el).transition().duration(250).call(zoomer.current.translateBy, (size.w / 2 - x) / tr.k, (size.h / 2 - y) / tr.k);
  }, [selected, base, size]);

  // The exports draw what is on screen: at WebGL scale, the GL dots join the 2-D scene's own
  // (plain, in index order, beneath it) for that one call.
  useImperativeHandle(
    props.ref,
    () => ({
      scene: () => {
        if (!size.w) return null;
        if (!fitted) return scene;
        const own = new Set(scene.points.map((p) => p.index));
        const plain = fitted.order.flatMap((i, j) =>
          own.has(i)
            ? []
            : [{ index: i, id: ids[i], x: t.x + t.k * fitted.pos[2 * j], y: t.y + t.k * fitted.pos[2 * j + 1], r: fitted.r[j], fill: colour(i), role: 'plain' as const }],
        );
        return { ...scene, points: [...plain, ...scene.points] };
      },
    }),
    [scene, size.w, fitted, t, ids, colour],
  );

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

  /** The dot under (x, y): the 2-D scene's first, then (at WebGL scale) the nearest fitted dot
   * within its radius + 4 px, found in the quadtree. */
  const hit = (x: number, y: number): number | null => {
    const i = hitTest(scene, x, y);
    if (i !== null || !fitted) return i;
    const j = fitted.tree().find((x - t.x) / t.k, (y - t.y) / t.k, (fitted.maxR + 4) / t.k);
    if (j === undefined) return null;
    const d = Math.hypot(t.x + t.k * fitted.pos[2 * j] - x, t.y + t.k * fitted.pos[2 * j + 1] - y);
    return d <= fitted.r[j] + 4 ? fitted.order[j] : null;
  };

  const local = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };

  return (
    <div className="map-canvas-wrap" ref={wrap}>
      {wantGl && !glFailed && (
        <canvas ref={glCanvas} style={{ position: 'absolute', left: 0, top: 0, width: size.w, height: size.h, pointerEvents: 'none' }} />
      )}
      <canvas
        ref={canvas}
        data-testid="map-canvas"
        tabIndex={0}
        role="img"
        aria-label="Atlas map: arrow keys pan, + and - zoom, 0 resets, Escape clears the selection"
        style={{ position: 'relative', width: size.w, height: size.h }}
        onKeyDown={onKey}
        onPointerMove={(e) => {
          if (e.pointerType === 'touch') return; // no hover on touch: a card would cover the panel
          const [x, y] = local(e);
          const i = hit(x, y);
          props.onHover(i === null ? null : { index: i, x, y });
        }}
        onPointerLeave={() => props.onHover(null)}
        onClick={(e) => {
          const [x, y] = local(e);
          props.onHover(null);
          if (props.onMarker && hitsMarker(scene, x, y)) {
            props.onMarker();
            return;
          }
          // a click on empty space clears the selection
          props.onSelect(hit(x, y));
        }}
      />
    </div>
  );
}
