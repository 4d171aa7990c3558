import { expect, test } from '@playwright/test';
import { relativeError, runEngineCheck } from '../src/models/engine-check';
import { nodeRuntime } from '../src/platform/node/runtime-node';

// The same random one-layer Llama attribution graph (forward + backward, the models' own builder)
// in Chromium on WebGPU and on WASM must give the gradients onnxruntime-node gives, to 1e-4 relative.
test('engine gradients: WebGPU and WASM in the browser match onnxruntime-node', async ({ page }) => {
  const ref = await runEngineCheck(nodeRuntime);
  expect(Math.max(...ref.grad.map(Math.abs))).toBeGreaterThan(0);
  await page.goto('/');
  await page.waitForFunction(() => typeof window.__ableEngineCheck === 'function');
  for (const provider of ['webgpu', 'wasm'] as const) {
    const got = await page.evaluate((p) => window.__ableEngineCheck!(p), provider);
    const rel = relativeError(got.grad, ref.grad);
    console.log(
      `${provider}: provider ran ${got.provider}, create ${got.createMs.toFixed(0)} ms, run ${got.runMs.toFixed(0)} ms, relative error vs node ${rel.toExponential(2)}`,
    );
    expect(got.provider).toBe(provider);
    expect(got.grad.length).toBe(ref.grad.length);
    expect(rel).toBeLessThanOrEqual(1e-4);
  }
});
