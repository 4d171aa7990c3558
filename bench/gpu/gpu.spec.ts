// Embeds SmolLM2-135M and Qwen2.5-Coder-0.5B (GGUF from $ABLE_MODELS_DIR) in the tab through
// Chromium's WebGPU and writes time, provider and adapter to bench/gpu/results.json. A software
// adapter (SwiftShader) or a fallback to WASM is reported and fails the run: it is not a target.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

const DIR = process.env.ABLE_MODELS_DIR ?? '/tmp/models';
const MODELS = ['SmolLM2-135M-Instruct.Q4_1.gguf', 'qwen2.5-coder-0.5b-instruct-q4_k_m.gguf'];
const OUT = join(import.meta.dirname, 'results.json');
const results: Record<string, unknown>[] = [];

test.afterAll(() => writeFileSync(OUT, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 1)}\n`));

for (const file of MODELS) {
  test(`${file} on WebGPU`, async ({ page }) => {
    const path = join(DIR, file);
    test.skip(!existsSync(path), `${path} missing`);
    await page.goto('/');
    const adapter = await page.evaluate(async () => {
      const gpu = (globalThis as any).navigator?.gpu; // runs in the page
      if (!gpu) return null;
      const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      return a ? { vendor: a.info?.vendor, architecture: a.info?.architecture, description: a.info?.description, fallback: a.isFallbackAdapter ?? a.info?.isFallbackAdapter } : null;
    });
    const software = !adapter || adapter.fallback || /swiftshader/i.test(`${adapter.vendor} ${adapter.architecture} ${adapter.description}`);
    await page.getByTestId('embed-open').click();
    await page.getByTestId('embed-files').setInputFiles([path]);
    await page.getByTestId('embed-name').fill(file);
    await page.getByTestId('embed-backend').selectOption('auto');
    const t0 = Date.now();
    await page.getByTestId('embed-start').click();
    const result = page.getByTestId('embed-result');
    await expect(result.or(page.getByTestId('embed-error'))).toBeVisible({ timeout: 540_000 });
    const error = (await page.getByTestId('embed-error').isVisible()) ? await page.getByTestId('embed-error').textContent() : null;
    const row = {
      model: file,
      adapter,
      software,
      error,
      provider: error ? null : await result.getAttribute('data-provider'),
      wallMs: error ? null : Number(await result.getAttribute('data-wall-ms')),
      embedMs: error ? null : Number(await result.getAttribute('data-embed-ms')),
      testWallMs: Date.now() - t0,
    };
    results.push(row);
    console.log(JSON.stringify(row));
    expect(error).toBeNull();
    expect(software, `software adapter: ${JSON.stringify(adapter)}`).toBe(false);
    expect(row.provider).toBe('webgpu');
  });
}
