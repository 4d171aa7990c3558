import { expect, test } from '@playwright/test';
import { embeddedIds, loadServedAtlas, topNeighbours } from './explorer-helpers';

// Screenshots for the issue note: desktop 1440x900 and phone 390x844 of the map, the table, the
// "why" summary and the lineage view. Written to test-results/screens (ABLE_SCREENS_DIR overrides).
const dir = process.env.ABLE_SCREENS_DIR ?? 'test-results/screens';
const sizes = [
  { name: 'desktop', viewport: { width: 1440, height: 900 }, mobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, mobile: true },
];

for (const size of sizes) {
  test(`screenshots: ${size.name}`, async ({ browser, request }) => {
    const atlas = await loadServedAtlas(request);
    const ids = embeddedIds(atlas);
    const target = ids.find((id) => /smollm2/i.test(id)) ?? ids[0];
    const near = topNeighbours(atlas, target, 1)[0].id;
    const ctx = await browser.newContext({ viewport: size.viewport, isMobile: size.mobile, hasTouch: size.mobile });
    const page = await ctx.newPage();
    const shot = async (what: string) => page.screenshot({ path: `${dir}/${size.name}-${what}.png` });
    await page.goto('/');
    await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
    await shot('map');
    await page.goto(`/?v=1&sel=${encodeURIComponent(target)}`);
    await expect(page.getByTestId('neighbour').first()).toBeVisible();
    await shot('map-selected');
    await page.goto(`/?v=1&sel=${encodeURIComponent(target)}&tab=table`);
    await expect(page.getByTestId('table-row').first()).toBeVisible();
    await shot('table');
    await page.goto(`/?v=1&sel=${encodeURIComponent(target)}&cmp=${encodeURIComponent(near)}&tab=compare`);
    await expect(page.getByTestId('why-summary')).toBeVisible();
    await shot('why');
    await page.goto(`/?v=1&sel=${encodeURIComponent(target)}&tab=lineage`);
    await expect(page.getByTestId('lineage-node').first()).toBeAttached();
    await shot('lineage');
    await page.goto('/?v=1&dens=1&lin=1');
    await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-drawn', String(ids.length));
    await shot('map-density-lineage');
    await ctx.close();
  });
}
