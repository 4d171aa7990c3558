// A/B of two builds of the app (e.g. `git archive <base> | tar -x` built with vite, against this
// tree's build) on map-frame's fixtures, alternating A and B in one run so machine load hits both:
// time to interactive at n models (map-frame's definition), and pan frame times at 100,000 points
// measured right after interactive (what was deferred past the first paint counts there).
// npx tsx bench/map-ab.ts DIST_A DIST_B [reps]. A diagnostic for docs/benchmarks.md, not in run.ts.
import { resolve } from 'node:path';
import { benchAtlas, panZoomScript } from './map-frame.ts';
import { atlasRoutes, serveApp } from './lib/serve-app.ts';

const [a, b] = [resolve(process.argv[2]), resolve(process.argv[3])];
const reps = Number(process.argv[4] ?? 5);
let fixture: { json: string; f16: Uint8Array } | null = null;
const serve = (dir: string) => serveApp(dir, atlasRoutes(() => fixture));
const A = await serve(a);
const B = await serve(b);
const { chromium } = await import('@playwright/test');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update'] });
const open = async (origin: string) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${origin}/`);
  await page.waitForFunction(`Number(document.querySelector('[data-testid=map-canvas]')?.dataset.drawn ?? 0) > 0`, null, { timeout: 120_000 });
  const tti = Number(await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(performance.now())))'));
  return { page, tti };
};
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const show = (label: string, xs: number[]) => `${label} median ${med(xs).toFixed(0)} min ${Math.min(...xs).toFixed(0)} [${xs.map((x) => x.toFixed(0)).join(' ')}]`;
for (const [n, shipped] of [
  [10000, false],
  [0, true],
] as const) {
  const f = shipped ? null : benchAtlas(n, false);
  fixture = f && { json: JSON.stringify(f.json), f16: f.f16 };
  const t: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const sel: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let r = 0; r <= reps; r++)
    for (const w of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
      const o = await open(w === 'A' ? A.origin : B.origin);
      if (!shipped) {
        // the first selection, 3 s after interactive (the block is there): a click on a point of the
        // keyboard list to the neighbour list painted (+1 frame)
        await o.page.waitForTimeout(3000);
        await o.page.waitForSelector('[data-testid=map-points] li:nth-child(200) button', { state: 'attached' });
        const ms = (await o.page.evaluate(`(async () => {
          const b = document.querySelector('[data-testid=map-points] li:nth-child(200) button');
          const t0 = performance.now();
          b.click();
          while (!document.querySelector('[data-testid=neighbour]')) await new Promise((res) => requestAnimationFrame(res));
          await new Promise((res) => requestAnimationFrame(res));
          return performance.now() - t0;
        })()`)) as number;
        if (r > 0) sel[w].push(ms);
      }
      await o.page.close();
      if (r > 0) t[w].push(o.tti);
    }
  console.log(`${shipped ? 'shipped atlas' : `${n} models`}: TTI ${show('A', t.A)}; ${show('B', t.B)}; B/A ${(med(t.B) / med(t.A)).toFixed(2)}`);
  if (!shipped) console.log(`${n} models, first selection to neighbours: ${show('A', sel.A)}; ${show('B', sel.B)}; B/A ${(med(sel.B) / med(sel.A)).toFixed(2)}`);
}
// pan frames right after interactive, 100,000 points (WebGL), 20 drag moves
{
  const f = benchAtlas(100000, true);
  fixture = { json: JSON.stringify(f.json), f16: f.f16 };
  const fr: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let r = 0; r < 2; r++)
    for (const w of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
      const o = await open(w === 'A' ? A.origin : B.origin);
      const d = (await o.page.evaluate(panZoomScript(20, false))) as number[];
      fr[w].push(...d.slice(1));
      console.log(`  100000 points ${w}: interactive ${o.tti.toFixed(0)} ms`);
      await o.page.close();
    }
  console.log(`100000 points pan frame: ${show('A', fr.A)}; ${show('B', fr.B)}; B/A ${(med(fr.B) / med(fr.A)).toFixed(2)}`);
}
await browser.close();
await A.close();
await B.close();
