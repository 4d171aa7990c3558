import { expect, test } from '@playwright/test';
import { embeddedIds, loadServedAtlas, topNeighbours } from './explorer-helpers';

test('the map shows every embedded model; search selects one; its neighbours match Node', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  expect(ids.length).toBeGreaterThan(1);

  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const count = page.getByTestId('map-point-count');
  await expect(count).toHaveAttribute('data-count', String(ids.length));
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  await expect(page.getByTestId('map-points').getByRole('button')).toHaveCount(ids.length);
  await page.screenshot({ path: 'test-results/explorer-map.png' });

  // search by a hub id: pick the embedded model with the most neighbours' spread (any embedded one works)
  const target = ids[Math.floor(ids.length / 2)];
  await page.getByTestId('search').fill(target);
  await expect(page.getByTestId('search-suggestions')).toContainText(target);
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('selected-id')).toHaveText(target);

  const expected = topNeighbours(atlas, target, 10);
  const items = page.getByTestId('neighbour');
  await expect(items).toHaveCount(expected.length);
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(expected.map((e) => e.id));
  const shown = await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-cosine'))));
  for (const [i, c] of shown.entries()) expect(c).toBeCloseTo(expected[i].cosine, 5);
  await page.screenshot({ path: 'test-results/explorer-selected.png' });
  expect(errors).toEqual([]);
});

test('the map and search work before the embedding block arrives; neighbours and compare say it is loading, then show', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  // hold the embedding block until the map has been used
  let release: () => void = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  await page.route('**/atlas/embeddings.f16', async (route) => {
    await held;
    // the first page's request is gone after the second navigation
    await route.continue().catch(() => {});
  });
  const target = ids[Math.floor(ids.length / 2)];
  const other = ids[0] === target ? ids[1] : ids[0];
  await page.goto(`/?v=1&sel=${encodeURIComponent(target)}`);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  await expect(page.getByTestId('selected-id')).toHaveText(target);
  await expect(page.getByTestId('vectors-loading')).toBeVisible();
  await expect(page.getByTestId('neighbour')).toHaveCount(0);
  // search picks another model meanwhile
  await page.getByTestId('search').fill(other);
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('selected-id')).toHaveText(other);
  await expect(page.getByTestId('vectors-loading')).toBeVisible();
  // compare waits too
  await page.goto(`/?v=1&sel=${encodeURIComponent(target)}&cmp=${encodeURIComponent(other)}&tab=compare`);
  await expect(page.getByTestId('compare-view').getByTestId('vectors-loading')).toBeVisible();
  release();
  await expect(page.getByTestId('compare-probe')).toHaveCount(atlas.json.probes.length);
  await expect(page.getByTestId('vectors-loading')).toHaveCount(0);
  await page.getByTestId('tab-map').click();
  const expected = topNeighbours(atlas, target, 10);
  await expect(page.getByTestId('neighbour')).toHaveCount(expected.length);
  await expect(page.getByTestId('vectors-loading')).toHaveCount(0);
  expect(await page.getByTestId('neighbour').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(expected.map((e) => e.id));
});

