import { expect, type Page, test } from '@playwright/test';
import { routeFakeHub, startHubEmbed, TINY_LLAMA_FILES as FILES } from './fake-hub';

// The embedding worker's faults and cancel, on the tiny Llama (as in embed.spec.ts). Faults come from
// the e2e build's hook (window.__ableEmbedTest, src/app/embed/embed.worker.ts withTestHook; dropped
// from production builds): at the first event of a step the worker crashes, fails an allocation, or
// keeps its thread busy for a while, as a long synchronous graph build or probe run does.
type Hook = { at: 'check' | 'download' | 'open' | 'session' | 'probe'; action: 'crash' | 'oom' | 'hold' | 'vanish'; ms?: number } | null;

const setHook = (page: Page, hook: Hook) =>
  page.evaluate((h) => {
    (window as { __ableEmbedTest?: unknown }).__ableEmbedTest = h ?? undefined;
  }, hook);

async function openWithFiles(page: Page) {
  await page.goto('/');
  await page.getByTestId('embed-open').click();
  await page.getByTestId('embed-files').setInputFiles(FILES);
  await page.getByTestId('embed-name').fill('tiny-llama');
  await page.getByTestId('embed-backend').selectOption('wasm');
}

/** The page still works: the table view opens and lists models, the map comes back. */
async function pageStillWorks(page: Page) {
  await page.getByTestId('tab-table').click();
  await expect(page.locator('table tbody tr').first()).toBeVisible();
  await page.getByTestId('tab-map').click();
  await expect(page.getByTestId('map-canvas')).toBeVisible();
}

for (const action of ['crash', 'oom'] as const) {
  test(`a worker that ${action === 'crash' ? 'crashes' : 'runs out of memory'} mid-run is reported, and the app stays usable`, async ({ page }) => {
    test.setTimeout(240_000);
    await openWithFiles(page);
    await setHook(page, { at: 'session', action });
    await page.getByTestId('embed-start').click();
    const err = page.getByTestId('embed-error');
    await expect(err).toBeVisible();
    if (action === 'crash') await expect(err).toContainText('the embedding worker crashed and was stopped (Uncaught Error: injected worker crash at session (e2e hook))');
    else await expect(err).toContainText('the embedding worker ran out of memory and was stopped (Uncaught RangeError: Array buffer allocation failed)');
    await expect(page.getByTestId('embed-status')).toHaveCount(0);
    // another embedding can start at once, and this one runs to the end
    await setHook(page, null);
    await expect(page.getByTestId('embed-start')).toBeEnabled();
    await page.getByTestId('embed-start').click();
    await expect(err).toHaveCount(0);
    if (action === 'crash') {
      await expect(page.getByTestId('embed-result').or(page.getByTestId('embed-error'))).toBeVisible({ timeout: 200_000 });
      await expect(page.getByTestId('embed-result')).toHaveAttribute('data-dim', /^\d+$/);
    } else {
      await expect(page.getByTestId('embed-status')).toHaveAttribute('data-phase', 'probe', { timeout: 120_000 });
      await page.getByTestId('embed-cancel').click();
      await expect(page.getByTestId('embed-cancelled')).toBeVisible();
    }
    await page.getByTestId('embed-open').click(); // close the panel
    await pageStillWorks(page);
  });
}

test('a worker that vanishes without an error event (as one the browser kills) is reported, and the app stays usable', async ({ page }) => {
  await openWithFiles(page);
  await setHook(page, { at: 'probe', action: 'vanish' });
  await page.getByTestId('embed-start').click();
  await expect(page.getByTestId('embed-error')).toContainText('the embedding worker stopped without a word (the browser ended it, most likely for lack of memory)');
  await expect(page.getByTestId('embed-status')).toHaveCount(0);
  await setHook(page, null);
  await page.getByTestId('embed-start').click();
  await expect(page.getByTestId('embed-status')).toHaveAttribute('data-phase', 'probe', { timeout: 120_000 });
  await page.getByTestId('embed-cancel').click();
  // a cancelled (terminated) worker frees its lock too: that must not read as a crash
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('embed-cancelled')).toBeVisible();
  await expect(page.getByTestId('embed-error')).toHaveCount(0);
  await page.getByTestId('embed-open').click();
  await pageStillWorks(page);
});

// Cancel inside each step: the worker is terminated there. The step is held busy for HOLD ms and a
// worker still alive after it posts an event at once ("e2e hold over"), which would flip the panel
// back to running; the panel is watched well past the hold. (Checked: with cancel not terminating
// the worker, all three tests and the download one fail.)
const HOLD = 4000;
for (const at of ['open', 'session', 'probe'] as const) {
  test(`cancel during "${at}" stops the work and leaves the app usable`, async ({ page }) => {
    await openWithFiles(page);
    await setHook(page, { at, action: 'hold', ms: HOLD });
    await page.getByTestId('embed-start').click();
    await expect(page.getByTestId('embed-status')).toHaveAttribute('data-phase', at, { timeout: 120_000 });
    await page.getByTestId('embed-cancel').click();
    await expect(page.getByTestId('embed-cancelled')).toBeVisible();
    await page.waitForTimeout(HOLD + 3000);
    await expect(page.getByTestId('embed-cancelled')).toBeVisible();
    await expect(page.getByTestId('embed-status')).toHaveCount(0);
    await expect(page.getByTestId('embed-result')).toHaveCount(0);
    await expect(page.getByTestId('embed-start')).toBeEnabled();
    await page.getByTestId('embed-open').click();
    await pageStillWorks(page);
  });
}

test('cancel during the download stops it: no further requests, and the app stays usable', async ({ page, context }) => {
  const repo = 'tiny-random/llama-e2e';
  let release: () => void = () => {};
  const hold = new Promise<void>((r) => {
    release = r;
  });
  // every file download hangs until the test lets it go
  const { asked } = await routeFakeHub(context, { repo, sha: 'b'.repeat(40), hold });
  await startHubEmbed(page, repo);
  await expect(page.getByTestId('embed-status')).toHaveAttribute('data-phase', 'download');
  await expect.poll(() => asked.some((p) => p.includes('/resolve/'))).toBe(true);
  await page.getByTestId('embed-cancel').click();
  await expect(page.getByTestId('embed-cancelled')).toBeVisible();
  const before = asked.length;
  release();
  await page.waitForTimeout(3000);
  expect(asked.slice(before), 'requests after cancel').toEqual([]);
  await expect(page.getByTestId('embed-cancelled')).toBeVisible();
  await expect(page.getByTestId('embed-status')).toHaveCount(0);
  await page.getByTestId('embed-open').click();
  await pageStillWorks(page);
});
