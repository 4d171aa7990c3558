import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';

// "Your models": embeddings kept in IndexedDB across reloads. Seeded through the app's own import
// with embedding files our pipeline wrote (lab/embeddings, same spec as the served atlas): computing
// one in the tab takes minutes on SwiftShader, and the in-tab path is covered by embed.spec.ts.
const A = 'lab/embeddings/lab__gemma-3-270m-q4_0.4f296bb80183.able.json';
const B = 'lab/embeddings/lab__gemma-3-270m-q5_0.4f296bb80183.able.json';
const label = (f: string) => f.split('/').pop()!.replace(/\.able\.json$/, '');

async function openPanel(page: Page) {
  await page.getByTestId('embed-open').click();
  await expect(page.getByTestId('your-models')).toHaveAttribute('data-status', 'ready');
}

async function importFiles(page: Page, files: string[]) {
  const before = await page.getByTestId('your-model').count();
  await page.getByTestId('your-models-import').setInputFiles(files);
  await expect(page.getByTestId('your-model')).toHaveCount(before + files.length);
}

test('an imported model is listed, survives a reload, exports bit-exactly, shows on the map and is removable', async ({ page }) => {
  await page.goto('/');
  await openPanel(page);
  await importFiles(page, [A]);
  await page.reload();
  await openPanel(page);
  const item = page.getByTestId('your-model');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-label', label(A));
  // export gives back the very bytes imported
  const [dl] = await Promise.all([page.waitForEvent('download'), item.getByTestId('your-model-export').click()]);
  expect(dl.suggestedFilename()).toBe(A.split('/').pop());
  expect(readFileSync((await dl.path())!).equals(readFileSync(A))).toBe(true);
  // same spec as the atlas: it can be placed
  const show = item.getByTestId('your-model-show');
  await expect(show).toBeEnabled();
  await show.click();
  await expect(show).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('in-tab-marker')).toBeVisible();
  await expect(page.getByTestId('map-canvas')).toHaveAttribute('data-marker', /^-?[\d.]+,-?[\d.]+$/);
  await item.getByTestId('your-model-remove').click();
  await expect(page.getByTestId('your-model')).toHaveCount(0);
  await expect(page.getByTestId('in-tab-marker')).toHaveCount(0);
  await page.reload();
  await openPanel(page);
  await expect(page.getByTestId('your-model')).toHaveCount(0);
});

test('a file that is not an embedding is refused at import with the reason, and nothing is kept', async ({ page }) => {
  await page.goto('/');
  await openPanel(page);
  await page.getByTestId('your-models-import').setInputFiles({ name: 'broken.able.json', mimeType: 'application/json', buffer: readFileSync(A).subarray(0, 400) });
  await expect(page.getByTestId('your-models-note')).toContainText('Not imported: broken.able.json: embedding file: not valid JSON');
  await expect(page.getByTestId('your-model')).toHaveCount(0);
});

test('a corrupted stored entry is reported by name and skipped; the others load', async ({ page }) => {
  await page.goto('/');
  await openPanel(page);
  await importFiles(page, [A, B]);
  // garbage written straight into the database: one entry with cut bytes, one that is not an entry
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('able-atlas', 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('your-models', 'readwrite');
          const st = tx.objectStore('your-models');
          st.put({ version: 1, label: 'mangled model', fileName: 'x.able.json', savedAt: '2026-01-01T00:00:00.000Z', bytes: new TextEncoder().encode('{"format":"able-emb') }, 'zz-mangled');
          st.put('garbage', 'zz-garbage');
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await page.reload();
  await openPanel(page);
  await expect(page.getByTestId('your-model')).toHaveCount(2);
  await expect(page.getByTestId('your-model').nth(0)).toHaveAttribute('data-label', /gemma-3-270m-q[45]_0/);
  const problems = page.getByTestId('your-models-problem');
  await expect(problems).toHaveCount(2);
  await expect(problems.filter({ hasText: '"mangled model"' })).toContainText('could not be read and was skipped: embedding file: not valid JSON');
  await expect(problems.filter({ hasText: '"zz-garbage"' })).toContainText('expected a stored entry, got string');
  // the app stays usable: a good model can still be shown
  await page.getByTestId('your-model').nth(0).getByTestId('your-model-show').click();
  await expect(page.getByTestId('your-model').nth(0).getByTestId('your-model-show')).toHaveAttribute('aria-pressed', 'true');
  // an unreadable entry can be removed from its alert, for good
  await problems.filter({ hasText: '"zz-garbage"' }).getByTestId('your-models-problem-remove').click();
  await expect(problems).toHaveCount(1);
  await page.reload();
  await openPanel(page);
  await expect(page.getByTestId('your-models-problem')).toHaveCount(1);
  await expect(page.getByTestId('your-models-problem')).toHaveAttribute('data-key', 'zz-mangled');
  await expect(page.getByTestId('your-model')).toHaveCount(2);
});

test('a kept embedding of method v1 is re-aggregated for the v2 atlas: placed where its v2 file is, exported as kept', async ({ page }) => {
  const V1 = 'lab/embeddings-v1/lab__gemma-3-270m-q4_0.76fc47f7a893.able.json';
  await page.goto('/');
  await openPanel(page);
  await importFiles(page, [V1]);
  const item = page.getByTestId('your-model');
  await expect(item.getByTestId('your-model-reaggregated')).toContainText("computed under spec 76fc47f7a893, re-aggregated to this atlas's method v2");
  await item.getByTestId('your-model-show').click();
  const canvas = page.getByTestId('map-canvas');
  await expect(canvas).toHaveAttribute('data-marker', /^-?[\d.]+,-?[\d.]+$/);
  const fromV1 = await canvas.getAttribute('data-marker');
  // export gives the v1 file back byte for byte
  const [dl] = await Promise.all([page.waitForEvent('download'), item.getByTestId('your-model-export').click()]);
  expect(readFileSync((await dl.path())!).equals(readFileSync(V1))).toBe(true);
  await item.getByTestId('your-model-remove').click();
  await expect(page.getByTestId('your-model')).toHaveCount(0);
  // the committed v2 file of the same model (written by able reaggregate) lands on the same spot
  await importFiles(page, [A]);
  await page.getByTestId('your-model').getByTestId('your-model-show').click();
  await expect(canvas).toHaveAttribute('data-marker', fromV1!);
});
