// Greedy label placement: most important points first, each label tries eight positions around its
// point (two distances) and is dropped when all of them overlap a label already placed, an obstacle
// (every dot on the map) or leave the viewport.

export interface LabelCandidate {
  index: number;
  x: number; // screen px
  y: number;
  r: number; // point radius
  text: string;
  priority: number; // higher is placed first
}

export interface PlacedLabel {
  index: number;
  x: number; // left
  y: number; // baseline
  w: number;
  h: number;
  text: string;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

export function placeLabels(
  candidates: LabelCandidate[],
  measure: (text: string) => number,
  width: number,
  height: number,
  opts: { fontPx?: number; max?: number; obstacles?: Box[] } = {},
): PlacedLabel[] {
  const h = opts.fontPx ?? 12;
  const max = opts.max ?? 40;
  const sorted = [...candidates].sort((a, b) => b.priority - a.priority || a.index - b.index);
  const placed: PlacedLabel[] = [];
  const boxes: Box[] = [];
  const obstacles = opts.obstacles ?? [];
  for (const c of sorted) {
    if (placed.length >= max) break;
    if (c.x < 0 || c.y < 0 || c.x > width || c.y > height) continue;
    const w = measure(c.text);
    // right, left, above, below, then the four diagonals; then the same a little further out
    const spots: [number, number][] = [];
    for (const extra of [3, 9]) {
      const gap = c.r + extra;
      spots.push(
        [c.x + gap, c.y + h / 3],
        [c.x - gap - w, c.y + h / 3],
        [c.x - w / 2, c.y - gap - 3],
        [c.x - w / 2, c.y + gap + h],
        [c.x + gap * 0.7, c.y - gap * 0.7 - 3],
        [c.x - gap * 0.7 - w, c.y - gap * 0.7 - 3],
        [c.x + gap * 0.7, c.y + gap * 0.7 + h],
        [c.x - gap * 0.7 - w, c.y + gap * 0.7 + h],
      );
    }
    for (const [x, y] of spots) {
      const box = { x0: x - 1, y0: y - h, x1: x + w + 1, y1: y + 3 };
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > width || box.y1 > height) continue;
      if (boxes.some((b) => overlaps(b, box)) || obstacles.some((b) => overlaps(b, box))) continue;
      boxes.push(box);
      placed.push({ index: c.index, x, y, w, h, text: c.text });
      break;
    }
  }
  return placed;
}

/** Whether any two placed labels overlap (used by tests and as a debug check). */
export function anyOverlap(labels: PlacedLabel[]): boolean {
  const boxes = labels.map((l) => ({ x0: l.x, y0: l.y - l.h, x1: l.x + l.w, y1: l.y }));
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) if (overlaps(boxes[i], boxes[j])) return true;
  return false;
}
