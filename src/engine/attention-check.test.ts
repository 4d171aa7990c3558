import { expect, it } from 'vitest';
import { relativeError, runAttentionCheck } from './attention-check.ts';
import { nodeRuntime } from './runtime-node.ts';
import { ortWeb, webRuntime } from './runtime-web.ts';

ortWeb.env.wasm.numThreads = 1;

// The same check graph the browser e2e runs: onnxruntime-web (WASM) in Node vs onnxruntime-node.
it('attention-block gradients agree between onnxruntime-node and onnxruntime-web wasm', async () => {
  const ref = await runAttentionCheck(nodeRuntime);
  const web = await runAttentionCheck(webRuntime(['wasm']));
  expect(ref.provider).toBe('cpu');
  expect(web.provider).toBe('wasm');
  expect(ref.grad.length).toBe(2 * 6 * 16);
  expect(Math.max(...ref.grad.map(Math.abs))).toBeGreaterThan(0);
  const rel = relativeError(web.grad, ref.grad);
  console.log(`attention check: node vs web-wasm relative error ${rel.toExponential(2)}`);
  expect(rel).toBeLessThanOrEqual(1e-4);
});
