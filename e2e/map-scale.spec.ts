// A large atlas (generated here, 6,000 models on a grid, a one-probe embedding): the dots are drawn
// with WebGL (src/app/map/gl-points.ts) and a click on a dot the 2-D overlay does not hold is found
// by the quadtree hit-test. Screen positions come from scene.ts's fit (PAD 28, equal scales, y up).
import { expect, test } from '@playwright/test';
import { encodeFloat16 } from '../src/atlas/float16';

const N = 6000;
const COLS = 100; // model i at (i % 100, floor(i / 100)): x in [0, 99], y in [0, 59]

test('a large atlas is drawn with WebGL; a click on a plain dot selects it', async ({ page, request }) => {
  const shipped = await (await request.get('/atlas/atlas.json')).json();
  const probe = { ...shipped.probes[0], offset: 0 };
  const dim = probe.words.length;
  const models = Array.from({ length: N }, (_, i) => ({
    id: `grid/m${i}`,
    family: `F${i % 7}`,
    organisation: 'grid',
    paramsB: 1,
    architecture: null,
    licence: null,
    lineage: [],
    benchmarks: null,
    benchmarkSource: null,
    row: i,
    xy: [i % COLS, Math.floor(i / COLS)],
    knn: [],
    provenance: null,
    origin: 'manifest',
  }));
  const json = { ...shipped, dim, probes: [probe], knnK: 0, embeddings: { ...shipped.embeddings, rows: N }, models };
  const f16 = encodeFloat16(Float32Array.from({ length: N * dim }, (_, k) => Math.sin(k + 1)));
  await page.route('**/atlas/atlas.json', (r) => r.fulfill({ json }));
  await page.route('**/atlas/embeddings.f16', (r) => r.fulfill({ body: Buffer.from(f16) }));
  await page.goto('/');
  const map = page.getByTestId('map-canvas');
  await expect(map).toHaveAttribute('data-drawn', String(N));
  await expect(map).toHaveAttribute('data-renderer', 'webgl');

  const box = (await map.boundingBox())!;
  const [iw, ih] = [box.width - 56, box.height - 56];
  const span = Math.max(99 / iw, 59 / ih);
  const at = (i: number) => ({ x: 28 + iw / 2 + ((i % COLS) - 49.5) / span, y: 28 + ih / 2 - (Math.floor(i / COLS) - 29.5) / span });
  const overlay: number[] = JSON.parse((await map.getAttribute('data-scene'))!).dots.map((d: number[]) => d[3]);
  const i = [3050, 3051, 2950, 1234, 4321].find((k) => !overlay.includes(k))!;
  await map.click({ position: at(i) });
  await expect(page).toHaveURL(new RegExp(`sel=${encodeURIComponent(`grid/m${i}`)}(&|$)`));
});
