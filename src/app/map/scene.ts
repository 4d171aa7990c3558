// The map as a pure scene in screen coordinates: points, edges, labels, density contours, cluster
// labels and the in-tab marker. Drawing (painter.ts), hit-testing and the SVG/PNG exports all read
// this one object, so what is exported is exactly what is on screen.
import { contourDensity, geoPath, scaleLinear } from 'd3';
import { type Box, placeLabels } from './labels';

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
export const edgeStyle = (type: string) => EDGE_STYLE[type] ?? EDGE_STYLE['same-family'];

/** A model embedded in the tab (src/app/embed): a diamond, linked to its nearest atlas model. */
export interface InTabMarker {
  xy: [number, number];
  label: string;
  /** model index of its nearest atlas model (drawn as a line from the marker) */
  nearest: number | null;
  /** placed on a twin atlas model: drawn as an outline around that model's dot */
  anchored: boolean;
}
export const MARKER_R = 9;

export type PointRole = 'plain' | 'neighbour' | 'compare' | 'selected';

export interface ScenePoint {
  index: number;
  id: string;
  x: number;
  y: number;
  r: number;
  fill: string;
  role: PointRole;
}
export interface SceneEdge {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  type: string;
}
export interface SceneLabel {
  index: number; // model index, or -1 for a cluster label
  x: number; // left
  y: number; // baseline
  w: number;
  h: number;
  text: string;
  kind: 'point' | 'cluster';
}
export interface SceneMarker {
  x: number;
  y: number;
  label: string;
  link: { x: number; y: number } | null;
  anchored: boolean;
}
export interface Scene {
  width: number;
  height: number;
  points: ScenePoint[]; // in drawing order (selection last)
  edges: SceneEdge[];
  labels: SceneLabel[];
  contours: string[]; // SVG path data, lowest density first
  marker: SceneMarker | null;
}

/** Data (layout) coordinates to screen pixels under the current zoom {k, x, y}. */
export interface View {
  sx: (x: number) => number;
  sy: (y: number) => number;
  k: number;
  tx: number;
  ty: number;
}

export const PAD = 28;
export const LABEL_FONT = 12;
export const CLUSTER_FONT = 13;

/** Fits all points with equal x/y scale (the layout's distances keep their meaning), y up. */
export function fitBase(xy: ([number, number] | null)[], w: number, h: number) {
  const pts = xy.filter((p): p is [number, number] => p !== null);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1] = pts.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = pts.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const iw = Math.max(w - 2 * PAD, 1);
  const ih = Math.max(h - 2 * PAD, 1);
  const span = Math.max((x1 - x0) / iw, (y1 - y0) / ih, 1e-9);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const sx = scaleLinear().domain([cx - (iw / 2) * span, cx + (iw / 2) * span]).range([PAD, PAD + iw]);
  const sy = scaleLinear().domain([cy - (ih / 2) * span, cy + (ih / 2) * span]).range([PAD + ih, PAD]);
  return { sx, sy };
}

export interface SceneInput {
  width: number;
  height: number;
  view: View;
  xy: ([number, number] | null)[];
  visible: number[];
  ids: string[];
  colour: (i: number) => string;
  radius: (i: number) => number;
  priority: (i: number) => number;
  selected: number | null;
  compare: number | null;
  highlighted: Set<number>;
  edges: MapEdge[];
  marker: InTabMarker | null;
  /** cluster (e.g. family) of each model; clusters of 3+ visible points get a label and contours */
  cluster: ((i: number) => string) | null;
  measure: (text: string, px: number) => number;
  /** screen areas covered by overlays (the legend): no label goes there */
  reserved?: Box[];
}

const shortName = (id: string) => (id.includes('/') ? id.slice(id.indexOf('/') + 1) : id);

