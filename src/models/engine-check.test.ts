import { expect, it } from 'vitest';
import { relativeError, runEngineCheck } from './engine-check.ts';
import { nodeRuntime } from '../platform/node/runtime-node.ts';
import { ortWeb, webRuntime } from '../platform/web/runtime-web.ts';

ortWeb.env.wasm.numThreads = 1;

// The same check graph the browser e2e runs: onnxruntime-web (WASM) in Node vs onnxruntime-node.
it('gradients of a random one-layer Llama agree between onnxruntime-node and onnxruntime-web wasm', async () => {
  const ref = await runEngineCheck(nodeRuntime);
  const web = await runEngineCheck(webRuntime(['wasm']));
  expect(ref.provider).toBe('cpu');
  expect(web.provider).toBe('wasm');
  expect(ref.grad.length).toBe(2 * 6 * 16);
  expect(Math.max(...ref.grad.map(Math.abs))).toBeGreaterThan(0);
  const rel = relativeError(web.grad, ref.grad);
  console.log(`engine check: node vs web-wasm relative error ${rel.toExponential(2)}`);
  expect(rel).toBeLessThanOrEqual(1e-4);
});
