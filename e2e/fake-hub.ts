// A fake Hugging Face hub for the in-tab embed tests: the worker's requests go through the browser
// context's routes, laid out as the hub serves them (revision listing, then /resolve/ downloads).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';

/** The tiny Llama fixture as a hub repository's files. */
export const TINY_LLAMA_FILES = [
  'test/fixtures/tiny/llama/config.json',
  'test/fixtures/tiny/llama/model.safetensors',
  'test/fixtures/tiny/tokenizers/llama2/tokenizer.json',
  'test/fixtures/tiny/tokenizers/llama2/tokenizer_config.json',
];

export const HUB_ENDPOINT = 'https://hub.example.test';

/**
 * Serves `repo` at commit `sha` from local files; every path asked is recorded in `asked`. With
 * `hold`, file downloads wait for it (to act while a download is in flight).
 */
export async function routeFakeHub(
  context: BrowserContext,
  o: { repo: string; sha: string; files?: string[]; hold?: Promise<void> },
): Promise<{ asked: string[] }> {
  const files = new Map((o.files ?? TINY_LLAMA_FILES).map((f) => [basename(f), readFileSync(f)]));
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Range, Content-Length' };
  const asked: string[] = [];
  await context.route(`${HUB_ENDPOINT}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: { ...cors, 'Access-Control-Allow-Headers': '*' } });
    asked.push(url.pathname);
    // the worker lists `main`, then lists again at the commit it resolved to (as the hub allows)
    if (url.pathname === `/api/models/${o.repo}/revision/main` || url.pathname === `/api/models/${o.repo}/revision/${o.sha}`) {
      const siblings = [...files].map(([rfilename, b]) => ({ rfilename, size: b.length }));
      return route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify({ sha: o.sha, siblings }) });
    }
    if (o.hold) await o.hold;
    const m = new RegExp(`^/${o.repo}/resolve/${o.sha}/(.+)$`).exec(url.pathname);
    const body = m ? files.get(decodeURIComponent(m[1])) : undefined;
    // after a cancel the page may be gone: a late fulfil is not an error of the test
    if (!body) return route.fulfill({ status: 404, headers: cors, body: 'not found' }).catch(() => {});
    return route.fulfill({ status: 200, headers: { ...cors, 'Content-Length': String(body.length) }, body }).catch(() => {});
  });
  return { asked };
}

/** Opens the embed panel and starts a WASM embed of `repo` from the fake hub. */
export async function startHubEmbed(page: Page, repo: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('embed-open').click();
  await page.getByTestId('embed-mode-hub').check();
  await page.getByTestId('embed-hub-id').fill(repo);
  await page.getByTestId('embed-endpoint').fill(HUB_ENDPOINT);
  await page.getByTestId('embed-backend').selectOption('wasm');
  await page.getByTestId('embed-start').click();
}
