import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import type { AtlasModel } from '../src/atlas/format';
import { EDGE_STYLE } from '../src/app/map/scene';
import { embeddedIds, loadServedAtlas, topNeighbours } from './explorer-helpers';

// The explorer's readability features, each checked against what Node computes from the served files.

type Geometry = { dots: number[][]; labels: number[][]; labelled: number[] };
const geometry = async (page: Page): Promise<Geometry> => JSON.parse((await page.getByTestId('map-canvas').getAttribute('data-scene'))!);
const intersects = (a: number[], b: number[]) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

// Node's own table order: by value (numbers numerically, text by code point), empty last, ties in atlas order.
function nodeSort(models: AtlasModel[], value: (m: AtlasModel) => number | string | null, desc: boolean): string[] {
  return models
    .map((m, i) => ({ m, i, v: value(m) }))
    .sort((x, y) => {
      if (x.v === null || y.v === null) return x.v === y.v ? x.i - y.i : x.v === null ? 1 : -1;
      const c = x.v < y.v ? -1 : x.v > y.v ? 1 : 0;
      return (desc ? -c : c) || x.i - y.i;
    })
    .map((r) => r.m.id);
}
const rowIds = (page: Page) => page.getByTestId('table-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));

test('table: every atlas model; sorting and filtering as Node computes them; rows and map selection linked through the URL', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const models = atlas.json.models;
  await page.goto('/?v=1&tab=table');
  await expect(page.getByTestId('table-row')).toHaveCount(models.length);
  expect(new Set(await rowIds(page))).toEqual(new Set(models.map((m) => m.id)));

  // numeric column: first click sorts descending, the second ascending
  await page.getByTestId('sort-params').click();
  expect(await rowIds(page)).toEqual(nodeSort(models, (m) => m.paramsB, true));
  await expect(page).toHaveURL(/[?&]ts=params%3Adesc/);
  await page.getByTestId('sort-params').click();
  expect(await rowIds(page)).toEqual(nodeSort(models, (m) => m.paramsB, false));
  await page.getByTestId('sort-family').click();
  expect(await rowIds(page)).toEqual(nodeSort(models, (m) => m.family || null, false));

  // free-text filter: every token in id, family or organisation
  const query = 'smollm2 q8';
  await page.getByTestId('table-filter').fill(query);
  const tokens = query.split(' ');
  const hit = (m: AtlasModel) => tokens.every((t) => `${m.id} ${m.family} ${m.organisation}`.toLowerCase().includes(t));
  const expected = nodeSort(models, (m) => m.family || null, false).filter((id) => hit(models.find((m) => m.id === id)!));
  expect(expected.length).toBeGreaterThan(0);
  await expect(page.getByTestId('table-row')).toHaveCount(expected.length);
  expect(await rowIds(page)).toEqual(expected);
  await expect(page).toHaveURL(/[?&]tq=smollm2\+q8/);
  await page.getByTestId('table-filter').fill('');

  // row -> map: the row's model is selected, in the URL and on the map
  const ids = embeddedIds(atlas);
  const pick = ids[ids.length - 1];
  await page.locator(`[data-testid=table-row][data-id="${pick}"]`).getByRole('button').click();
  await expect(page).toHaveURL(new RegExp(`[?&]sel=${encodeURIComponent(pick).replaceAll('%', '%25').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|[?&]sel=${encodeURIComponent(pick).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await expect(page.getByTestId('selected-id')).toHaveText(pick);
  await expect(page.locator(`[data-testid=table-row][data-id="${pick}"]`)).toHaveAttribute('aria-selected', 'true');
  await page.getByTestId('tab-map').click();
  const pickIndex = models.findIndex((m) => m.id === pick);
  await expect.poll(async () => (await geometry(page)).dots.at(-1)?.[3]).toBe(pickIndex); // the selection is drawn last
  // map -> row: a neighbour chosen in the panel is the selected row in the table
  const other = topNeighbours(atlas, pick, 1)[0].id;
  await page.getByTestId('neighbour').first().getByRole('button', { name: other, exact: true }).click();
  await page.getByTestId('tab-table').click();
  await expect(page.locator('[data-testid=table-row][aria-selected=true]')).toHaveAttribute('data-id', other);
  // the URL alone restores sort, filter and selection
  const url = page.url();
  const page2 = await page.context().newPage();
  await page2.goto(url);
  await expect(page2.getByTestId('table-row')).toHaveCount(await page.getByTestId('table-row').count());
  expect(await rowIds(page2)).toEqual(await rowIds(page));
  await expect(page2.locator('[data-testid=table-row][aria-selected=true]')).toHaveAttribute('data-id', other);
});

test('labels never cover a dot at the default view, with and without a selection; neighbours are marked', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  for (const url of ['/', `/?v=1&sel=${encodeURIComponent(ids[0])}`, '/?v=1&dens=1']) {
    await page.goto(url);
    await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
    const g = await geometry(page);
    expect(g.dots).toHaveLength(ids.length);
    expect(g.labels.length).toBeGreaterThan(0);
    for (const l of g.labels)
      for (const [x, y, r] of g.dots) expect(intersects(l, [x - r, y - r, x + r, y + r]), `label ${l} covers the dot at ${x},${y}`).toBe(false);
    for (let i = 0; i < g.labels.length; i++)
      for (let j = i + 1; j < g.labels.length; j++) expect(intersects(g.labels[i], g.labels[j])).toBe(false);
    console.log(`${url}: ${g.labelled.length} of ${g.dots.length} points labelled, ${g.labels.length - g.labelled.length} cluster labels`);
  }
  // with a selection: it is labelled first
  const sel = ids[0];
  await page.goto(`/?v=1&sel=${encodeURIComponent(sel)}`);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  const gs = await geometry(page);
  const selIndex = atlas.json.models.findIndex((m) => m.id === sel);
  expect(gs.labelled).toContain(selIndex);
  await expect(page.getByTestId('legend-marks')).toContainText('nearest neighbours');
});

test('"why are these neighbours": top probes for similarity and difference equal Node’s from the served file', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  const a = ids[0];
  const b = topNeighbours(atlas, a, 1)[0].id;
  const rowOf = (id: string) => atlas.json.models.find((m) => m.id === id)!.row!;
  const unit = (v: Float32Array) => {
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    return Array.from(v, (x) => x / n);
  };
  const va = unit(atlas.vector(rowOf(a)));
  const vb = unit(atlas.vector(rowOf(b)));
  const shares = atlas.json.probes.map((p, i) => {
    let sim = 0;
    let diff = 0;
    for (let w = p.offset; w < p.offset + p.words.length; w++) {
      sim += va[w] * vb[w];
      diff += (va[w] - vb[w]) ** 2;
    }
    return { id: p.id, i, sim, diff };
  });
  const top = (key: 'sim' | 'diff') => [...shares].sort((x, y) => y[key] - x[key] || x.i - y.i).slice(0, 5).map((s) => s.id);

  await page.goto(`/?v=1&sel=${encodeURIComponent(a)}`);
  // from the panel: "why?" on the neighbour opens the summary for the pair
  await page.getByTestId('neighbour').first().getByRole('button', { name: /why/i }).click();
  const summary = page.getByTestId('why-summary');
  await expect(summary).toBeVisible();
  const shown = async (kind: string) => page.getByTestId(`why-${kind}`).getByTestId('why-probe').evaluateAll((els) => els.map((e) => e.getAttribute('data-probe')));
  expect(await shown('similar')).toEqual(top('sim'));
  expect(await shown('different')).toEqual(top('diff'));
  const simShares = await page.getByTestId('why-similar').getByTestId('why-probe').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-share'))));
  const bySim = new Map(shares.map((s) => [s.id, s.sim]));
  top('sim').forEach((id, k) => {
    expect(simShares[k]).toBeCloseTo(bySim.get(id)!, 9);
  });
  // the sign's meaning for the atlas's method, on the page
  expect(atlas.json.spec?.attribution).toBe('gxi');
  await expect(page.getByTestId('why-legend')).toContainText('raises the log-probability of the target');
});

test('phone 390x844: every filter and the layout Apply are reachable and work; a tapped model shows its neighbours without scrolling the page', async ({ browser, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  await page.goto('/');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  const inViewport = async (loc: ReturnType<Page['locator']>) => {
    const b = (await loc.boundingBox())!;
    return b.x >= 0 && b.y >= 0 && b.x + b.width <= 390 && b.y + b.height <= 844;
  };

  await page.getByTestId('filters').locator('summary').click();
  const sheet = page.getByTestId('filters').locator('.filters-body');
  await expect(sheet).toBeVisible();
  const boxes = sheet.locator('input[type=checkbox]');
  const n = await boxes.count();
  expect(n).toBe(new Set(atlas.json.models.map((m) => m.family || 'unknown')).size + new Set(atlas.json.models.map((m) => m.organisation || 'unknown')).size + new Set(atlas.json.models.map((m) => m.licence || 'unknown')).size);
  for (let i = 0; i < n; i++) {
    const box = boxes.nth(i);
    await box.scrollIntoViewIfNeeded();
    expect(await inViewport(box), `filter checkbox ${i} is on screen`).toBe(true);
    await box.check();
    await expect(box).toBeChecked();
    await box.uncheck();
  }
  for (const id of ['filter-embedded', 'filter-params-min', 'filter-params-max']) {
    await sheet.getByTestId(id).scrollIntoViewIfNeeded();
    expect(await inViewport(sheet.getByTestId(id)), id).toBe(true);
  }
  await sheet.getByTestId('filter-params-min').fill('0.2');
  await sheet.getByTestId('filter-params-max').fill('0.3');
  await expect(page).toHaveURL(/[?&]fp=0.2%2C0.3/);
  await page.getByTestId('filters').locator('summary').click();

  await page.getByTestId('projection').locator('summary').click();
  await page.getByTestId('projection-method').selectOption('pca');
  const apply = page.getByTestId('projection-run');
  await apply.scrollIntoViewIfNeeded();
  expect(await inViewport(apply)).toBe(true);
  await apply.click();
  await expect(page).toHaveURL(/[?&]p=pca/);
  await page.getByTestId('projection').locator('summary').click();
  await page.goto('/');
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));

  // tap a dot: its panel opens as a sheet, no tooltip covers it, neighbours are visible at once
  const g = await geometry(page);
  const canvasBox = (await page.getByTestId('map-canvas').boundingBox())!;
  // a dot that no overlay (legend, count) covers
  const free = await page.evaluate(
    ({ b, dots }) => dots.find(([x, y]) => document.elementFromPoint(b.x + x, b.y + y)?.getAttribute('data-testid') === 'map-canvas'),
    { b: canvasBox, dots: g.dots },
  );
  const [x, y, , index] = free!;
  await page.touchscreen.tap(canvasBox.x + x, canvasBox.y + y);
  const id = atlas.json.models[index].id;
  await expect(page.getByTestId('selected-id')).toHaveText(id);
  await expect(page.getByTestId('hover-card')).toHaveCount(0);
  const expected = topNeighbours(atlas, id, 10).map((e) => e.id);
  const items = page.getByTestId('neighbour');
  await expect(items).toHaveCount(expected.length);
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(expected);
  for (let k = 0; k < Math.min(5, expected.length); k++) expect(await inViewport(items.nth(k)), `neighbour ${k + 1} visible`).toBe(true);
  expect(await page.evaluate(() => [window.scrollY, document.documentElement.scrollHeight - window.innerHeight])).toEqual([0, 0]);
  expect(await inViewport(page.getByRole('button', { name: 'Close the panel' }))).toBe(true);
  await page.screenshot({ path: 'test-results/explorer-phone-sheet.png' });
  await ctx.close();
});

test('exports: SVG has the legend entries and the edge dash patterns; PNG is 2x the canvas', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  await page.goto(`/?v=1&lin=1&sel=${encodeURIComponent(ids[0])}`);
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
  const grab = async (testId: string) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return readFileSync((await dl.path())!);
  };
  const svg = (await grab('export-svg')).toString('utf8');
  const legendItems = await page.getByTestId('legend').locator('ul:not(.marks):not(.edge-legend) li').allTextContents();
  expect(legendItems.length).toBeGreaterThan(0);
  const entries = [...svg.matchAll(/data-legend-entry="">([^<]*)</g)].map((m) => m[1].replaceAll('&amp;', '&'));
  for (const item of legendItems) expect(entries).toContain(item.replace(/\s+\(/, ' ('));
  for (const type of Object.keys(EDGE_STYLE)) expect(entries).toContain(type);
  for (const [type, st] of Object.entries(EDGE_STYLE))
    if (st.dash.length) expect(svg, `dash of ${type}`).toContain(`stroke-dasharray="${st.dash.join(' ')}"`);
  // the lineage edges drawn on the map keep their dash patterns
  const drawn = [...svg.matchAll(/<line [^>]*data-type="([^"]+)"/g)].map((m) => m[0]);
  expect(drawn.length).toBeGreaterThan(0);
  for (const l of drawn) {
    const type = /data-type="([^"]+)"/.exec(l)![1];
    const dash = EDGE_STYLE[type].dash;
    if (dash.length) expect(l).toContain(`stroke-dasharray="${dash.join(' ')}"`);
  }
  expect(svg).toContain('class="ring selected"');
  expect(svg).toContain('paint-order="stroke"');
  expect(svg).toMatch(/<title>ABLE Atlas: \d+ models/);

  const png = await grab('export-png');
  const css = await page.getByTestId('map-canvas').evaluate((c: HTMLCanvasElement) => [c.clientWidth, c.clientHeight]);
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(css.map((v) => 2 * v));
});

test('search matches tokens across id, family and organisation, and says when nothing matches', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  await page.goto('/');
  const smol = atlas.json.models.filter((m) => /smollm2/i.test(`${m.id} ${m.family}`) && /q8/i.test(m.id));
  test.skip(smol.length === 0, 'the served atlas has no SmolLM2 q8 model');
  await page.getByTestId('search').fill('smollm2 q8');
  await expect(page.getByTestId('search-suggestions')).toContainText(smol[0].id);
  await page.getByTestId('search').fill('no-such-model-zzz');
  await expect(page.getByTestId('search-no-match')).toContainText('No match');
});

test('navigation: empty space clears the selection; the not-embedded filter explains the empty map', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  const ids = embeddedIds(atlas);
  await page.goto(`/?v=1&sel=${encodeURIComponent(ids[0])}`);
  await expect(page.getByTestId('selected-id')).toHaveText(ids[0]);
  const g = await geometry(page);
  const box = (await page.getByTestId('map-canvas').boundingBox())!;
  // a spot of the canvas (not under the legend) at least 30 px from every dot
  const free = await page.evaluate(
    ({ b, dots }) => {
      for (let y = 40; y < b.height - 40; y += 20)
        for (let x = 40; x < b.width - 40; x += 20)
          if (dots.every(([dx, dy]) => Math.hypot(dx - x, dy - y) > 30) && document.elementFromPoint(b.x + x, b.y + y)?.getAttribute('data-testid') === 'map-canvas')
            return [x, y] as [number, number];
      return null;
    },
    { b: box, dots: g.dots },
  );
  const spot = free;
  await page.mouse.click(box.x + spot![0], box.y + spot![1]);
  await expect(page.getByTestId('model-panel')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('sel')).toBeNull();
  if (atlas.json.models.some((m) => m.row === null)) {
    await page.goto('/?v=1&fe=not');
    await expect(page.getByTestId('map-empty')).toContainText('None of the');
  }
  // what the points are is said where the eye lands
  const lab = atlas.json.models.filter((m) => m.row !== null && m.origin === 'lab').length;
  if (lab === ids.length) await expect(page.getByTestId('map-explain')).toContainText(`The ${ids.length} points are lab models`);
});

test('lineage view: one tab stop, arrow keys move between models, Enter selects; benchmark options without scores are disabled', async ({ page, request }) => {
  const atlas = await loadServedAtlas(request);
  await page.goto('/?v=1&tab=lineage');
  await expect(page.getByTestId('lineage-node')).toHaveCount(atlas.json.models.length);
  const stops = await page.getByTestId('lineage-view').evaluate((el) => el.querySelectorAll('[tabindex]:not([tabindex="-1"]), button, a[href], input').length);
  expect(stops).toBe(1);
  const stage = page.getByTestId('lineage-svg');
  await stage.focus();
  const first = await stage.getAttribute('data-focus');
  await page.keyboard.press('ArrowRight');
  const moved = await stage.getAttribute('data-focus');
  expect(moved).not.toBe(first);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('selected-id')).toHaveText(atlas.json.models[Number(moved)].id);

  // benchmark colour/size options: disabled exactly when no model on the map has that score
  const onMap = atlas.json.models.filter((m) => m.row !== null && m.xy);
  const keys = [...new Set(atlas.json.models.flatMap((m) => Object.entries(m.benchmarks ?? {}).filter(([, v]) => typeof v === 'number').map(([k]) => k)))];
  for (const k of keys) {
    const has = onMap.some((m) => typeof (m.benchmarks as Record<string, unknown> | null)?.[k] === 'number');
    expect(await page.getByTestId('colour-by').locator(`option[value="bench:${k}"]`).isDisabled()).toBe(!has);
    expect(await page.getByTestId('size-by').locator(`option[value="bench:${k}"]`).isDisabled()).toBe(!has);
  }
});
