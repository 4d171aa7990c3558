// Issue 13 acceptance in the browser: the served page carries the CSP and hardening headers; every
// URL field's payload stays inert (a page-level flag proves no script ran); ?threads=1000000 is
// refused with a message; a render error shows an error panel, not a blank page; a hostile
// atlas.json (another origin for the embeddings, no probes) is refused with a message.
import { expect, test } from '@playwright/test';

test('the served page carries the CSP, frame-ancestors none and nosniff', async ({ page }) => {
  const res = await page.goto('/');
  const h = res!.headers();
  const csp = h['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/connect-src 'self' https:\/\/huggingface\.co/);
  expect(csp).not.toContain("'unsafe-eval'");
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['cross-origin-embedder-policy']).toBe('require-corp');
  // and the app works under it: atlas loaded, isolation on (threads possible)
  await expect(page.getByTestId('map-area')).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const js = await page.request.get(new URL(await page.locator('script[type=module]').first().getAttribute('src') ?? '/', page.url()).href);
  expect(js.headers()['x-content-type-options']).toBe('nosniff');
});

const PAYLOADS = [
  '<script>window.__pwned="script"</script>',
  '"><img src=x onerror="window.__pwned=\'img\'">',
  "javascript:window.__pwned='js'",
  '<svg onload="window.__pwned=\'svg\'">',
];
const FIELDS = ['sel', 'cmp', 'z', 'c', 's', 'ff', 'fo', 'fl', 'fp', 'fe', 'p', 'lin', 'tab', 'threads', 'embed', 'v'];

test('payloads in every URL field stay inert', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __pwned?: string }).__pwned = undefined;
    window.alert = () => {
      (window as unknown as { __pwned?: string }).__pwned = 'alert';
    };
  });
  const violations: string[] = [];
  page.on('console', (m) => /Content Security Policy/.test(m.text()) && violations.push(m.text()));
  for (const p of PAYLOADS) {
    const q = new URLSearchParams(FIELDS.map((f) => [f, p]));
    q.set('v', '1');
    await page.goto(`/?${q}`);
    await expect(page.getByRole('heading', { name: 'ABLE Atlas' })).toBeVisible();
    await expect(page.getByTestId('map-area')).toBeVisible();
    // the selected-model payload is shown as text if anywhere, never parsed as markup
    expect(await page.locator('img[src="x"], svg[onload]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  }
  // the same payload in the hash and as a path
  await page.goto(`/#${encodeURIComponent(PAYLOADS[0])}`);
  await expect(page.getByTestId('map-area')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(violations).toEqual([]);
});

test('threads=1000000 in a link is refused with a message', async ({ page }) => {
  await page.goto('/?threads=1000000');
  const note = page.getByTestId('threads-note');
  await expect(note).toBeVisible();
  await expect(note).toContainText('1000000');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  await expect(page.getByTestId('wasm-threads')).toHaveText(String(Math.min(cores, 1000000)));
  await page.goto('/?threads=abc');
  await expect(page.getByTestId('threads-note')).toContainText('"abc" is not a whole number');
});

test('a render error shows an error panel, not a blank page', async ({ page }) => {
  // A browser that blocks canvas (privacy settings, some extensions): getContext returns null.
  await page.addInitScript(() => {
    HTMLCanvasElement.prototype.getContext = () => null;
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.getByTestId('error-panel')).toBeVisible();
  await expect(page.getByTestId('error-panel')).toContainText('Something went wrong in the atlas view');
  // the page around it still works
  await expect(page.getByRole('heading', { name: 'ABLE Atlas' })).toBeVisible();
});

test('an atlas.json pointing its embeddings at another origin, or without probes, is refused with a message', async ({ page }) => {
  const real = await (await page.request.get('/atlas/atlas.json')).json();
  for (const [atlas, message] of [
    [{ ...real, embeddings: { ...real.embeddings, file: 'https://evil.example/e.f16' } }, /embeddings\.file: .* is not a plain file name/],
    [{ ...real, probes: undefined }, /probes: expected an array/],
  ] as const) {
    await page.route('**/atlas/atlas.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(atlas) }));
    await page.goto('/?v=1&tab=compare');
    await expect(page.getByTestId('atlas-error')).toContainText(message);
    await page.unroute('**/atlas/atlas.json');
  }
});