export function buildScene(s: SceneInput): Scene {
  const { view } = s;
  const toScreen = (p: [number, number]): [number, number] => [view.tx + view.k * view.sx(p[0]), view.ty + view.k * view.sy(p[1])];
  const role = (i: number): PointRole =>
    i === s.selected ? 'selected' : i === s.compare ? 'compare' : s.highlighted.has(i) ? 'neighbour' : 'plain';
  const rank: Record<PointRole, number> = { plain: 0, neighbour: 1, compare: 2, selected: 3 };
  const points: ScenePoint[] = s.visible
    .flatMap((i) => {
      const p = s.xy[i];
      if (!p) return [];
      const [x, y] = toScreen(p);
      return [{ index: i, id: s.ids[i], x, y, r: s.radius(i), fill: s.colour(i), role: role(i) }];
    })
    .sort((a, b) => rank[a.role] - rank[b.role] || a.index - b.index);
  const at = new Map(points.map((p) => [p.index, p]));
  const edges = s.edges.flatMap((e) => {
    const a = at.get(e.from);
    const b = at.get(e.to);
    return a && b ? [{ x1: a.x, y1: a.y, x2: b.x, y2: b.y, type: e.type }] : [];
  });

  // Every dot is an obstacle for every label: a label never covers a point.
  const onScreen = points.filter((p) => p.x >= -p.r && p.y >= -p.r && p.x <= s.width + p.r && p.y <= s.height + p.r);
  const dotBoxes: Box[] = onScreen.map((p) => ({ x0: p.x - p.r - 1, y0: p.y - p.r - 1, x1: p.x + p.r + 1, y1: p.y + p.r + 1 }));
  let markerScene: SceneMarker | null = null;
  if (s.marker) {
    const [mx, my] = toScreen(s.marker.xy);
    const near = s.marker.nearest !== null ? at.get(s.marker.nearest) : undefined;
    markerScene = { x: mx, y: my, label: s.marker.label, link: near ? { x: near.x, y: near.y } : null, anchored: s.marker.anchored };
    dotBoxes.push({ x0: mx - MARKER_R, y0: my - MARKER_R, x1: mx + MARKER_R, y1: my + MARKER_R });
  }

  // Density contours and one label per cluster, placed first so point labels avoid them.
  let contours: string[] = [];
  const clusterLabels: SceneLabel[] = [];
  const reserved: Box[] = [...(s.reserved ?? [])];
  if (s.cluster && onScreen.length >= 3) {
    const density = contourDensity<ScenePoint>()
      .x((p) => p.x)
      .y((p) => p.y)
      .size([Math.max(1, Math.round(s.width)), Math.max(1, Math.round(s.height))])
      .bandwidth(Math.max(18, Math.min(s.width, s.height) / 25))
      .thresholds(6)(onScreen);
    const path = geoPath();
    contours = density.map((c) => path(c) ?? '').filter((d) => d.length > 0);
    const groups = new Map<string, ScenePoint[]>();
    for (const p of onScreen) {
      const c = s.cluster(p.index);
      groups.set(c, [...(groups.get(c) ?? []), p]);
    }
    const big = [...groups].filter(([, ps]) => ps.length >= 3).sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
    const cands = big.map(([name, ps], k) => ({
      index: k,
      x: ps.reduce((t, p) => t + p.x, 0) / ps.length,
      y: Math.min(...ps.map((p) => p.y)) - 6, // above the cluster
      r: 0,
      text: name,
      priority: ps.length,
    }));
    for (const l of placeLabels(cands, (t) => s.measure(t, CLUSTER_FONT), s.width, s.height, { fontPx: CLUSTER_FONT, obstacles: [...dotBoxes, ...reserved] })) {
      clusterLabels.push({ ...l, index: -1, kind: 'cluster' });
      reserved.push({ x0: l.x - 2, y0: l.y - l.h - 2, x1: l.x + l.w + 2, y1: l.y + 4 });
    }
  }

  const cands = onScreen.map((p) => {
    const pr = s.priority(p.index);
    const boost = p.role === 'selected' ? 1e12 : p.role === 'compare' ? 1e11 : p.role === 'neighbour' ? 1e9 : 0;
    return { index: p.index, x: p.x, y: p.y, r: p.r, text: shortName(p.id), priority: boost + pr };
  });
  const placed = placeLabels(cands, (t) => s.measure(t, LABEL_FONT), s.width, s.height, {
    fontPx: LABEL_FONT,
    max: s.width < 600 ? 14 : 40,
    obstacles: [...dotBoxes, ...reserved],
  });
  const labels: SceneLabel[] = [...clusterLabels, ...placed.map((l) => ({ ...l, kind: 'point' as const }))];
  return { width: s.width, height: s.height, points, edges, labels, contours, marker: markerScene };
}

/** The point under (x, y): nearest centre within its radius + 4 px (topmost wins ties). */
export function hitTest(scene: Scene, x: number, y: number): number | null {
  let best: number | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const p of scene.points) {
    const d = Math.hypot(p.x - x, p.y - y);
    if (d <= p.r + 4 && d <= bestD) {
      best = p.index;
      bestD = d;
    }
  }
  return best;
}

export const hitsMarker = (scene: Scene, x: number, y: number) => scene.marker !== null && Math.hypot(scene.marker.x - x, scene.marker.y - y) <= MARKER_R + 2;

/** Compact geometry for tests and tools: dots as [x, y, r, model index], labels as [x0, y0, x1, y1]. */
export function sceneGeometry(scene: Scene) {
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return {
    dots: scene.points.map((p) => [r1(p.x), r1(p.y), r1(p.r), p.index]),
    labels: scene.labels.map((l) => [r1(l.x), r1(l.y - l.h), r1(l.x + l.w), r1(l.y + 3)]),
    labelled: scene.labels.filter((l) => l.kind === 'point').map((l) => l.index),
  };
}