test('a copied link reopens the same view in a fresh context; back/forward step through selections', async ({ browser, page, context, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  await page.getByTestId('colour-by').selectOption('params');
  await page.getByTestId('filters').locator('summary').click();
  await page.getByTestId('filter-embedded').selectOption('embedded');
  await page.getByTestId('filters').locator('summary').click();
  const canvas = page.getByTestId('map-canvas');
  await expect(canvas).toHaveAttribute('data-drawn', String(ids.length));
  const box = (await canvas.boundingBox())!;
  // The model drawn nearest the zoom point stays on screen when zooming in there (a link whose
  // selection would be off-screen reopens panned to it, by design, which is not what this test compares).
  const zx = box.width / 2 + 40;
  const zy = box.height / 2 - 30;
  const scene = JSON.parse((await canvas.getAttribute('data-scene'))!) as { dots: number[][] };
  const near = scene.dots.reduce((a, d) => (Math.hypot(d[0] - zx, d[1] - zy) < Math.hypot(a[0] - zx, a[1] - zy) ? d : a));
  const target = atlas.json.models[near[3]].id;
  const other = topNeighbours(atlas, target, 1)[0].id;
  await page.getByTestId('search').fill(target);
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('selected-id')).toHaveText(target);
  await page.mouse.move(box.x + zx, box.y + zy);
  await page.mouse.wheel(0, -150);
  await expect(page).toHaveURL(/[?&]z=/);
  // compare with the nearest neighbour, then back to the map
  await page.getByTestId('neighbour').first().getByRole('button', { name: /compare/i }).click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('tab-map').click();
  await expect(canvas).toBeVisible();
  await page.mouse.move(0, 0);
  const before = await canvas.screenshot({ path: 'test-results/explorer-shared-view-canvas.png' });
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-status')).toHaveText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toBe(page.url());
  await page.screenshot({ path: 'test-results/explorer-shared-view.png' });

  const fresh = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page2 = await fresh.newPage();
  await page2.goto(link);
  await expect(page2.getByTestId('selected-id')).toHaveText(target);
  await expect(page2.getByTestId('colour-by')).toHaveValue('params');
  await expect(page2.getByTestId('filter-embedded')).toHaveValue('embedded');
  const url1 = new URL(link).searchParams;
  const url2 = new URL(page2.url()).searchParams;
  for (const k of ['sel', 'cmp', 'z', 'c', 'fe']) expect(url2.get(k), k).toBe(url1.get(k));
  expect(url2.get('cmp')).toBe(other);
  await expect(page2.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  // same zoom, centre, colours and selection: the map pixels are identical
  const after = await page2.getByTestId('map-canvas').screenshot({ path: 'test-results/explorer-shared-view-reopened.png' });
  expect(after.equals(before)).toBe(true);
  await page2.getByTestId('tab-compare').click();
  await expect(page2.getByTestId('compare-view')).toContainText(other);
  await fresh.close();

  // back/forward: selection steps
  await page.getByTestId('neighbour').first().getByRole('button', { name: other, exact: true }).click();
  await expect(page.getByTestId('selected-id')).toHaveText(other);
  await page.goBack();
  await expect(page.getByTestId('selected-id')).toHaveText(target);
  await page.goForward();
  await expect(page.getByTestId('selected-id')).toHaveText(other);
});

test('a tampered link shows what was ignored and falls back to defaults', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?v=1&z=1e9,x,2&c=%3Cb%3E&sel=no-such/model&p=umap,1,9,-1');
  await expect(page.getByTestId('link-problems')).toContainText('zoom');
  await expect(page.getByTestId('link-problems')).toContainText('colour-by');
  await expect(page.getByTestId('link-problems')).toContainText('projection');
  await expect(page.getByTestId('unknown-model')).toContainText('no-such/model');
  await expect(page.getByTestId('colour-by')).toHaveValue('family');
  await expect(page.getByTestId('map-canvas')).toBeVisible();
  await page.goto('/?v=7&sel=x');
  await expect(page.getByTestId('link-problems')).toContainText('version');
  expect(errors).toEqual([]);
});

test('the compare view shows both models’ attributions for every probe, matching the file', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  const [a, b] = [ids[0], ids[ids.length - 1]];
  const rowOf = (id: string) => atlas.json.models.find((m) => m.id === id)!.row!;
  const va = atlas.vector(rowOf(a));
  const vb = atlas.vector(rowOf(b));
  await page.goto(`/?v=1&sel=${encodeURIComponent(a)}&cmp=${encodeURIComponent(b)}&tab=compare`);
  const probes = page.getByTestId('compare-probe');
  await expect(probes).toHaveCount(atlas.json.probes.length);
  const shown = await probes.evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-probe')!,
      cosine: Number(el.getAttribute('data-cosine')),
      rows: [...el.querySelectorAll('[data-testid=attribution-row]')].map((r) =>
        [...r.querySelectorAll('[data-testid=word]')].map((w) => ({ text: w.textContent, a: Number(w.getAttribute('data-a')) })),
      ),
    })),
  );
  for (const s of shown) {
    const p = atlas.json.probes.find((x) => x.id === s.id)!;
    expect(s.rows).toHaveLength(2);
    for (const [k, v] of [va, vb].entries()) {
      expect(s.rows[k].map((w) => w.text)).toEqual(p.words.map(([st, en]) => p.context.slice(st, en)));
      expect(s.rows[k].map((w) => w.a)).toEqual(Array.from(v.subarray(p.offset, p.offset + p.words.length)));
    }
  }
  // sorted by disagreement: cosines ascending
  const cos = shown.map((s) => s.cosine);
  expect(cos).toEqual([...cos].sort((x, y) => x - y));
  await page.screenshot({ path: 'test-results/explorer-compare.png', fullPage: true });
});

