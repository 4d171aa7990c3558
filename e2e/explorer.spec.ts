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
