// map-frame: the explorer in Chromium (Playwright, /usr/bin/chromium or $CHROMIUM_PATH) on
// generated atlases (benchmark fixtures made here and served from memory by a loopback HTTP server
// with the built app, never shipped):
// - time to interactive: navigation start to the map's first paint plus one more animation frame,
//   10,000 models (dim 2022) against the shipped atlas, and against the 1 s goal;
// - pan/zoom frame time at 100,000 points: one drag move or wheel step per animation frame,
//   interval between frames, WebGL dots (gl-points.ts) against canvas 2D (localStorage
//   'able-map-renderer'), and against the 16 ms goal. The 100,000-model atlas has a one-probe
//   embedding (dim = that probe's words) to keep the fixture small: the frame does not read it.
// Chromium here has no GPU: WebGL runs on SwiftShader (software), so these are CPU-rendered frames.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeFloat16 } from '../src/atlas/float16.ts';
import type { AtlasJson } from '../src/atlas/format.ts';
import { mulberry32 } from '../src/atlas/random.ts';
import { type Benchmark, type BenchRow, summarize, type Timing } from './lib/measure.ts';
import { atlasRoutes, serveApp } from './lib/serve-app.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** An atlas of n models in `families` Gaussian clusters, from the shipped atlas's metadata. */
export function benchAtlas(n: number, onlyFirstProbe: boolean, seed = 14): { json: AtlasJson; f16: Uint8Array } {
  const shipped = JSON.parse(readFileSync(join(root, 'public/atlas/atlas.json'), 'utf8')) as AtlasJson;
  const probes = onlyFirstProbe ? [{ ...shipped.probes[0], offset: 0 }] : shipped.probes;
  const dim = onlyFirstProbe ? probes[0].words.length : shipped.dim;
  const rnd = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const families = 40;
  const centres = Array.from({ length: families }, () => [gauss() * 10, gauss() * 10]);
  const models = Array.from({ length: n }, (_, i) => {
    const f = i % families;
    return {
      id: `bench-org-${f}/model-${i}`,
      family: `Family ${f}`,
      organisation: `bench-org-${f}`,
      paramsB: Math.round((0.1 + rnd() * 70) * 100) / 100,
      architecture: 'LlamaForCausalLM',
      licence: 'apache-2.0',
      lineage: [],
      benchmarks: null,
      benchmarkSource: null,
      row: i,
      xy: [centres[f][0] + gauss(), centres[f][1] + gauss()] as [number, number],
      knn: [],
      provenance: null,
      origin: 'manifest' as const,
    };
  });
  const values = new Float32Array(n * dim);
  for (let i = 0; i < values.length; i++) values[i] = (rnd() - 0.5) / Math.sqrt(dim);
  return {
    json: { ...shipped, dim, probes, knnK: 0, embeddings: { ...shipped.embeddings, rows: n }, models },
    f16: encodeFloat16(values),
  };
}

/**
 * A page script (a string: it runs in the browser, where tsx's helpers do not exist): a drag of
 * `count` moves on the map, one per animation frame, then (with `wheel`) `count` wheel zooms, one
 * per frame, as d3-zoom sees a user; resolves to the intervals between frames (ms).
 */
export const panZoomScript = (count: number, wheel: boolean): string => `(async (count, wheel) => {
  const c = document.querySelector('[data-testid=map-canvas]');
  const r = c.getBoundingClientRect();
  let x = r.left + r.width / 2;
  const y = r.top + r.height / 2;
  const out = [];
  c.dispatchEvent(new MouseEvent('mousedown', { clientX: x, clientY: y, bubbles: true, view: window, button: 0 }));
  let last = await new Promise((res) => requestAnimationFrame(res));
  for (let i = 0; i < count; i++) {
    x += 4;
    window.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true, view: window }));
    const now = await new Promise((res) => requestAnimationFrame(res));
    out.push(now - last);
    last = now;
  }
  window.dispatchEvent(new MouseEvent('mouseup', { clientX: x, clientY: y, bubbles: true, view: window }));
  if (!wheel) return out;
  await new Promise((res) => setTimeout(res, 300));
  last = await new Promise((res) => requestAnimationFrame(res));
  for (let i = 0; i < count; i++) {
    c.dispatchEvent(new WheelEvent('wheel', { clientX: x, clientY: y, deltaY: i % 8 < 4 ? -40 : 40, bubbles: true, cancelable: true, view: window }));
    const now = await new Promise((res) => requestAnimationFrame(res));
    out.push(now - last);
    last = now;
  }
  return out;
})(${count}, ${wheel})`;

