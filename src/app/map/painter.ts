// Draws a Scene on a 2-D canvas context (the screen, and the 2x PNG export). No geometry here.
import type { LegendLayout } from '../export/export';
import { CLUSTER_FONT, edgeStyle, LABEL_FONT, MARKER_R, type Scene, type ScenePoint } from './scene';

export interface Theme {
  background: string;
  ink: string;
  halo: string;
  contour: string;
}

export const LIGHT: Theme = { background: '#ffffff', ink: '#1d2330', halo: 'rgba(255,255,255,0.9)', contour: 'rgba(29,35,48,0.18)' };
export const DARK: Theme = { background: '#161a22', ink: '#e8ebf0', halo: 'rgba(22,26,34,0.9)', contour: 'rgba(232,235,240,0.2)' };

export const MARKER_FILL = '#E7298A'; // outside the Okabe-Ito palette the map colours with
export const NEIGHBOUR_RING = '#0072B2';
export const COMPARE_RING = '#D55E00';
export const FONT = 'system-ui, sans-serif';

export function ringOf(p: ScenePoint, t: Theme): { colour: string; width: number; gap: number; dash: number[] } | null {
  if (p.role === 'selected') return { colour: t.ink, width: 2.5, gap: 4, dash: [] };
  if (p.role === 'compare') return { colour: COMPARE_RING, width: 2.5, gap: 4, dash: [] };
  if (p.role === 'neighbour') return { colour: NEIGHBOUR_RING, width: 1.5, gap: 3, dash: [2, 2] };
  return null;
}

/** transparent: clear instead of filling the background (the WebGL dots are drawn beneath). */
export function paintScene(ctx: CanvasRenderingContext2D, scene: Scene, t: Theme, o: { transparent?: boolean } = {}): void {
  if (o.transparent) ctx.clearRect(0, 0, scene.width, scene.height);
  else {
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, scene.width, scene.height);
  }
  ctx.lineWidth = 1;
  ctx.strokeStyle = t.contour;
  for (const d of scene.contours) ctx.stroke(new Path2D(d));
  ctx.lineWidth = 1.5;
  for (const e of scene.edges) {
    const st = edgeStyle(e.type);
    ctx.strokeStyle = st.colour;
    ctx.setLineDash(st.dash);
    ctx.beginPath();
    ctx.moveTo(e.x1, e.y1);
    ctx.lineTo(e.x2, e.y2);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const p of scene.points) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, p.r, 0, 2 * Math.PI);
    ctx.fillStyle = p.fill;
    ctx.fill();
    ctx.lineWidth = p.role === 'plain' ? 0.6 : 1.5;
    ctx.strokeStyle = t.ink;
    ctx.stroke();
    const ring = ringOf(p, t);
    if (ring) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, p.r + ring.gap, 0, 2 * Math.PI);
      ctx.lineWidth = ring.width;
      ctx.strokeStyle = ring.colour;
      ctx.setLineDash(ring.dash);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
  ctx.lineJoin = 'round';
  for (const l of scene.labels) {
    const cluster = l.kind === 'cluster';
    ctx.font = cluster ? `600 ${CLUSTER_FONT}px ${FONT}` : `${LABEL_FONT}px ${FONT}`;
    ctx.lineWidth = 3;
    ctx.strokeStyle = t.halo;
    ctx.fillStyle = cluster ? t.contour.replace(/[\d.]+\)$/, '0.75)') : t.ink;
    ctx.strokeText(l.text, l.x, l.y);
    ctx.fillText(l.text, l.x, l.y);
  }
  const m = scene.marker;
  if (m) {
    if (m.link) {
      ctx.strokeStyle = MARKER_FILL;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([4, 2]);
      ctx.beginPath();
      ctx.moveTo(m.x, m.y);
      ctx.lineTo(m.link.x, m.link.y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.beginPath();
    ctx.moveTo(m.x, m.y - MARKER_R);
    ctx.lineTo(m.x + MARKER_R, m.y);
    ctx.lineTo(m.x, m.y + MARKER_R);
    ctx.lineTo(m.x - MARKER_R, m.y);
    ctx.closePath();
    if (m.anchored) {
      // on its twin: an outline, so the twin's own dot stays visible inside it
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = MARKER_FILL;
    } else {
      ctx.fillStyle = MARKER_FILL;
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = t.ink;
    }
    ctx.stroke();
    ctx.font = `${LABEL_FONT}px ${FONT}`;
    ctx.lineWidth = 3;
    ctx.strokeStyle = t.halo;
    ctx.fillStyle = t.ink;
    ctx.strokeText(m.label, m.x + MARKER_R + 3, m.y - MARKER_R);
    ctx.fillText(m.label, m.x + MARKER_R + 3, m.y - MARKER_R);
  }
}

/** The export's title and legend (export.ts legendLayout) on a canvas, as the SVG writer draws it. */
export function paintLegend(ctx: CanvasRenderingContext2D, l: LegendLayout, t: Theme): void {
  ctx.globalAlpha = 0.9;
  ctx.fillStyle = t.background;
  ctx.fillRect(l.box.x, l.box.y, l.box.w, l.box.h);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#dde';
  ctx.lineWidth = 1;
  ctx.strokeRect(l.box.x, l.box.y, l.box.w, l.box.h);
  for (const r of l.rows) {
    ctx.fillStyle = t.ink;
    if (r.kind === 'title' || r.kind === 'heading' || r.kind === 'note') {
      ctx.font = r.kind === 'title' ? `600 14px ${FONT}` : r.kind === 'heading' ? `600 12px ${FONT}` : `12px ${FONT}`;
      ctx.fillText(r.text, r.x, r.y);
      continue;
    }
    if (r.kind === 'swatch') {
      ctx.beginPath();
      ctx.arc(r.x + 6, r.y - 4, 5, 0, 2 * Math.PI);
      ctx.fillStyle = r.colour;
      ctx.fill();
      ctx.strokeStyle = t.ink;
      ctx.lineWidth = 0.6;
      ctx.stroke();
    } else if (r.kind === 'line') {
      ctx.strokeStyle = r.colour;
      ctx.lineWidth = 2;
      ctx.setLineDash(r.dash);
      ctx.beginPath();
      ctx.moveTo(r.x, r.y - 4);
      ctx.lineTo(r.x + 18, r.y - 4);
      ctx.stroke();
      ctx.setLineDash([]);
    } else {
      r.stops.forEach((c, k) => {
        ctx.fillStyle = c;
        ctx.fillRect(r.x + (k * 18) / r.stops.length, r.y - 9, 18 / r.stops.length + 0.3, 9);
      });
    }
    ctx.fillStyle = t.ink;
    ctx.font = `12px ${FONT}`;
    ctx.fillText(r.text, r.x + 24, r.y);
  }
}