test('exports: map PNG and SVG, neighbours CSV, embeddings JSON', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  const target = ids[1];
  await page.goto(`/?v=1&sel=${encodeURIComponent(target)}`);
  await expect(page.getByTestId('selected-id')).toHaveText(target);
  const grab = async (testId: string) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const path = await dl.path();
    const { readFileSync } = await import('node:fs');
    return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
  };
  const png = await grab('export-png');
  expect(png.name).toMatch(/\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // the export is the screen's scene at 2x (with title and legend), not the raw canvas
  const canvasPx = await page.getByTestId('map-canvas').evaluate((c: HTMLCanvasElement) => [2 * c.clientWidth, 2 * c.clientHeight]);
  expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual(canvasPx); // IHDR width, height

  const svg = (await grab('export-svg')).bytes.toString('utf8');
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  // one circle with a <title> per point (rings and legend swatches have none)
  expect(svg.match(/<circle [^>]*><title>/g)).toHaveLength(ids.length);
  const titles = [...svg.matchAll(/<title>([^<]*)<\/title><\/circle>/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  expect(new Set(titles)).toEqual(new Set(ids));

  const csv = (await grab('export-csv')).bytes.toString('utf8').trim().split('\r\n');
  const expected = topNeighbours(atlas, target, 10);
  expect(csv[0]).toBe('selected,rank,neighbour,cosine,family,organisation,params_b');
  expect(csv.slice(1).map((l) => l.split(',')[2])).toEqual(expected.map((e) => e.id));
  for (const [k, l] of csv.slice(1).entries()) expect(Number(l.split(',')[3])).toBeCloseTo(expected[k].cosine, 6);

  const json = JSON.parse((await grab('export-json')).bytes.toString('utf8'));
  const m = atlas.json.models.find((x) => x.id === target)!;
  expect(json.models.map((x: { id: string }) => x.id)).toEqual([target]);
  expect(json.dim).toBe(atlas.json.dim);
  expect(json.models[0].vector).toEqual(Array.from(atlas.vector(m.row!)));
});

test('re-projection: UMAP and PCA run in a worker, the map updates, the link keeps the parameters', async ({ page, request }) => {
  const ids = embeddedIds(await loadServedAtlas(request));
  await page.goto('/');
  const canvas = page.getByTestId('map-canvas');
  await expect(canvas).toHaveAttribute('data-drawn', String(ids.length));
  const shipped = await canvas.screenshot();
  await page.getByTestId('projection').locator('summary').click();
  await page.getByTestId('projection-method').selectOption('umap');
  await page.getByTestId('projection-nn').fill('4');
  await page.getByTestId('projection-md').fill('0.3');
  await page.getByTestId('projection-run').click();
  await expect(page.getByTestId('projection-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page).toHaveURL(/[?&]p=umap%2C4%2C0.3%2C42/);
  await page.getByTestId('projection').locator('summary').click();
  await page.mouse.move(0, 0);
  await expect(canvas).toHaveAttribute('data-drawn', String(ids.length));
  const umap = await canvas.screenshot({ path: 'test-results/explorer-reprojected-umap.png' });
  expect(umap.equals(shipped)).toBe(false);
  // the same link recomputes the same layout (seeded): identical pixels
  await page.reload();
  await expect(page.getByTestId('projection-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  expect((await canvas.screenshot({ path: 'test-results/explorer-reprojected-umap-reloaded.png' })).equals(umap)).toBe(true);

  await page.getByTestId('projection').locator('summary').click();
  await page.getByTestId('projection-method').selectOption('pca');
  await page.getByTestId('projection-run').click();
  await expect(page.getByTestId('projection-status')).toHaveAttribute('data-state', 'done');
  await page.getByTestId('projection').locator('summary').click();
  await page.mouse.move(0, 0);
  const pca = await canvas.screenshot({ path: 'test-results/explorer-reprojected-pca.png' });
  expect(pca.equals(umap)).toBe(false);
  await expect(canvas).toHaveAttribute('data-drawn', String(ids.length));
});

test('lineage view: the whole manifest as trees; selecting a node selects the model', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  await page.goto('/?v=1&tab=lineage');
  const nodes = page.getByTestId('lineage-node');
  await expect(nodes).toHaveCount(atlas.json.models.length);
  await expect(page.locator('[data-testid=lineage-node][data-embedded=yes]')).toHaveCount(atlas.json.models.filter((m) => m.row !== null).length);
  await page.screenshot({ path: 'test-results/explorer-lineage.png' });
  await page.locator(`[data-testid=lineage-node][data-id="${ids[0]}"]`).click();
  await expect(page.getByTestId('selected-id')).toHaveText(ids[0]);
  await page.getByTestId('tab-map').click();
  await expect(page.getByTestId('selected-id')).toHaveText(ids[0]);
  await page.getByTestId('lineage-toggle').check();
  await expect(page).toHaveURL(/[?&]lin=1/);
  await expect(page.getByTestId('legend')).toContainText('fine-tune');
});

test('phone-sized viewport: map, search and panel are usable', async ({ browser, request }) => {
  const ids = embeddedIds(await loadServedAtlas(request));
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  await page.goto('/');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  await page.getByTestId('search').fill(ids[0]);
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('selected-id')).toHaveText(ids[0]);
  await expect(page.getByTestId('neighbour').first()).toBeAttached();
  await page.screenshot({ path: 'test-results/explorer-phone.png' });
  await ctx.close();
});