export const mapFrame: Benchmark = {
  name: 'map-frame',
  summary: 'explorer in Chromium: time to interactive at 10,000 models; pan/zoom frame time at 100,000 points, WebGL vs canvas 2D',
  async run(ctx) {
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromium)) return { rows: [], skipped: `no Chromium at ${chromium} (CHROMIUM_PATH)` };
    const { chromium: pw } = await import('@playwright/test');
    const out = mkdtempSync(join(tmpdir(), 'able-bench-app-'));
    const rows: BenchRow[] = [];
    const closers: (() => Promise<void>)[] = [];
    try {
      ctx.log('  building the app (vite build)...');
      execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
      const browser = await pw.launch({ executablePath: chromium, args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update'] });
      try {
        // one static server for the built app; /atlas/ answers with the fixture of the moment
        let current: { json: AtlasJson; f16: Uint8Array } | null = null;
        const { origin, close } = await serveApp(out, atlasRoutes(() => current && { json: JSON.stringify(current.json), f16: current.f16 }));
        ctx.log(`  serving on ${origin}`);
        closers.push(close);
        const open = async (atlas: { json: AtlasJson; f16: Uint8Array } | null, renderer: 'webgl' | 'canvas' | null) => {
          const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
          if (renderer) await page.addInitScript(`localStorage.setItem('able-map-renderer', '${renderer}')`);
          current = atlas;
          await page.goto(`${origin}/`);
          await page.waitForFunction(`Number(document.querySelector('[data-testid=map-canvas]')?.dataset.drawn ?? 0) > 0`, null, { timeout: 120_000 });
          // interactive: the first paint is done and the main thread answers the next frame
          const tti = Number(await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(performance.now())))'));
          const info = (await page.evaluate(
            `(() => { const c = document.querySelector('[data-testid=map-canvas]'); return { drawn: Number(c.dataset.drawn), renderer: c.dataset.renderer ?? '?' }; })()`,
          )) as { drawn: number; renderer: string };
          return { page, tti, ...info };
        };

        // time to interactive: 10,000 models vs the shipped atlas, alternating
        const n10 = ctx.quick ? 2000 : 10000;
        const big = benchAtlas(n10, false);
        const tBig: number[] = [];
        const tShipped: number[] = [];
        let bigInfo = '';
        for (let r = 0; r < Math.max(2, Math.min(ctx.reps, 3)) + 1; r++) {
          for (const which of r % 2 ? ['shipped', 'big'] : ['big', 'shipped']) {
            const o = await open(which === 'big' ? big : null, null);
            if (which === 'big') bigInfo = `${o.drawn} dots drawn (${o.renderer})`;
            await o.page.close();
            if (r > 0) (which === 'big' ? tBig : tShipped).push(o.tti);
          }
        }
        const big10: Timing = summarize(tBig);
        rows.push({
          bench: 'map-frame', case: `${n10} models, dim ${big.json.dim}`, subject: 'time to interactive', reference: 'goal 1 s',
          subjectMs: big10, referenceMs: summarize([1000]), ratio: big10.median / 1000, ratioMin: big10.min / 1000,
          notes: `goal <= 1; navigation start to first map paint + 1 frame; ${bigInfo}; embeddings ${(big.f16.byteLength / 2 ** 20).toFixed(0)} MiB`,
        });
        const shipped = summarize(tShipped);
        rows.push({
          bench: 'map-frame', case: `${n10} models, dim ${big.json.dim}`, subject: 'time to interactive', reference: 'shipped atlas',
          subjectMs: big10, referenceMs: shipped, ratio: big10.median / shipped.median, ratioMin: big10.min / shipped.min,
        });

        // frame time while panning/zooming, 100,000 points
        const n100 = ctx.quick ? 20000 : 100000;
        const huge = benchAtlas(n100, true);
        const frames: Record<string, Timing> = {};
        for (const renderer of ['webgl', 'canvas'] as const) {
          const o = await open(huge, renderer);
          ctx.log(`  ${n100} points, ${renderer}: interactive after ${o.tti.toFixed(0)} ms, renderer ${o.renderer}`);
          const count = renderer === 'webgl' ? 20 : 4;
          // the view's URL update runs once at the end of each gesture
          const deltas = (await o.page.evaluate(panZoomScript(count, true))) as number[];
          frames[renderer] = summarize(deltas.filter((_, i) => i !== 0 && i !== count));
          await o.page.close();
        }
        rows.push({
          bench: 'map-frame', case: `${n100} points, pan/zoom`, subject: 'WebGL frame', reference: 'goal 16 ms',
          subjectMs: frames.webgl, referenceMs: summarize([16]), ratio: frames.webgl.median / 16, ratioMin: frames.webgl.min / 16,
          notes: 'goal <= 1; rAF interval, one drag move or wheel step per frame; SwiftShader (software WebGL)',
        });
        rows.push({
          bench: 'map-frame', case: `${n100} points, pan/zoom`, subject: 'WebGL frame', reference: 'canvas 2D frame',
          subjectMs: frames.webgl, referenceMs: frames.canvas, ratio: frames.webgl.median / frames.canvas.median, ratioMin: frames.webgl.min / frames.canvas.min,
        });
      } finally {
        for (const c of closers) await c();
        await browser.close();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    return { rows };
  },
};
